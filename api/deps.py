"""FastAPI dependency aliases: routes declare what they need, the app state provides it."""

from typing import Annotated

from fastapi import Depends, Request

from api.wiring import Veil


def get_veil(request: Request) -> Veil:
    return request.app.state.veil


VeilDep = Annotated[Veil, Depends(get_veil)]
