"""A closed, OpenAI-compatible API played on loopback: a real HTTP server that records every request.

In `echo` mode it answers like a cooperative model: the question's pseudonyms, then the plainest
sentence of source [1], cited. `error` answers 500; `slow` sleeps past the client's timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = re.compile(r"<[A-Z][A-Z_]*_\d+>")


def echo_reply(body: dict) -> str:
    user = body["messages"][-1]["content"]
    question = user.rsplit("Question:", 1)[-1]
    first_source = user.split("[1]\n", 1)[-1].split("\n\n[2]", 1)[0].split("\n\nQuestion:", 1)[0]
    sentences = re.split(r"(?<=[.!?])\s+|\n+", first_source.strip())
    # the wordiest sentence, placeholders counting against it: a plain statement to cite
    sentence = max(sentences, key=lambda s: len(s.split()) - 4 * len(TOKEN.findall(s))).rstrip(".!?")
    asked_about = " and ".join(dict.fromkeys(TOKEN.findall(question)))
    return (f"For {asked_about}: " if asked_about else "") + f"{sentence} [1]."


class ClosedAPI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "echo"
        self.slow_s = 5.0
        self.requests: list[dict] = []  # {"body": exact text, "json": parsed, "authorization": header}
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def record(self, entry: dict) -> None:
        with self._lock:
            self.requests.append(entry)

    def bodies(self) -> list[str]:
        with self._lock:
            return [r["body"] for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: ClosedAPI

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        body = json.loads(raw)
        self.server.record({"body": raw, "json": body, "authorization": self.headers.get("Authorization")})
        if self.server.mode == "error":
            return self._send(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
        if self.server.mode == "slow":
            time.sleep(self.server.slow_s)
        reply = echo_reply(body)
        if body.get("stream"):
            return self._stream(reply)
        self._send(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}],
                         "usage": {"prompt_tokens": 1, "completion_tokens": 1}})

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in re.findall(r"\S+\s*", reply):
            chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
