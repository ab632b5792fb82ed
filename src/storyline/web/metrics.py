"""Operations: /healthz and /metrics (Prometheus text format).

Store figures (articles stored, failures by reason) are read from the store at each scrape, so
they count every writer's work; ingest figures (articles ingested, CPU seconds per stage) count
the POSTs this server handled; request latency is measured around every request.
"""

from __future__ import annotations

import time
from collections import Counter as Tally

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from ..api import Storyline, store_errors
from ..read.guard import reason_kind
from . import views
from .schema import HEALTH, METRICS

router = APIRouter(tags=["operations"])


class Metrics:
    """One app's metrics, in a registry of its own (two apps in one process never mix figures)."""

    def __init__(self, db_path: str, pipeline_settings):
        self.registry = CollectorRegistry()
        self.ingested = Counter("storyline_ingested_articles", "new articles ingested through this server",
                                registry=self.registry)
        self.stage_seconds = Counter("storyline_stage_seconds", "CPU seconds per pipeline stage in this "
                                     "server's ingests", ["stage"], registry=self.registry)
        self.latency = Histogram("storyline_request_seconds", "request latency", ["method", "route", "status"],
                                 registry=self.registry)
        self.registry.register(StoreCollector(db_path, pipeline_settings))

    def record_ingest(self, new: int, stage_seconds: dict[str, float]) -> None:
        self.ingested.inc(new)
        for stage, seconds in stage_seconds.items():
            self.stage_seconds.labels(stage).inc(seconds)


class StoreCollector:
    """Gauges read from the store at scrape time."""

    def __init__(self, db_path: str, pipeline_settings):
        self.db_path, self.pipeline_settings = db_path, pipeline_settings

    def collect(self):
        articles = GaugeMetricFamily("storyline_articles", "articles in the store")
        failures = GaugeMetricFamily("storyline_failures", "inputs that failed, by reason", labels=["reason"])
        try:
            with Storyline(self.db_path, self.pipeline_settings, read_only=True) as session:
                articles.add_metric([], session.article_count())
                by_reason: Tally = Tally()
                for reason, count in session.failure_counts():
                    by_reason[reason_kind(reason)] += count
        except store_errors():
            return
        for reason, count in sorted(by_reason.items()):
            failures.add_metric([reason], count)
        yield articles
        yield failures


@router.get("/healthz", responses=HEALTH)
def healthz(request: Request) -> JSONResponse:
    """200 with the store's kind and size when the store answers what the pages ask of it (the first
    page of stories, of articles and of entities), else 503 with the reason: a store whose pages were
    overwritten opens, but fails there."""
    settings = request.app.state.settings
    try:
        with Storyline(settings.db_path, settings.pipeline, read_only=True) as session:
            views.list_stories(session, views.story_filter(None, None, None, None, None), None, 1)
            session.article_page(None, 0, 1)
            session.entity_page(None, 0, 1)
            return JSONResponse({"status": "ok", "store": session.backend,
                                 "articles": session.article_count()})
    except store_errors() as exc:
        return JSONResponse({"status": "unavailable", "reason": " ".join(str(exc).split())}, status_code=503)


@router.get("/metrics", response_class=Response, responses=METRICS)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


async def measure(request: Request, call_next):
    """Middleware: each request's latency, labelled by its route template (not its raw path)."""
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    request.app.state.metrics.latency.labels(request.method, getattr(route, "path", "unmatched"),
                                             str(response.status_code)).observe(time.perf_counter() - started)
    return response
