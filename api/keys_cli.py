"""`veil keys`: create, list and revoke API keys. Opens the keys table only, so it works while
`veil serve` holds the store."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from api.auth.keystore import ROLES, KeyStore
from api.cli_support import JsonFlag, settings_for_cli, user_errors
from api.schemas.service import KeyCreated, KeyList, KeyOut
from api.wiring import build_keys

keys_app = typer.Typer(help="API keys: each has a role (admin, user, auditor) and groups.", no_args_is_help=True)


def _store() -> KeyStore:
    return build_keys(settings_for_cli())


@keys_app.command("create")
@user_errors
def create(
    role: Annotated[str, typer.Option("--role", help=f"one of {', '.join(ROLES)}")],
    groups: Annotated[Optional[list[str]], typer.Option("--groups", help="groups whose documents it reads (repeatable)")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="a label for people (default: the role)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a key and print it once: it is stored hashed and cannot be shown again."""
    store = _store()
    try:
        secret, key = store.create(role, tuple(groups or ()), name)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(KeyCreated(key=secret, id=key.id).model_dump(mode="json")))
    else:
        typer.echo(f"{secret}\n(id {key.id}, role {key.role}, groups {', '.join(key.groups) or '-'}; "
                   "shown once: keep it now)")


@keys_app.command("list")
@user_errors
def list_keys(as_json: JsonFlag = False) -> None:
    """Every key with its role and groups (never the key itself)."""
    store = _store()
    try:
        keys = KeyList(keys=[KeyOut.model_validate(k) for k in store.list()])
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(keys.model_dump(mode="json")))
        return
    for k in keys.keys:
        state = "revoked" if k.revoked else "live"
        typer.echo(f"{k.id}  {k.role:<8} {state:<8} {k.name}  groups: {', '.join(k.groups) or '-'}")


@keys_app.command("revoke")
@user_errors
def revoke(key_id: Annotated[str, typer.Argument(help="the key's id (veil keys list)")]) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    store = _store()
    try:
        key = store.revoke(key_id)
    finally:
        store.close()
    typer.echo(f"revoked {key.id} ({key.role}, {key.name})")
