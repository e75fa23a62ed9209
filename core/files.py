"""Private by default on disk: the data dir is 0700 and every file Veil writes in it 0600.

Every entry point (the `veil` command, hence `veil serve` and `veil worker`) sets the umask to 0o077
before it writes anything, so that whatever any library creates - SQLite's -wal and -shm files, Qdrant
Edge's segments and lock files, the log, server.json - is its owner's only, without each writer having
to remember. The data dir itself is created 0700 explicitly.

An existing data dir that others may enter is tightened to 0700 when this user owns it (Veil's files
inside are then out of reach whatever their own modes), with a warning; one owned by someone else is
left alone, with a warning.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_DIR = 0o700


def private_umask() -> int:
    """Files and folders created from now on by this process (and its children) are its owner's only.
    Returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create the data dir 0700 (its parents as the umask says), or tighten an existing one (see above)."""
    if not path.exists():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode passes through the umask; this does not
        return path
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & ~PRIVATE_DIR & 0o777 == 0:
        return path
    if info.st_uid == os.getuid():
        os.chmod(path, PRIVATE_DIR)
        log.warning("data dir %s was open to other users (mode %o): tightened to 700", path,
                    stat.S_IMODE(info.st_mode))
    else:
        log.warning("data dir %s is open to other users (mode %o) and owned by another user: "
                    "make it 700", path, stat.S_IMODE(info.st_mode))
    return path
