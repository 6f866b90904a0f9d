"""gunicorn's settings for the dashboard, used by ``make serve``, the supervisor and the
systemd unit alike::

    gunicorn -c deploy/gunicorn.conf.py dashboards.wsgi:server

``WSI_BIND`` (default ``127.0.0.1:8050``: a reverse proxy in front serves TLS),
``WSI_WEB_WORKERS`` (2) and ``WSI_WEB_THREADS`` (4) size it. Workers share the session
table and the login throttle (``<data>/auth.sqlite``) and the session secret, so any
number of them behaves as one server.
"""

import os

bind = os.environ.get("WSI_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WSI_WEB_WORKERS", "2"))
# Threads serve a page's parallel callback requests; queries on the one read-only
# snapshot connection of a worker still run one at a time (dashboards/data/snapshot.py).
worker_class = "gthread"
threads = int(os.environ.get("WSI_WEB_THREADS", "4"))
# The siting planner may think for WSI_SITING_TIME_LIMIT_S (10 s) and a large Excel
# download takes a few seconds: 120 s before a worker counts as hung.
timeout = 120
graceful_timeout = 20
# A worker is replaced after this many requests, so slow growth (caches, fragmentation)
# cannot build up over months of uptime; the jitter keeps workers from restarting at once.
max_requests = 5000
max_requests_jitter = 500
# No preloading: each worker opens its own snapshot and state-database connections.
preload_app = False

# One line per request, with the worker's pid, on stdout; gunicorn's own messages on
# stderr. The app's log (sign-ins, sign-outs, refused attempts, failed health checks)
# joins them on stderr with the logger's name; gunicorn's loggers keep their handlers.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["app"]},
    "loggers": {},
    "handlers": {
        "app": {"class": "logging.StreamHandler", "formatter": "app", "stream": "ext://sys.stderr"}
    },
    "formatters": {
        "app": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}
    },
}

# gunicorn 27's run-time control socket is not used here: one less thing listening.
control_socket_disable = True
