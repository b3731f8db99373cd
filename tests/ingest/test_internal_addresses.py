"""Finding 5: importing from a URL cannot reach the newsroom's internal services."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import feeds
from common.outbound import is_allowed

pytestmark = pytest.mark.django_db

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Internal</title>
<item><title>Secrets of the intranet</title><guid>1</guid><description>Internal.</description></item></channel></rss>"""


class Internal(BaseHTTPRequestHandler):
    redirect_to = ""

    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args) -> None:
        pass


def serve(host: str):
    httpd = ThreadingHTTPServer((host, 0), Internal)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://{host}:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def internal_server():
    """An “internal service” on loopback (127.0.0.2, so 127.0.0.1 can be allowed apart)."""
    yield from serve("127.0.0.2")


@pytest.fixture
def public_looking_server():
    yield from serve("127.0.0.1")


def test_a_loopback_address_is_refused_by_default(world, internal_server):
    with pytest.raises(feeds.FeedError, match="internal network"):
        feeds.fetch(f"{internal_server}/feed")
    with pytest.raises(CommandError):
        call_command("import_story", f"{internal_server}/feed", "--section", "world", verbosity=0)


def test_a_redirect_to_an_internal_address_is_refused(settings, internal_server, public_looking_server):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1"]  # stands for a public server
    Internal.redirect_to = f"{internal_server}/feed"
    with pytest.raises(feeds.FeedError, match="internal network"):
        feeds.fetch(f"{public_looking_server}/redirect")


def test_a_setting_allows_listed_networks(settings, internal_server):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/30"]
    data, _ = feeds.fetch(f"{internal_server}/feed")
    assert b"Secrets of the intranet" in data


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
     "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1", "240.0.0.1"],
)  # fmt: skip
def test_internal_addresses_are_not_allowed(address):
    assert not is_allowed(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address):
    assert is_allowed(address)
