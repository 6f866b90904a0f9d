// Served to signed-in pages by dashboards.auth.web. When the session ends (expiry,
// logout in another tab, password change) Dash's requests are answered 401 and the
// renderer would just stop updating; reloading lets the server send the browser to
// the login page instead. Reloads at most once every 10 s so a misconfigured proxy
// cannot cause a reload loop.
(function () {
  "use strict";
  var originalFetch = window.fetch;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401) {
        var last = Number(window.sessionStorage.getItem("wsi-auth-reload") || 0);
        if (Date.now() - last > 10000) {
          window.sessionStorage.setItem("wsi-auth-reload", String(Date.now()));
          window.location.reload();
        }
      }
      return response;
    });
  };
})();
