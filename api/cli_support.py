"""What every `veil` command shares: the --json flag, settings loading, one-line user errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated

import typer

from core.errors import VeilError
from core.offline import harden_environment
from core.settings import Settings, load_settings

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def settings_for_cli() -> Settings:
    harden_environment()
    return load_settings()


def user_errors(fn: Callable) -> Callable:
    """Map VeilError to a one-line message and its exit code."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except VeilError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper
