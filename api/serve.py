"""`veil serve`: run the API over an assembled Veil and advertise it to the CLI."""

from __future__ import annotations

import logging

from api import server_info
from api.app import create_app
from api.wiring import Veil

log = logging.getLogger(__name__)


def run_server(veil: Veil, host: str, port: int) -> None:
    import uvicorn

    url = f"http://{host}:{port}"
    data_dir = veil.settings.data_dir
    print("loading models...", flush=True)
    veil.warm_up()
    server_info.publish(data_dir, url)
    print(f"Veil is serving {data_dir.resolve()} on {url}  (API docs: {url}/docs)\n"
          f"Ask a question:\n"
          f"  curl -s {url}/v1/query -H 'content-type: application/json' "
          f"-d '{{\"question\": \"What dose of apixaban was prescribed?\"}}'\n"
          f"  or, in another terminal: .venv/bin/veil query \"What dose of apixaban was prescribed?\"",
          flush=True)
    try:
        uvicorn.run(create_app(veil), host=host, port=port, log_level="warning")
    finally:
        server_info.withdraw(data_dir)
