"""What tests that start real servers (gunicorn, redis-server) share."""

import shutil
import socket
import subprocess
import time


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis() -> tuple[subprocess.Popen, str] | None:
    """A throwaway redis-server of our own on a free port, keeping nothing on disk: (process, URL).

    None when redis-server is not installed; the caller stops the process (``terminate()``).
    """
    binary = shutil.which("redis-server")
    if not binary:
        return None
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    server.terminate()
    raise RuntimeError("redis-server did not start within 5 s")
