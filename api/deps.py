"""FastAPI dependency aliases: routes declare what they need, the app state provides it."""

from typing import Annotated

from fastapi import Depends, Request

from api.metrics import Metrics
from api.wiring import Veil


def get_veil(request: Request) -> Veil:
    return request.app.state.veil


VeilDep = Annotated[Veil, Depends(get_veil)]


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]
