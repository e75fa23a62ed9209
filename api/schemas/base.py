"""The base of every response model: built from a domain object's attributes (`Model.model_validate(obj)`)
as readily as from a dict (what a server sent back)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)
