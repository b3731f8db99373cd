"""Counting reads for *Most read*: readers only, cached pages too, written in batches, kept across restarts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from readership import counting
from readership.models import HourlyReads
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _no_reads_from_elsewhere(settings):
    """Counts a test left in this process's memory must not land in the next one."""
    settings.READERSHIP_FLUSH_SECONDS = 3600  # written only when a test says so
    counting._pending.clear()
    yield
    counting._pending.clear()


def reads(article) -> int:
    return sum(HourlyReads.objects.filter(item_id=article.pk).values_list("reads", flat=True))


def read(client, article, agent: str = BROWSER, **headers):
    return client.get(article.get_absolute_url(), HTTP_USER_AGENT=agent, **headers)


def test_a_readers_read_is_counted_and_the_page_cache_still_hits(client, story):
    first, second = read(client, story), read(client, story)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert counting.READ_HEADER not in first and counting.READ_HEADER not in second  # the mark stays inside
    assert not first.cookies and not second.cookies  # no cookie, ever
    assert counting.pending() == 2
    assert counting.flush() == 2
    assert reads(story) == 2


@pytest.mark.parametrize(
    ("agent", "headers"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", {}),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", {}),
        ("Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)", {}),
        ("curl/8.5.0", {}),
        ("python-requests/2.32.3", {}),
        ("Mozilla/5.0 HeadlessChrome/131.0", {}),
        ("", {}),
        (BROWSER, {"HTTP_SEC_PURPOSE": "prefetch"}),
        (BROWSER, {"HTTP_PURPOSE": "prefetch"}),
    ],
)
def test_bots_previews_and_prefetches_are_not_counted(client, story, agent, headers):
    assert read(client, story, agent, **headers).status_code == 200
    assert counting.pending() == 0


def test_staff_heads_and_other_pages_are_not_counted(client, editor, story):
    client.head(story.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get("/", HTTP_USER_AGENT=BROWSER)
    client.get(f"/{story.section.slug}/", HTTP_USER_AGENT=BROWSER)
    client.get(story.get_absolute_url() + "nope/", HTTP_USER_AGENT=BROWSER)  # a 404
    client.force_login(editor)
    read(client, story)
    assert counting.pending() == 0


def test_reads_are_written_in_one_statement_per_batch(client, world, settings):
    stories = ArticleFactory.create_batch(3, section=world)
    with CaptureQueriesContext(connection) as queries:
        for article in stories * 2:
            read(client, article)
    assert not [q for q in queries.captured_queries if "readership" in q["sql"]]  # nothing written per read

    settings.READERSHIP_FLUSH_SECONDS = 0  # the next read finds the interval passed: one write for all
    with CaptureQueriesContext(connection) as queries:
        read(client, stories[0])
    assert len([q for q in queries.captured_queries if "readership" in q["sql"]]) == 1
    assert [reads(article) for article in stories] == [3, 2, 2]


def test_counts_survive_a_restart_and_add_up_across_processes(client, story):
    read(client, story)
    counting.flush_on_exit()  # what the process does as it stops (registered with atexit)
    assert counting.pending() == 0 and reads(story) == 1

    # Another process (or the same after a restart) counting the same hour adds to the same row.
    read(client, story)
    read(client, story)
    counting.flush()
    assert reads(story) == 3 and HourlyReads.objects.count() == 1


def test_a_write_the_database_refuses_keeps_its_counts_for_the_next(client, story):
    read(client, story)
    with mock.patch.object(counting, "_write", side_effect=DatabaseError("server closed the connection")):
        assert counting.flush() == 0
    assert counting.pending() == 1 and reads(story) == 0
    assert counting.flush() == 1 and reads(story) == 1


def test_old_counts_are_forgotten(story, settings):
    now = timezone.now()
    counting.record(story.pk, at=now - timedelta(days=settings.READERSHIP_DAYS, hours=2))
    counting.record(story.pk, at=now)
    counting.flush()
    assert counting.forget_old() == 1
    assert reads(story) == 1


def most_read_titles(response) -> list[str]:
    html = response.content.decode()
    if 'id="most-read-heading"' not in html:
        return []
    part = html[html.index('id="most-read-heading"') :]
    part = part[: part.index("</section>")]
    return [title for title in (line.split('">', 1)[-1] for line in part.split('class="card__title"><a href=')[1:])]


def test_most_read_lists_the_last_24_hours_of_stories_readers_may_see(client, world, editor):
    sport = SectionFactory(name="Sport", slug="sport")
    now = timezone.now()
    popular, second, yesterday, gone = (
        ArticleFactory(title=title, section=section)
        for title, section in [("Popular", world), ("Second", sport), ("Yesterday", world), ("Gone", world)]
    )
    for article, count, hours_ago in [(popular, 5, 0), (second, 3, 1), (yesterday, 9, 25), (gone, 8, 2)]:
        for _ in range(count):
            counting.record(article.pk, at=now - timedelta(hours=hours_ago))
    counting.flush()
    workflow.unpublish(gone, editor, reason="Legal")

    titles = [t.split("<", 1)[0] for t in most_read_titles(client.get("/"))]
    assert titles == ["Popular", "Second"]
    section_titles = [t.split("<", 1)[0] for t in most_read_titles(client.get("/world/"))]
    assert section_titles == ["Popular"]  # per section on section pages
    assert "Most read in World" in client.get("/world/").content.decode()


def test_most_read_is_kept_between_changes_and_costs_a_page_no_query(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(title="Read", section=world)
    counting.record(article.pk)
    counting.flush()
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert "Read" in client.get("/").context["front"].most_read[0].title
    assert not [q for q in queries.captured_queries if "readership" in q["sql"]]
