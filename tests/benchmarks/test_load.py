"""bench/load.py's wrk driver: every path requested with the cookie, percentiles and errors reported."""

import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load import drive_wrk


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append((self.path, self.headers.get("Cookie", "")))
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs Debian's wrk")
def test_wrk_requests_every_path_with_the_cookie_and_reports_percentiles(server):
    result = drive_wrk(server, ["/a", "/b?q=x"], seconds=1, connections=2, cookie="sessionid=abc")
    assert result.requests > 10 and result.errors == 0
    assert {path for path, _ in Recorder.seen} == {"/a", "/b?q=x"}
    assert {cookie for _, cookie in Recorder.seen} == {"sessionid=abc"}
    p50, p95, p99 = (result.percentile(share) for share in (0.50, 0.95, 0.99))
    assert 0 < p50 <= p95 <= p99 < 1


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs Debian's wrk")
def test_wrk_counts_error_responses(server):
    result = drive_wrk(server, ["/missing"], seconds=1, connections=1)
    assert result.requests > 0 and result.errors == result.requests
