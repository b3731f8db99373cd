"""Exit 0 when this container's gunicorn answers ``/healthz`` with 200 (ok or degraded), else 1.

Docker's HEALTHCHECK runs it (the Dockerfile). It asks gunicorn where ``GUNICORN_BIND`` says,
a Unix socket or a TCP address, with the site's own name as the Host (the first of
``ALLOWED_HOSTS``), since an unknown host is answered 400.
"""

import http.client
import os
import socket
import sys


class UnixConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket (gunicorn's), which http.client does not do by itself."""

    def __init__(self, path: str, timeout: float = 5) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self.path))


def main() -> int:
    bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    if bind.startswith("unix:"):
        connection = UnixConnection(bind.removeprefix("unix:"))
    else:
        address, port = bind.rsplit(":", 1)
        connection = http.client.HTTPConnection(address, int(port), timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: /healthz answered {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
