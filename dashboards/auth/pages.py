"""The sign-in and sign-out pages: HTML from ``templates/``, one inline stylesheet
allowed by its hash, nothing else loaded."""

from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path
from string import Template

from flask import Response


def html_page(body: str, status: int) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _PAGE_CSP
    return response


_TEMPLATES = Path(__file__).with_name("templates")
#: the sign-in pages' one stylesheet, inlined (the pages load nothing else)
_STYLE = "\n" + (_TEMPLATES / "page.css").read_text(encoding="utf-8")
_LOGIN_TEMPLATE = Template((_TEMPLATES / "login.html").read_text(encoding="utf-8"))
_LOGOUT_TEMPLATE = Template((_TEMPLATES / "logout.html").read_text(encoding="utf-8"))
# The pages carry only this one inline <style>, allowed by its hash; nothing else loads.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_PAGE_CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

MESSAGES = {
    "wrong": "用户名或密码错误。 Wrong username or password.",
    "locked": "尝试次数过多，请 {minutes} 分钟后再试。 "
    "Too many attempts; try again in {minutes} min.",
    "expired": "页面已过期，请重新输入。 The form expired; please sign in again.",
    "signed_out": "您已退出登录。 You have signed out.",
}


def login_page(
    action: str, csrf: str, next_url: str, username: str = "", message: str = "", status: int = 200
) -> Response:
    """The sign-in form (``message``: a notice above it, e.g. a wrong password)."""
    body = _LOGIN_TEMPLATE.substitute(
        style=_STYLE,
        action=escape(action),
        csrf=escape(csrf),
        next=escape(next_url),
        username=escape(username),
        message=f'<p class="msg" role="alert">{escape(message)}</p>' if message else "",
    )
    return html_page(body, status)


def logout_page(action: str, csrf: str, who: str, home: str) -> Response:
    """The sign-out confirmation for the signed-in user ``who``."""
    body = _LOGOUT_TEMPLATE.substitute(
        style=_STYLE, action=escape(action), csrf=escape(csrf), who=escape(who), home=escape(home)
    )
    return html_page(body, 200)
