"""Secret keys: from settings (env or config) when given, else generated once under the data dir.

A generated key lives in a 0600 file beside the data it protects: fine for a laptop demo, not for
production, where VEIL_AUDIT__KEY should come from a secret manager (a log stolen with its key can
be re-chained). Veil says so in its log when it falls back to a generated key.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from core.errors import ConfigError

log = logging.getLogger(__name__)


def load_or_create_key(configured: SecretStr | None, path: Path) -> bytes:
    if configured is not None:
        value = configured.get_secret_value().encode()
        if len(value) < 16:

            raise ConfigError("audit.key must be at least 16 characters")
        return value
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        log.warning("no audit key configured: generated %s; set VEIL_AUDIT__KEY in production", path)
    return path.read_text().strip().encode()
