"""The WSGI entry point: ``gunicorn -c deploy/gunicorn.conf.py dashboards.wsgi:server``.

Each gunicorn worker imports this and builds its own app from the environment
(``WSI_DATA_DIR``, ``WSI_*``); the workers share sessions and the login throttle
through ``<data>/auth.sqlite`` and the session secret through ``WSI_SESSION_SECRET`` or
``<data>/.flask_secret``.
"""

from dashboards.app import create_app

server = create_app().server
