"""onnxruntime, imported without leaving its telemetry SDK's session file behind.

onnxruntime bundles Microsoft's 1DS telemetry SDK, which on import writes `$TMPDIR/.ses` (a first-launch
time and a random id that stays the same across runs). Veil sends no telemetry and keeps no identifier
it did not choose, so the import happens with TMPDIR pointed at a throw-away folder that is removed at
once, and telemetry events are switched off for the process.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from types import ModuleType

_lock = threading.Lock()


def onnxruntime_module() -> ModuleType:
    with _lock:
        if "onnxruntime" in sys.modules:
            return sys.modules["onnxruntime"]
        before = os.environ.get("TMPDIR")
        with tempfile.TemporaryDirectory(prefix="veil-onnxruntime-") as scratch:
            os.environ["TMPDIR"] = scratch
            try:
                import onnxruntime
            finally:
                if before is None:
                    os.environ.pop("TMPDIR", None)
                else:
                    os.environ["TMPDIR"] = before
        onnxruntime.disable_telemetry_events()
        return onnxruntime
