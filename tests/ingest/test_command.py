"""``manage.py import_story``: one line per item, a summary, status 1 when anything was refused; and URLs."""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.demo import SAMPLE_STORY
from articles.ingest import feeds
from articles.models import Article, ImportedItem

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def import_story(*args: str) -> str:
    out = StringIO()
    call_command("import_story", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def import_refused(*args: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_story", *args, stdout=out, stderr=StringIO())
    return out.getvalue(), str(refused.value)


def test_the_sample_is_created_then_already_imported(world):
    first = import_story(str(SAMPLE_STORY), "--section", "world")
    assert first.splitlines()[0].startswith(f"created          {SAMPLE_STORY} — “Ukraine is closer to NATO membership")
    assert first.splitlines()[0].endswith(f"(story {Article.objects.get().pk})")
    assert "1 item: 1 created, 0 updated, 0 already imported, 0 not applied, 0 refused in " in first

    second = import_story(str(SAMPLE_STORY), "--section", "world")
    assert second.startswith(f"already imported {SAMPLE_STORY} — ")
    assert "1 item: 0 created, 0 updated, 1 already imported, 0 not applied, 0 refused in " in second
    assert Article.objects.count() == 1
    transition = Article.objects.get().transitions.get()
    assert transition.actor is None and transition.action == "import"


def test_anything_refused_makes_the_exit_status_non_zero_after_importing_the_rest(world, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    output, error = import_refused(str(FIXTURES / "ninjs-mixed.json"), str(empty), "--section", "world")

    lines = output.splitlines()
    assert lines[0].startswith("created") and lines[2].startswith("created")
    assert lines[1].startswith(f"refused          {FIXTURES / 'ninjs-mixed.json'} #2 — The item has no headline")
    assert lines[3] == f"refused          {empty} — The file is empty: there is no headline or text in it."
    assert "4 items: 2 created, 0 updated, 0 already imported, 0 not applied, 2 refused" in lines[4]
    assert error == "2 items were refused."
    assert Article.objects.count() == 2


def test_the_process_exits_with_status_1_when_an_item_is_refused(world, tmp_path):
    from django.core.management import ManagementUtility

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_story", str(empty), "--section", "world"]).execute()
    assert exited.value.code == 1


def test_folders_and_formats(world, tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "partner.xml").write_bytes((FIXTURES / "feed-atom.xml").read_bytes())
    (tmp_path / "wire.dat").write_bytes((FIXTURES / "ninjs-2.json").read_bytes())

    output = import_story(str(tmp_path), "--section", "world")

    assert "5 created" not in output and "4 items: 4 created" in output
    assert ImportedItem.objects.filter(origin="feed").count() == 2
    assert ImportedItem.objects.filter(origin="ninjs").count() == 2


def test_a_forced_format_applies_to_every_file(world, tmp_path):
    story = tmp_path / "story.json"
    story.write_text("A headline in a .json file\nIts text.")
    assert "1 created" in import_story(str(story), "--section", "world", "--format", "text")


def test_dry_run_reports_without_saving(world):
    output = import_story(str(FIXTURES / "feed-rss.xml"), "--section", "world", "--dry-run")
    assert [line.split()[0] for line in output.splitlines()[:3]] == ["created"] * 3
    assert "Dry run, nothing saved: 3 items: 3 created" in output
    assert not Article.objects.exists() and not ImportedItem.objects.exists()


def test_a_dry_run_names_no_story_number_for_stories_it_only_pretends_to_create(world):
    output = import_story(str(SAMPLE_STORY), str(FIXTURES / "ninjs-1.json"), "--section", "world", "--dry-run")
    created = [line for line in output.splitlines() if line.startswith("created")]
    assert len(created) == 3  # the sample, and the two items of ninjs-1.json
    assert not any("(story" in line for line in created), output  # rolled back: that number will never exist
    assert not Article.objects.exists()


def test_a_dry_run_still_names_the_existing_story_an_item_belongs_to(world):
    import_story(str(SAMPLE_STORY), "--section", "world")
    output = import_story(str(SAMPLE_STORY), "--section", "world", "--dry-run")
    assert output.splitlines()[0].startswith("already imported")
    assert output.splitlines()[0].endswith(f"(story {Article.objects.get().pk})")


def test_an_unknown_section_is_an_error_naming_the_sections(world):
    with pytest.raises(CommandError, match=r"There is no section “sport”\. Sections: world\."):
        call_command("import_story", str(SAMPLE_STORY), "--section", "sport", stdout=StringIO())


def test_quiet_output_keeps_only_refusals_and_the_summary(world, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_story", str(SAMPLE_STORY), str(empty), "--section", "world", verbosity=0, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("refused") and lines[1].startswith("2 items: 1 created")


# --- URLs, from a server on this machine ----------------------------------------------


class FeedServer(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"Not here", 0))
        if status in (301, 302):
            self.send_response(status)
            self.send_header("Location", headers["Location"])
            self.end_headers()
            return
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        time.sleep(delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(settings):
    """A feed server on loopback, which imports may reach only because the test allows it."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1"]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FeedServer.routes = {}
    yield f"http://127.0.0.1:{httpd.server_address[1]}", FeedServer.routes
    httpd.shutdown()
    httpd.server_close()


def test_a_feed_url_is_fetched_and_imported(world, server):
    base, routes = server
    routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, (FIXTURES / "feed-rss.xml").read_bytes(), 0)
    output = import_story(f"{base}/feed", "--section", "world")
    assert "3 items: 3 created" in output
    assert f"created          {base}/feed #1 — “Bridge over the Dnipro reopens after repairs”" in output
    assert "3 already imported" in import_story(f"{base}/feed", "--section", "world")


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ((404, {}, b"Not here", 0), "answered 404 Not Found."),
        ((200, {"Content-Length": str(3 * 1024 * 1024)}, b"<rss/>", 0), "is larger than 2 MB"),
        ((200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body>A page</body></html>", 0), "a web page"),
        ((302, {"Location": "file:///etc/passwd"}, b"", 0), "Redirection to url 'file:///etc/passwd' is not allowed"),
        ((302, {"Location": "ftp://files.example/feed.xml"}, b"", 0), "which is not a web address"),
        ((200, {}, b"<rss/>", 2), "did not answer within 0.5 seconds"),
    ],
    ids=["not-found", "too-big", "web-page", "redirect-to-file", "redirect-to-ftp", "slow"],
)
def test_urls_that_cannot_be_imported_are_refused_clearly(world, server, monkeypatch, route, message):
    monkeypatch.setattr(feeds, "FETCH_TIMEOUT", 0.5)
    base, routes = server
    routes["/feed"] = route

    output, _ = import_refused(f"{base}/feed", "--section", "world")

    assert message in output, output
    assert not Article.objects.exists()


def test_only_web_addresses_are_fetched(world):
    with pytest.raises(feeds.FeedError, match="Only http and https addresses"):
        feeds.fetch("file:///etc/passwd")
