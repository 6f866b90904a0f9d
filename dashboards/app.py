"""The Dash application: the shell around the pages (header, navigation, language
toggle, the month and scope pickers every page reads) and the report download route.

``create_app(settings)`` builds it; pages register themselves from
``dashboards/pages/`` (see that package's docstring). Every query goes through
:mod:`dashboards.data`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import dash
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import abort, has_request_context, request, send_file

from dashboards import data
from dashboards.auth import AuthConfig, current_viewer, install_auth
from dashboards.auth.components import account_menu
from dashboards.components import T, grid_options, snapshot_picker
from dashboards.components.downloads import register_download_callback
from dashboards.components.freshness import register_stale_banner, stale_banner
from dashboards.health import register_health
from dashboards.i18n import STRINGS, dropdown_labels, help_text, month_label, t
from dashboards.upload import install_upload
from dashboards.viewer import Viewer
from pipelines.scope import LEVELS, level_of, parent_of
from pipelines.settings import Settings, get_settings
from pipelines.uploads import audit

HERE = Path(__file__).resolve().parent
#: the scope pickers, from the top
PICKERS = ("district", "subdistrict", "community")


def _shell() -> html.Div:
    picker = {"clearable": True, "searchable": True, "className": "picker",
              "labels": dropdown_labels("zh")}  # fmt: skip
    return html.Div(
        [
            dcc.Store(id="lang", storage_type="local"),
            dcc.Store(id="scope"),
            # a scope a page asks to open (a click on a ranking's bar): the pickers walk to it
            dcc.Store(id="drill"),
            dcc.Store(id="plot-locale"),
            html.Header(
                [
                    html.H1(T("app.title")),
                    html.Nav(id="nav"),
                    html.Span(id="built-at", className="built-at"),
                    snapshot_picker.picker(),
                    html.Button(t("app.lang_toggle"), id="lang-toggle", className="btn lang"),
                    account_menu(),
                ],
                className="topbar",
            ),
            stale_banner(),
            snapshot_picker.banner(),
            # open on a wide screen; a phone folds it (the clientside callback below) so
            # that a page's headline and cards come first
            html.Details(
                [
                    html.Summary(T("filter.fold"), className="filters-summary"),
                    html.Div(
                        [
                            html.Label(
                                [
                                    T("filter.month"),
                                    dcc.Dropdown(
                                        id="month",
                                        clearable=False,
                                        className="picker",
                                        labels=dropdown_labels("zh"),
                                    ),
                                ]
                            ),
                            html.Label(
                                [T("filter.district"), dcc.Dropdown(id="district", **picker)]
                            ),
                            html.Label(
                                [T("filter.subdistrict"), dcc.Dropdown(id="subdistrict", **picker)]
                            ),
                            html.Label(
                                [T("filter.community"), dcc.Dropdown(id="community", **picker)]
                            ),
                        ],
                        className="filters",
                        id="filters",
                    ),
                ],
                open=True,
                id="filters-fold",
                className="filters-fold",
            ),
            html.Main(dash.page_container),
        ]
    )


def _viewer_provider(auth_enabled: bool) -> Callable[[], Viewer]:
    """The data layer's viewer: in a request, the one its app's sign-in set (the user's
    scope; the whole city when sign-in is off). Outside a request (a script calling
    page callbacks directly) the city if sign-in is off, else an error, never a guess."""

    def provider() -> Viewer:
        if not auth_enabled and not has_request_context():
            return Viewer()
        return current_viewer()

    return provider


def create_app(settings: Settings | None = None, auth: AuthConfig | None = None) -> Dash:
    """The dashboard for ``settings`` (default: from the environment), behind sign-in
    unless ``auth`` (default: ``AuthConfig.from_env()``, ``WSI_AUTH``) turns it off."""
    settings = settings or get_settings()
    auth = auth or AuthConfig.from_env()
    data.configure(settings)
    threading.Thread(target=data.warm_coverage, name="warm-coverage", daemon=True).start()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title=t("app.title"),
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,
    )
    app.layout = _shell
    _register_shell_callbacks(app)
    register_download_callback(app)
    register_stale_banner(app)
    snapshot_picker.register(app)
    register_health(app)
    app.server.config["WSI_SETTINGS"] = settings

    @app.server.route("/reports/<name>")
    def report(name: str):
        # only files the viewer may see for any month; never a path outside the folder
        viewer = data.current_viewer()
        for path in data.report_files(viewer):
            if path.name == name:
                audit.record(settings, "download", viewer.username, f"report {name}",
                             request.remote_addr or "unknown")  # fmt: skip
                mimetype = {".pdf": "application/pdf", ".png": "image/png"}.get(
                    path.suffix, "text/html"
                )
                return send_file(path, mimetype=mimetype, as_attachment=name.endswith(".pdf"))
        abort(404)

    install_upload(app, settings)
    # Every route above and every page needs a session; the data layer then answers
    # each query for the signed-in user's scope only (docs/access-control.md).
    install_auth(app, settings, auth)
    data.set_viewer_provider(_viewer_provider(auth.enabled))
    return app


def _options(viewer: Viewer, level: str, parent: str | None) -> list[dict]:
    df = data.scope_options(viewer, level, parent)
    return [{"label": n, "value": c} for c, n in df.iter_rows()]


def _register_shell_callbacks(app: Dash) -> None:
    """The shell's callbacks, on this app (not Dash's global list, which the first app
    created in a process would take for itself)."""

    # phones (narrow screens) start with the pickers folded, on every page
    app.clientside_callback(
        "function(path) { return !window.matchMedia('(max-width: 700px)').matches; }",
        Output("filters-fold", "open"),
        Input("_pages_location", "pathname"),
    )

    # plotly's and AG Grid's own words follow the language (assets/plotly-locale-zh-cn.js)
    app.clientside_callback(
        ClientsideFunction("wsi", "plotLocale"),
        Output("plot-locale", "data"),
        Input("lang", "data"),
    )

    @app.callback(
        Output("month", "labels"),
        Output("district", "labels"),
        Output("subdistrict", "labels"),
        Output("community", "labels"),
        Input("lang", "data"),
    )
    def picker_words(lang: str | None) -> list[dict]:
        return [dropdown_labels(lang)] * 4

    @app.callback(
        Output("lang", "data"),
        Input("lang-toggle", "n_clicks"),
        State("lang", "data"),
        prevent_initial_call=True,
    )
    def toggle_language(_: int, lang: str | None) -> str:
        return "zh" if lang == "en" else "en"

    @app.callback(
        Output({"type": "i18n", "kind": ALL, "key": ALL, "n": ALL}, "children"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
    )
    def translate(lang: str | None, _: str) -> list[str]:
        ids = [o["id"] for o in ctx.outputs_list]
        return [(help_text if i["kind"] == "help" else t)(i["key"], lang) for i in ids]

    @app.callback(
        Output({"type": "grid", "name": ALL}, "dashGridOptions"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
    )
    def grid_language(lang: str | None, _: str) -> list[dict]:
        return [grid_options(lang) for _ in ctx.outputs_list]

    @app.callback(
        Output("nav", "children"),
        Output("lang-toggle", "children"),
        Output("built-at", "children"),
        Output("filters-fold", "style"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
    )
    def header(lang: str | None, pathname: str | None):
        links, filters = [], True
        viewer = data.current_viewer()
        city_viewer = not data.available() or viewer.is_city
        for page in dash.page_registry.values():
            if page.get("city_only") and not city_viewer:
                continue
            if page.get("steward_only") and not viewer.steward:
                continue
            active = page["path"] == (pathname or "/")
            if active:
                filters = page.get("filters", True)
            key = page.get("i18n_key")
            name = t(key, lang) if key in STRINGS else page["name"]
            css = "nav-link active" if active else "nav-link"
            links.append(dcc.Link(name, href=page["relative_path"], className=css))
        built = ""
        if data.available():
            value = data.snapshot_info(data.current_viewer()).get("built_at", "")
            built = f"{t('app.built_at', lang)} {value[:16].replace('T', ' ')}" if value else ""
        return links, t("app.lang_toggle", lang), built, None if filters else {"display": "none"}

    @app.callback(
        Output("month", "options"),
        Output("month", "value"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
        State("month", "value"),
    )
    def month_options(lang: str | None, _: str, current: str | None):
        if not data.available():
            return [], None
        viewer = data.current_viewer()
        months = data.months(viewer)
        options = [{"label": month_label(m, lang), "value": m.isoformat()} for m in months[::-1]]
        values = {o["value"] for o in options}
        if current not in values:
            default = data.default_month(viewer)
            current = default.isoformat() if default else (options[0]["value"] if options else None)
        return options, current

    @app.callback(
        Output("district", "options"),
        Output("district", "placeholder"),
        Output("district", "value"),
        Output("district", "disabled"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
        State("district", "value"),
    )
    def district_options(lang: str | None, _: str, current: str | None):
        if not data.available():
            return [], t("filter.all_city", lang), None, False
        viewer = data.current_viewer()
        fixed = viewer.fixed_scope("district")
        options = _options(viewer, "district", None)
        value = fixed or (current if current in {o["value"] for o in options} else None)
        return options, t("filter.all_city", lang), value, fixed is not None

    @app.callback(
        Output("subdistrict", "options"),
        Output("subdistrict", "value"),
        Output("subdistrict", "placeholder"),
        Output("subdistrict", "disabled"),
        Input("district", "value"),
        Input("lang", "data"),
        State("subdistrict", "value"),
    )
    def subdistrict_options(district: str | None, lang: str | None, current: str | None):
        if not district or not data.available():
            return [], None, t("filter.all", lang), False
        viewer = data.current_viewer()
        fixed = viewer.fixed_scope("subdistrict")
        options = _options(viewer, "subdistrict", district)
        keep = fixed or (current if current in {o["value"] for o in options} else None)
        return options, keep, t("filter.all", lang), fixed is not None

    @app.callback(
        Output("community", "options"),
        Output("community", "value"),
        Output("community", "placeholder"),
        Input("subdistrict", "value"),
        Input("lang", "data"),
        State("community", "value"),
    )
    def community_options(subdistrict: str | None, lang: str | None, current: str | None):
        if not subdistrict or not data.available():
            return [], None, t("filter.all", lang)
        options = _options(data.current_viewer(), "community", subdistrict)
        keep = current if current in {o["value"] for o in options} else None
        return options, keep, t("filter.all", lang)

    @app.callback(
        Output("district", "value", allow_duplicate=True),
        Output("subdistrict", "options", allow_duplicate=True),
        Output("subdistrict", "value", allow_duplicate=True),
        Output("community", "options", allow_duplicate=True),
        Output("community", "value", allow_duplicate=True),
        Input("drill", "data"),
        prevent_initial_call=True,
    )
    def open_scope(target: str | None):
        """Set the pickers to the scope a page asked to open. A picker keeps only a value
        among its options, which depend on the level above: the options of the levels set
        here come with their values."""
        if not target or not data.available():
            raise PreventUpdate
        viewer = data.current_viewer()
        if not viewer.covers(target):
            raise PreventUpdate
        depth = LEVELS.index(level_of(target))
        path = [parent_of(target, level) if depth >= LEVELS.index(level) else None
                for level in PICKERS]  # fmt: skip
        out = [no_update if viewer.fixed_scope("district") else path[0]]
        for level, above, value in zip(PICKERS[1:], path[:-1], path[1:], strict=True):
            fixed = viewer.fixed_scope(level)
            out += [no_update, no_update] if fixed else [
                _options(viewer, level, above) if above else [], value
            ]  # fmt: skip
        return tuple(out)

    @app.callback(
        Output("scope", "data"),
        Input("district", "value"),
        Input("subdistrict", "value"),
        Input("community", "value"),
    )
    def scope(district: str | None, subdistrict: str | None, community: str | None) -> str:
        """The most specific scope picked (the viewer's own scope when nothing is)."""
        picked = community or subdistrict or district
        if not data.available():
            raise PreventUpdate
        return data.current_viewer().allowed(picked)
