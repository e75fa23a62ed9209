"""Prometheus metrics of one server: requests and latencies by route, ingest results, redactions by
type, answers by route and escalations by outcome. Labels never carry document or query text."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from core.types import Answer
from ingest.pipeline import IngestReport


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per app: tests build many apps in one process
        self.requests = Counter("veil_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("veil_request_seconds", "HTTP request latency", ["method", "route"],
                                 registry=self.registry,
                                 buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
        self.ingested = Counter("veil_ingested_files_total", "ingested files by outcome", ["status"],
                                registry=self.registry)
        self.redactions = Counter("veil_redactions_total", "values redacted at ingest, by type", ["entity_type"],
                                  registry=self.registry)
        self.answers = Counter("veil_answers_total", "answers by route and mode", ["route", "mode"],
                               registry=self.registry)
        self.escalations = Counter("veil_escalations_total", "escalation outcomes", ["outcome"],
                                   registry=self.registry)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def ingest(self, report: IngestReport) -> None:
        for result in report.files:
            self.ingested.labels(result.status).inc()
            for entity_type, count in (result.redactions or {}).items():
                self.redactions.labels(entity_type).inc(count)

    def answer(self, answer: Answer) -> None:
        self.answers.labels(answer.route, answer.mode).inc()
        if answer.route == "external":
            self.escalations.labels("answered").inc()
        elif answer.reason.startswith("stayed local:"):
            self.escalations.labels("answered_locally").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
