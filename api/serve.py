"""`veil serve`: run the API over an assembled Veil and advertise it to the CLI."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from pathlib import Path

from api import server_info
from api.app import create_app
from api.auth.principals import ADMIN_TOKEN, write_admin_token
from api.queue_wiring import store_writer
from api.wiring import Veil

log = logging.getLogger(__name__)


def run_server(veil: Veil, host: str, port: int, watch_folders: list[Path] | None = None,
               settle_s: float = 1.0) -> None:
    """`watch_folders`: kept in step with the default collection by watcher threads (`veil serve --watch`)."""
    import uvicorn

    from api.watch_cli import result_printer, watching
    from ingest.names import DEFAULT_GROUPS

    url = f"http://{host}:{port}"
    data_dir = veil.settings.data_dir
    print("loading models...", flush=True)
    veil.warm_up()
    token = write_admin_token(data_dir)
    server_info.publish(data_dir, url)
    print(f"Veil is serving {data_dir.resolve()} on {url}  (API docs: {url}/docs)\n"
          f"Every /v1 route needs an API key (create one: .venv/bin/veil keys create --role user).\n"
          f"Ask a question:\n"
          f"  curl -s {url}/v1/query -H \"Authorization: Bearer $(cat {data_dir / ADMIN_TOKEN})\" "
          f"-H 'content-type: application/json' -d '{{\"question\": \"What dose of apixaban was prescribed?\"}}'\n"
          f"  or, in another terminal: .venv/bin/veil query \"What dose of apixaban was prescribed?\"",
          flush=True)
    try:
        watchers = (watching(veil, watch_folders, veil.settings.default_collection, DEFAULT_GROUPS, None, settle_s,
                             result_printer(as_json=False)) if watch_folders else nullcontext())
        with store_writer(veil), watchers:  # with a queue and the embedded store, this process writes what workers send
            uvicorn.run(create_app(veil, token), host=host, port=port, log_level="warning")
    finally:
        server_info.withdraw(data_dir)
