"""The security headers on every response of the dashboard's server.

A Content-Security-Policy with the hashes of Dash's inline scripts (no
``unsafe-eval``, no inline scripts otherwise), frame denial, nosniff, a same-origin
referrer policy, HSTS over https, and ``Cache-Control: no-store`` on everything but
the static bundles, so that figures do not linger in the browser cache of a shared
office computer. A response that sets its own policy (the sign-in pages) keeps it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Response, request

if TYPE_CHECKING:
    import dash


class SecurityHeaders:
    """An ``after_request`` function for ``app`` (``static_endpoints``: cacheable)."""

    def __init__(
        self, app: dash.Dash, static_endpoints: Collection[str], tile_urls: Collection[str]
    ) -> None:
        self.app = app
        self.static_endpoints = frozenset(static_endpoints)
        # the basemap's tile hosts (dashboards/basemaps.py): Tianditu's are eight
        self.extra_sources = list(dict.fromkeys(s for url in tile_urls for s in tile_sources(url)))

    def __call__(self, response: Response) -> Response:
        endpoint = request.url_rule.endpoint if request.url_rule else None
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = self.csp()
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if endpoint not in self.static_endpoints and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

    def csp(self) -> str:
        # Dash's only executed inline scripts are its renderer bootstrap and inline
        # clientside callbacks; csp_hashes() covers both, so no 'unsafe-inline' for
        # scripts. Styles need 'unsafe-inline': plotly.js and dcc inject <style> rules.
        # Maps (MapLibre in plotly) run their workers from blob: URLs.
        scripts = " ".join(["'self'", *self.app.csp_hashes()])
        extra = " ".join(self.extra_sources)
        return "; ".join(
            [
                "default-src 'self'",
                f"script-src {scripts}",
                "style-src 'self' 'unsafe-inline'",
                f"img-src 'self' data: blob: {extra}".strip(),
                "font-src 'self' data:",
                f"connect-src 'self' {extra}".strip(),
                "worker-src 'self' blob:",
                "child-src 'self' blob:",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )


def tile_sources(url: str | None) -> list[str]:
    """CSP sources for a configured basemap tile URL (``{s}`` subdomains as ``*``)."""
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = parts.netloc
    if "{" in host:
        host = "*." + host.split("}.", 1)[-1] if host.startswith("{") else host
    return [f"{parts.scheme}://{host}"]
