// The 数据上报 page's one piece of browser code: each chosen file is posted, as it is,
// to the upload API (multipart, streamed by the browser; never read into memory as
// base64), with the session's CSRF token, and the API's answers go to the page's store.
// Dash has no plain file input, so the page leaves a slot (#upload-file-slot) and the
// input is mounted into it here, whenever the page is drawn.
(function () {
  "use strict";

  function cookie(name) {
    var found = document.cookie.split("; ").find(function (c) {
      return c.indexOf(name + "=") === 0;
    });
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  async function post(api, file, source) {
    var body = new FormData();
    body.append("file", file, file.name);
    if (source && source !== "auto") {
      body.append("source", source);
    }
    try {
      var response = await fetch(api + "/uploads", {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": cookie("_csrf_token") },
      });
      var answer = await response.json().catch(function () {
        return { error: "bad_request", message: response.statusText };
      });
      return { filename: file.name, ok: response.ok, status: response.status, body: answer };
    } catch (problem) {
      return { filename: file.name, ok: false, status: 0,
               body: { error: "network", message: String(problem) } };
    }
  }

  function mountFileInput() {
    var slot = document.getElementById("upload-file-slot");
    if (!slot || document.getElementById("upload-file")) {
      return;
    }
    var input = document.createElement("input");
    input.type = "file";
    input.id = "upload-file";
    input.multiple = true;
    input.accept = slot.dataset.accept || "";
    slot.appendChild(input);
  }

  new MutationObserver(mountFileInput).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.wsi_upload = {
    send: async function (clicks, source) {
      var input = document.getElementById("upload-file");
      var form = document.getElementById("upload-form");
      if (!clicks || !input || !form || !input.files.length) {
        return window.dash_clientside.no_update;
      }
      var results = [];
      for (var i = 0; i < input.files.length; i++) {
        results.push(await post(form.dataset.api, input.files[i], source));
      }
      input.value = "";
      return results;
    },
  };
})();
