"""A real mosquitto broker per test: Debian's binary, a temporary directory, a free loopback port."""

import getpass
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_binary


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


@pytest.fixture
def broker(tmp_path):
    binary = require_binary("/usr/sbin/mosquitto", "mosquitto (Debian package mosquitto)")
    b = Broker(binary, tmp_path)
    b.start()
    yield b
    b.stop()
