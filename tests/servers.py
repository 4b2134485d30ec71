"""Real local servers for tests: mosquitto on a free loopback port, and a JSON-over-HTTP server that
plays a gateway or a robot (records what it receives, answers what the test tells it to)."""

import getpass
import json
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, binary: str, directory: Path):
        self.binary, self.directory, self.port = binary, directory, free_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nautosave_interval 1\nmax_queued_messages 100000\n"
            # Started as root, mosquitto would switch to the user "mosquitto", who may not write here.
            f"user {getpass.getuser()}\n"
        )
        self.process = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: mosquitto saves sessions and queued messages
            self.process.wait(10)


class JsonServer:
    """POST JSON to any path: each request is kept as (path with query, body) and answered by
    `respond(path, body) -> (status, dict)`, by default a gateway's {"results": [… ok …]}."""

    def __init__(self, respond=None):
        self.requests: list[tuple[str, dict]] = []
        self.respond = respond or (
            lambda path, body: (200, {"results": [{"id": m["id"], "ok": True} for m in body["messages"]]})
        )
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, body))
                status, answer = server.respond(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
