"""Schemathesis over every route of the OpenAPI document: the server does what its schema says
(statuses, content types, bodies, auth), and no input makes it fail (no 5xx but a store's 503)."""

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from storyline.web import Settings, create_app
from storyline.web.settings import LOOPBACK_NAMES
from storyline.web.views import encode_cursor

TOKEN = "schema-token-3a9"
KEY = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
# Cursors are tokens the server issues: the schema names their formats, and these are what they hold.
schemathesis.openapi.format("story-cursor", st.builds(encode_cursor, KEY, KEY))
schemathesis.openapi.format("row-cursor", st.builds(encode_cursor, st.integers(0, 2 ** 62)))


@pytest.fixture(scope="module")
def app(web_db, tmp_path_factory):
    """The demo store (a private copy: POSTs write to it), writes on, answering the test client's host."""
    db = tmp_path_factory.mktemp("openapi") / "w.db"
    shutil.copy(web_db, db)
    return create_app(Settings(str(db), token=TOKEN, allowed_hosts=(*LOOPBACK_NAMES, "testserver"),
                               max_body_bytes=64 * 1024))


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations(api_schema) -> dict:
    return {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in api_schema.get_all_operations())}


def test_the_schema_lists_every_route(api_schema):
    """Every route of the app's routers (all it serves but the Swagger UI and the schema itself)."""
    from storyline.web import api, metrics, pages

    served = {f"{method} {route.path}" for router in (api.router, pages.router, metrics.router)
              for route in router.routes for method in route.methods if method != "HEAD"}
    assert set(_operations(api_schema)) == served == set(ROUTES)


ROUTES = ["GET /api/stories", "GET /api/stories/{story_id}", "GET /api/stories/{story_id}/dossier",
          "GET /api/stories/{story_id}/corrections", "GET /api/articles", "GET /api/articles/{article_id}",
          "GET /api/entities", "GET /api/entities/{entity_id}", "GET /api/check", "POST /api/articles",
          "POST /api/corrections", "POST /api/corrections/{correction_id}/undo", "GET /", "GET /check",
          "GET /stories/{story_id}", "GET /articles/{article_id}", "GET /entities/{entity_id}", "GET /healthz",
          "GET /metrics"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_does_what_the_schema_says(api_schema, route):
    operation = _operations(api_schema)[route]

    # Whether an HTML page holds an article body, or a correction names a real story, is beyond what a
    # schema can say: a schema-valid POST may be refused (400, 404). Every other check runs on every route.
    excluded = [positive_data_acceptance] if route.startswith("POST") else []

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def check(case):
        # a claim check reads every report: on a busy machine it may take longer than schemathesis's 10 s
        # default, and this test judges what the answer says, never how fast it comes
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=excluded, timeout=600)

    check()
