"""FastAPI dependency aliases: routes declare what they need, the app state provides it."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError

from api.metrics import Metrics
from api.wiring import Veil


def get_veil(request: Request) -> Veil:
    return request.app.state.veil


VeilDep = Annotated[Veil, Depends(get_veil)]


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]


def _declared(dependant: Dependant, kind: str) -> set[str]:
    """The names of the route's `query_params` or `body_params`, its dependencies' included."""
    names = {param.alias for param in getattr(dependant, kind)}
    for sub in dependant.dependencies:
        names |= _declared(sub, kind)
    return names


def _unknown(request: Request, where: str, sent, kind: str) -> list[dict]:
    declared = _declared(request.scope["route"].dependant, kind)
    return [{"loc": (where, name), "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
            for name in sorted(set(sent) - declared)]


def known_query_params(request: Request) -> None:
    """Veil's own routes refuse query parameters they do not declare (422), as their JSON bodies refuse
    unknown fields: a misspelt filter never silently widens or empties an answer."""
    if errors := _unknown(request, "query", request.query_params, "query_params"):
        raise RequestValidationError(errors)


async def known_form_fields(request: Request) -> None:
    """The same for a form's fields (the form is parsed already: this reads no more of the body)."""
    if errors := _unknown(request, "body", (await request.form()).keys(), "body_params"):
        raise RequestValidationError(errors)


KnownFormFields = Annotated[None, Depends(known_form_fields)]
KnownQueryParams = Depends(known_query_params)
