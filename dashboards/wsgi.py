"""The WSGI entry point: ``gunicorn dashboards.wsgi:server``."""

from dashboards.app import create_app

server = create_app().server
