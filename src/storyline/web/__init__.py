"""`storyline serve`: one process with the JSON API (/api, OpenAPI at /docs) and the web app.

Read-only unless STORYLINE_TOKEN is set; then POST /api/articles ingests with the CLI's
pipeline, one ingest at a time. Every 4xx answer is JSON `{"error": {"status", "message"}}`
on /api and an HTML page elsewhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from .. import config
from ..api import store_errors
from .api import router as api_router
from .metrics import Metrics, measure
from .metrics import router as metrics_router
from .pages import render_error
from .pages import router as pages_router
from .schema import openapi_document
from .settings import Settings
from .views import BadRequest
from .workers import start_checkers, stop_workers

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        start_checkers(settings)  # they read the store for the claim check while the first pages are served
        yield
        stop_workers()

    app = FastAPI(title="storyline", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Stories from raw news reports: events, quotes, figures, disputes, timelines, "
                              "every statement traced to its articles.")
    app.state.settings = settings

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, settings.pipeline.web.max_page_size)
        return app.openapi_schema
    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to serve a custom schema
    app.state.metrics = Metrics(settings.db_path, settings.pipeline)
    app.middleware("http")(measure)
    app.add_middleware(UnderSettings, settings=settings.pipeline)
    # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 sends Host: evil.example
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the swagger-ui-bundle package: the machine may have no internet."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyline API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="")
    app.include_router(metrics_router)
    app.include_router(api_router)
    app.include_router(pages_router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        headers = getattr(exc, "headers", None) or {}
        if 300 <= exc.status_code < 400 and "Location" in headers:
            return RedirectResponse(headers["Location"], status_code=exc.status_code)
        return _error(request, exc.status_code, str(exc.detail), headers or None)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest):
        return _error(request, 400, str(exc))

    for failing in store_errors():  # a damaged store or a server gone: 503, not 500
        app.add_exception_handler(failing, store_failed)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p not in ('query', 'path'))}: {e['msg']}"
                             for e in exc.errors())
        return _error(request, 400, f"invalid request: {problems}")

    return app


class UnderSettings:
    """Every request runs under the server's settings (`serve --set`, `--config`), in a context of its
    own: the pages, the API and what they call read those, never the defaults of the process."""

    def __init__(self, app: ASGIApp, settings: config.Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with config.using(self.settings):
            await self.app(scope, receive, send)


async def store_failed(request: Request, exc: Exception):
    return _error(request, 503, "the store cannot be read: " + " ".join(str(exc).split())[:300])


def _error(request: Request, status: int, message: str, headers: dict | None = None):
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
    return render_error(request, status, message)
