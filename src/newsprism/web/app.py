"""The FastAPI application: read-only pages over one database, each with a JSON twin.

`/` and `/index.json`, `/docs(.json)`, `/doc/ID(.json)`, `/stories(.json)`, `/story/ID(.json)`,
`/search(.json)?q=`. Pages are Jinja2 templates with autoescape on; every response carries a
strict Content-Security-Policy (no inline script, nothing from other origins). Each request
opens the database read-only on its own connection (SQLite connections are per thread).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

# The `web` extra: this module is imported only by `newsprism serve` and the tests, never by
# `import newsprism` (FastAPI must see these names at run time to read the endpoints' types).
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsprism.corpus.store import Store
from newsprism.errors import Code, NewsprismError
from newsprism.web import pages, queries

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Only this server's own files: article text can never bring in a script or a style."""

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

SEARCH_LIMIT = 50
"""Most hits a search page shows."""

_log = logging.getLogger("newsprism.web")


def _split_ref(ref: str, exists: Callable[[str], bool]) -> tuple[str, bool]:
    """(id, wants_json) for a `/doc/REF` or `/story/REF` path.

    `ID.json` is the JSON twin of `ID`; an id that itself ends in `.json` still gets its page
    when no `ID` exists (and its twin at `ID.json.json`). An unknown `X.json` is a JSON 404.
    """
    stem = ref[: -len(".json")] if ref.endswith(".json") else None
    if stem is not None and exists(stem):
        return stem, True
    if exists(ref):
        return ref, False
    return (stem, True) if stem is not None else (ref, False)


def _jinja_env() -> Environment:
    """The template environment: autoescape everywhere, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2)
    return env


def create_app(db_path: Path, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The UI over `db_path`, opened read-only (E402/E405 at once when it cannot be opened).

    `allowed_hosts` limits the Host header (DNS-rebinding guard); None accepts any host.
    """
    db_path = Path(db_path)
    Store(db_path, readonly=True).close()  # fail now, with the coded error, not per request
    env = _jinja_env()
    app = FastAPI(title="newsprism", docs_url=None, redoc_url=None, openapi_url=None, debug=False)
    if allowed_hosts is not None:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @contextmanager
    def opened() -> Iterator[Store]:
        store = Store(db_path, readonly=True)
        try:
            yield store
        finally:
            store.close()

    def html(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = env.get_template(template).render(db_name=db_path.name, **context)
        return HTMLResponse(body, status_code=status)

    def not_found(what: str, wants_json: bool, ref: str) -> Response:
        code = Code.DOC_NOT_FOUND if what == "document" else Code.STORY_NOT_FOUND
        message = NewsprismError(code, ref).message
        if wants_json:
            return JSONResponse({"error": {"code": code.code, "message": message}}, 404)
        return html("error.html", 404, title="Not found", message=message, code=code.code)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(NewsprismError)
    async def coded_error(request: Request, error: NewsprismError) -> Response:
        # A database that vanished or broke while serving: say so, never a traceback.
        _log.warning("%s", error.message)
        if request.url.path.endswith(".json"):
            return JSONResponse(
                {"error": {"code": error.code.code, "message": error.message}}, status_code=500
            )
        return html("error.html", 500, title="Error", message=error.message, code=error.code.code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        _log.exception("unexpected error on %s", request.url.path)
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": {"code": "E000", "message": "internal error"}}, 500)
        return html("error.html", 500, title="Error", message="internal error", code="E000")

    # The overview scans every document (outlets, dates, trust): keep the last result until a
    # writer changes the database, so reloading the front page of a large corpus stays cheap.
    overview_cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def overview_context(store: Store) -> dict[str, Any]:
        token = queries.version_token(store)
        context = overview_cache.get(token)
        if context is None:
            context = pages.overview(store)
            overview_cache.clear()
            overview_cache[token] = context
        return context

    @app.get("/", response_class=HTMLResponse)
    def overview_page() -> Response:
        with opened() as store:
            return html("overview.html", **overview_context(store))

    @app.get("/index.json")
    def overview_json() -> Response:
        with opened() as store:
            return JSONResponse(overview_context(store)["data"])

    @app.get("/docs", response_class=HTMLResponse)
    def docs_page(page: int = 1) -> Response:
        with opened() as store:
            return html("docs.html", **pages.documents(store, page))

    @app.get("/docs.json")
    def docs_json(page: int = 1) -> Response:
        with opened() as store:
            return JSONResponse(pages.documents(store, page)["data"])

    @app.get("/doc/{ref:path}")
    def doc(ref: str) -> Response:
        with opened() as store:

            def exists(doc_id: str) -> bool:
                row = store.connection.execute(
                    "SELECT 1 FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()
                return row is not None

            doc_id, wants_json = _split_ref(ref, exists)
            if not exists(doc_id):
                return not_found("document", wants_json, doc_id)
            context = pages.article(store, doc_id)
            if wants_json:
                return JSONResponse(context["data"])
            return html("article.html", **context)

    @app.get("/stories", response_class=HTMLResponse)
    def stories_page(page: int = 1) -> Response:
        with opened() as store:
            return html("stories.html", **pages.stories(store, page))

    @app.get("/stories.json")
    def stories_json(page: int = 1) -> Response:
        with opened() as store:
            return JSONResponse(pages.stories(store, page)["data"])

    @app.get("/story/{ref:path}")
    def story(ref: str) -> Response:
        with opened() as store:
            story_id, wants_json = _split_ref(ref, lambda key: queries.story_exists(store, key))
            context = pages.story(store, story_id)
            if context is None:
                return not_found("story", wants_json, story_id)
            if wants_json:
                return JSONResponse(context["data"])
            return html("story.html", **context)

    @app.get("/search", response_class=HTMLResponse)
    def search_page(q: str = "", limit: int = SEARCH_LIMIT) -> Response:
        with opened() as store:
            return html("search.html", **pages.search(store, q, limit))

    @app.get("/search.json")
    def search_json(q: str = "", limit: int = SEARCH_LIMIT) -> Response:
        with opened() as store:
            return JSONResponse(pages.search(store, q, limit)["data"])

    return app
