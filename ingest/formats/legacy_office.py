"""Legacy binary Office files (.doc, .ppt) through LibreOffice: converted to .docx/.pptx in a private
temporary folder that is always removed, under a time limit.

The file is written under a neutral name (never the user's, which may be personal and would show in
the process list), and each conversion gets its own LibreOffice profile, so conversions can run side
by side without sharing a lock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from core.errors import ParseError, UnsupportedFileError

CONVERTED = {".doc": ".docx", ".ppt": ".pptx", ".xls": ".xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, timeout_s: float) -> tuple[bytes, str]:
    """(converted bytes, their suffix); UnsupportedFileError when LibreOffice is not installed."""
    binary = soffice()
    if binary is None:
        raise UnsupportedFileError(f"legacy {suffix} needs LibreOffice (soffice), which is not installed")
    target = CONVERTED[suffix]
    with tempfile.TemporaryDirectory(prefix="veil-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        _run([binary, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
              f"-env:UserInstallation={(folder / 'profile').as_uri()}",
              "--convert-to", target.lstrip("."), "--outdir", str(folder / "out"), str(source)],
             timeout_s, suffix)
        output = folder / "out" / f"document{target}"
        if not output.is_file() or output.stat().st_size == 0:
            raise ParseError(f"LibreOffice could not convert this {suffix} file (corrupt or unsupported)")
        return output.read_bytes(), target


def _run(command: list[str], timeout_s: float, suffix: str) -> None:
    """Its own process group, so a timeout kills LibreOffice's helper processes too."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ParseError(f"LibreOffice took over {timeout_s:.0f} s to convert this {suffix} file") from None
    finally:
        if process.poll() is None:  # interrupted while waiting
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
