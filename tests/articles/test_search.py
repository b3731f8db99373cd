"""Search: what it finds, in what order, how it shows it, and that any input gets a page."""

import html
import random
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article
from pagecache.generation import everything_changed
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the fallback search is SQLite's")

SAMPLE_HEADLINE = (
    "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block schedules for its commit, as a real commit would (here: search indexing)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(client, q: str, **params) -> list[Article]:
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return list(response.context["stories"])


# --- What readers typed -----------------------------------------------------


def test_query_is_cut_before_anything_else():
    query = search.Query.parse("nato " * 20_000)
    assert query.truncated
    assert len(query.text) <= search.MAX_QUERY_LENGTH
    assert query.words == ("nato",)


@pytest.mark.parametrize(
    ("raw", "text", "words"),
    [
        ("  Rutte   in\tKyiv ", "Rutte in Kyiv", ("Rutte", "in", "Kyiv")),
        ("nato\x00kyiv", "nato kyiv", ("nato", "kyiv")),
        ("\u202eשלום\u202c world", "שלום world", ("שלום", "world")),
        ("\ud800nato\udfff", "nato", ("nato",)),
        ("ＮＡＴＯ ﬁnance", "NATO finance", ("NATO", "finance")),
        ("NATO nato Nato", "NATO nato Nato", ("NATO",)),
        ("🙂 👩‍🚀", "🙂 👩🚀", ()),
        ("?!… — «»", "?!... — «»", ()),
    ],
)
def test_query_keeps_words_and_drops_control_and_invisible_characters(raw, text, words):
    query = search.Query.parse(raw)
    assert (query.text, query.words) == (text, words)


# --- Any input answers with a page ------------------------------------------


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "q=",
        "q=%20%20%20",
        "q=" + "nato%20" * 15_000,
        "q=" + "x" * 100_000,
        "q=!!!%20%3F%3F%3F%20---",
        "q=%00",
        "q=nato%00kyiv",
        "q=%ED%A0%80",
        "q=%ED%BF%BF%ED%A0%80nato",
        "q=%FF%FE",
        "q=%E2%80%AE%D7%A9%D7%9C%D7%95%D7%9D",
        "q=%F0%9F%99%82%F0%9F%A7%91%E2%80%8D%F0%9F%9A%80",
        "q=%22unclosed%20quote",
        "q=-%20or%20%26%20%7C%20!%20(%20)%20%3A*",
        "q=%27%3B%20DROP%20TABLE%20articles_article%3B--",
        "q=nato&section=%00",
        "q=nato&section=no-such-section",
        "q=nato&section=" + "w" * 10_000,
        "q=nato&page=%00",
        "q=nato&q=kyiv",
    ],
)
def test_any_input_answers_quickly_with_a_page(client, story, query_string):
    started = time.monotonic()
    response = client.get(f"/search/?{query_string}")
    assert time.monotonic() - started < 2
    assert response.status_code in (200, 404)  # 404 only for a page number that does not exist
    if response.status_code == 200:
        assert "<h1>Search</h1>" in response.content.decode()


def test_empty_search_explains_itself_without_searching(client, story, django_assert_max_num_queries):
    # the content generation, navigation, the footer's pages and the section filter; no search
    with django_assert_max_num_queries(4):
        html = client.get("/search/").content.decode()
    assert "Type a word or two" in html


def test_wordless_search_says_so(client, story):
    html = client.get("/search/", {"q": "?!"}).content.decode()
    assert "no letters or numbers" in html


def test_long_search_says_it_was_cut(client, story):
    response = client.get("/search/", {"q": "Rutte " + "x" * 1000})
    assert "looked for its first 200 characters" in response.content.decode()
    assert len(response.context["query"].text) == search.MAX_QUERY_LENGTH


# --- What it finds ----------------------------------------------------------


def test_searching_nato_finds_the_demo_sample_story(client, committed):
    with committed():
        call_command("load_demo", "--no-accounts", stdout=StringIO())
    titles = [story.title for story in found(client, "NATO")]
    assert SAMPLE_HEADLINE in titles
    assert titles == [story.title for story in found(client, "nato")]


def test_finds_words_in_headline_standfirst_body_tags_and_author_names(client, world, committed):
    with committed():
        by_headline = ArticleFactory(title="Harbour reopens", section=world)
        by_standfirst = ArticleFactory(standfirst="The harbour is busy again.", section=world)
        by_body = ArticleFactory(body="Ships return to the harbour.", section=world)
        by_tag = ArticleFactory(section=world, tags=["Harbour"])
        by_author = ArticleFactory(section=world, authors=[AuthorFactory(name="Ana Harbour")])
        ArticleFactory(title="Nothing to see", section=world)
    assert set(found(client, "harbour")) == {by_headline, by_standfirst, by_body, by_tag, by_author}


def test_every_word_must_match(client, world, committed):
    with committed():
        both = ArticleFactory(title="Rutte arrives in Kyiv", section=world)
        ArticleFactory(title="Rutte arrives in Brussels", section=world)
    assert found(client, "rutte kyiv") == [both]


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_only_published_stories_are_found(client, world, committed, state):
    with committed():
        ArticleFactory(title="Secret zeppelin plans", section=world, **{state: True})
        visible = ArticleFactory(title="Public zeppelin plans", section=world)
    assert found(client, "zeppelin") == [visible]
    assert "Secret zeppelin" not in client.get("/search/", {"q": "secret zeppelin"}).content.decode()


def test_headline_matches_rank_above_body_matches_and_newer_wins_ties(client, world, committed):
    hour = timedelta(hours=1)
    with committed():
        in_body = ArticleFactory(body="A word on glaciers.", section=world, published_at=timezone.now() - hour)
        older_in_headline = ArticleFactory(
            title="Glaciers retreat", section=world, published_at=timezone.now() - 3 * hour
        )
        newer_in_headline = ArticleFactory(
            title="Glaciers advance", section=world, published_at=timezone.now() - 2 * hour
        )
    assert found(client, "glaciers") == [newer_in_headline, older_in_headline, in_body]


def test_section_filter_includes_subsections(client, world, committed):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    with committed():
        in_world = ArticleFactory(title="Ferry strike", section=world)
        in_europe = ArticleFactory(title="Ferry strike spreads", section=europe)
        in_sport = ArticleFactory(title="Ferry strike hits the cup final", section=SectionFactory(slug="sport"))
    assert set(found(client, "ferry", section="world")) == {in_world, in_europe}
    assert found(client, "ferry", section="europe") == [in_europe]
    assert set(found(client, "ferry", section="nowhere")) == {in_world, in_europe, in_sport}


def test_results_are_paginated_and_links_keep_the_search(client, world, committed, settings):
    with committed():
        ArticleFactory.create_batch(settings.STORIES_PER_PAGE + 3, title="Election night", section=world)
    response = client.get("/search/", {"q": "election\x00", "section": "world"})
    assert len(response.context["stories"]) == settings.STORIES_PER_PAGE
    assert 'rel="next" href="?q=election&amp;section=world&amp;page=2"' in response.content.decode()
    assert len(found(client, "election", section="world", page=2)) == 3


@on_postgresql
def test_postgresql_search_stems_words_with_the_configured_language(client, world, committed, settings):
    with committed():
        visits = ArticleFactory(title="Minister visits the front", section=world)
    assert found(client, "visiting") == [visits]
    settings.SEARCH_CONFIG = "simple"
    search.refresh_search_vectors(Article.objects.all())
    assert found(client, "visiting") == []
    assert found(client, "visits") == [visits]


@on_postgresql
def test_postgresql_search_understands_phrases_and_exclusions(client, world, committed):
    with committed():
        phrase = ArticleFactory(title="Prime minister resigns", section=world)
        apart = ArticleFactory(title="Minister is prime suspect", section=world)
    assert set(found(client, "prime minister")) == {phrase, apart}
    assert found(client, '"prime minister"') == [phrase]
    assert found(client, "minister -suspect") == [phrase]


# --- How it shows what it found ---------------------------------------------


def test_results_show_a_highlighted_snippet_of_the_body(client, world, committed):
    with committed():
        ArticleFactory(title="Budget", body="The finance minister presented the budget on Tuesday.", section=world)
    html = client.get("/search/", {"q": "minister"}).content.decode()
    assert '<p class="card__snippet">' in html
    assert "<mark>minister</mark>" in html


def test_story_text_in_a_snippet_stays_inert(client, world, committed):
    with committed():
        ArticleFactory(
            title="Injected",
            body='Harmless <script>alert("x")</script> <b onmouseover="alert(1)">words</b> & more on pelicans \ue000.',
            section=world,
        )
    html = client.get("/search/", {"q": "pelicans"}).content.decode()
    assert "<script" not in html
    assert "<b " not in html
    assert "<mark>pelicans</mark>" in html
    assert "&amp; more" in html


def test_only_balanced_highlight_markers_become_mark_tags():
    marked = "a <script>\ue000b&c\ue001 \ue001 d\ue000 <em>e</em>"
    assert str(search._render_marks(marked)) == "a &lt;script&gt;<mark>b&amp;c</mark>  d &lt;em&gt;e&lt;/em&gt;"


def test_the_query_is_escaped_where_it_is_shown(client, story):
    html = client.get("/search/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_search_page_is_not_indexed_but_is_linked_from_every_page(client, story):
    assert '<meta name="robots" content="noindex, follow">' in client.get("/search/?q=x").content.decode()
    assert 'role="search" action="/search/"' in client.get("/").content.decode()


# --- Reaching every match in a large archive --------------------------------

NEWER_STORIES = 20_000


@pytest.fixture
def deep_archive(world, committed):
    """20,000 stories of the last ten years mention floods in their body; two from the archive's first year too."""
    now = timezone.now()
    Article.objects.bulk_create(
        [
            Article(
                title=f"Council notes {number}",
                slug=f"council-notes-{number}",
                body=f"Rain and floods again, report {number}.",
                section=world,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=3 + number * 4),  # back to about nine years ago
            )
            for number in range(NEWER_STORIES)
        ],
        batch_size=2000,
    )
    first_year = now - timedelta(days=3650)
    with committed():
        in_headline = ArticleFactory(title="Floods reach the old town", section=world, published_at=first_year)
        in_body = ArticleFactory(
            title="Harvest report", body="The floods spared the wheat.", section=world, published_at=first_year
        )
    if connection.vendor == "postgresql":
        search.refresh_search_vectors(Article.objects.filter(slug__startswith="council-notes-"))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Article._meta.db_table}")
    return {"in_headline": in_headline, "in_body": in_body}


def page_of(client, params: dict) -> tuple[list[Article], object]:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return list(response.context["stories"]), response


OLDER_LINK = re.compile(r'class="search-more"><a href="([^"]+)">Older matches')


def test_a_story_from_the_first_year_is_found_for_a_word_20000_newer_stories_contain(client, deep_archive, settings):
    # Relevance: the old story whose headline matches comes first, ahead of 20,000 newer body matches.
    stories, response = page_of(client, {"q": "floods"})
    assert stories[0] == deep_archive["in_headline"]
    matches = response.context["paginator"].object_list
    if connection.vendor == "postgresql":  # over ESTIMATE_ABOVE: the planner's estimate, said to be one
        assert not matches.exact and abs(matches.total - (NEWER_STORIES + 2)) < NEWER_STORIES * 0.2
        assert f"About {matches.total:,} stories match" in response.content.decode()
    else:
        assert matches.exact and matches.total == NEWER_STORIES + 2
        assert f"{NEWER_STORIES + 2:,} stories match" in response.content.decode()
    # Pages reach the first MAX_DEPTH results, so no page walks further than that...
    paginator = response.context["paginator"]
    assert paginator.count == search.MAX_DEPTH and paginator.num_pages == search.MAX_DEPTH // 20
    # ...and the last of them leads on to older matches by date, a window at a time, down to the first year.
    params, seen = {"q": "floods"}, set(stories)
    for _ in range(2 * NEWER_STORIES // search.MAX_DEPTH):
        last_page, response = page_of(client, {**params, "page": response.context["paginator"].num_pages})
        seen.update(last_page)
        link = OLDER_LINK.search(response.content.decode())
        if link is None:  # the last window: every page of it
            for number in range(2, response.context["paginator"].num_pages):
                seen.update(page_of(client, {**params, "page": number})[0])
            break
        params = QueryDict(html.unescape(link.group(1)).split("?", 1)[1]).dict()
        first_page, response = page_of(client, params)
        seen.update(first_page)
    assert deep_archive["in_body"] in seen, "the older-matches links reach the first year"
    assert deep_archive["in_headline"] in seen
    # The date filter goes straight to them.
    first_year = timezone.localdate(deep_archive["in_body"].published_at)
    stories, _ = page_of(client, {"q": "floods", "to": first_year.isoformat()})
    assert stories == [deep_archive["in_headline"], deep_archive["in_body"]]


def test_search_filters_by_author_and_dates_and_sorts_by_date(client, world, committed):
    now = timezone.now()
    writer, other = AuthorFactory(slug="writer"), AuthorFactory(slug="other")
    with committed():
        old = ArticleFactory(title="Tram line", body="Tram.", section=world, authors=[writer],
                             published_at=now - timedelta(days=400))  # fmt: skip
        newer_body = ArticleFactory(title="Buses", body="Tram too.", section=world, authors=[writer],
                                    published_at=now - timedelta(days=2))  # fmt: skip
        ArticleFactory(title="Tram fares", section=world, authors=[other], published_at=now - timedelta(days=1))
    assert found(client, "tram", author="writer") == [old, newer_body]
    assert found(client, "tram", author="writer", sort="date") == [newer_body, old]
    since = timezone.localdate(now - timedelta(days=30)).isoformat()
    assert found(client, "tram", author="writer", **{"from": since}) == [newer_body]
    response = client.get("/search/", {"q": "tram", "author": "nobody", "to": "2024-02-31"})
    assert len(response.context["stories"]) == 3
    assert "We could not use the author “nobody”, to date “2024-02-31”" in response.content.decode()


@pytest.mark.parametrize("query_string", ["q=nato", "q=nato&section=world"])
def test_search_queries_do_not_grow_with_results(client, world, committed, query_string, django_assert_num_queries):
    def add(count):
        with committed():
            ArticleFactory.create_batch(count, section=world, authors=[AuthorFactory(), AuthorFactory()], tags=["NATO"])

    # the content generation, the section tree (which also gives the section filter's choices and finds
    # ?section=), the count of each relevance tier (headline matches, the others; on PostgreSQL each after
    # the planner's estimate), the page's ids (here all from the second tier), its stories, byline names,
    # and the footer's publication pages
    expected = 8 + (2 if connection.vendor == "postgresql" else 0)
    add(3)
    with django_assert_num_queries(expected):
        client.get(f"/search/?{query_string}")
    add(27)
    with django_assert_num_queries(expected):
        client.get(f"/search/?{query_string}")


# --- Keeping the stored vectors current (PostgreSQL) ------------------------


def vector(article: Article) -> str:
    return str(Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get())


@on_postgresql
def test_saving_a_story_refreshes_its_vector_when_the_transaction_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        article = ArticleFactory(title="Volcano erupts", section=world, tags=["Iceland"])
    assert vector(article) == "None"  # nothing happens before the commit
    for callback in callbacks:
        callback()
    assert "'volcano':1A" in vector(article)
    assert "'iceland'" in vector(article)

    article.body = "Lava reached the sea."
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "'lava'" in vector(article)


@on_postgresql
def test_tag_byline_and_name_changes_refresh_the_vector(world, committed):
    author = AuthorFactory(name="Olga Brandt")
    with committed():
        article = ArticleFactory(title="Floods", section=world, authors=[author])
    assert "'brandt'" in vector(article)

    with committed():
        article.tags.add("Delta")
    assert "'delta'" in vector(article)
    with committed():
        article.tags.remove("Delta")
    assert "'delta'" not in vector(article)

    with committed():
        article.tags.add("Rain")
        tag = article.tags.get()
        tag.name = "Monsoon"
        tag.save()
    assert "'monsoon'" in vector(article)

    with committed():
        author.name = "Olga Kowalski"
        author.save()
    assert "'kowalski'" in vector(article) and "'brandt'" not in vector(article)

    with committed():
        article.bylines.all().delete()
    assert "'kowalski'" not in vector(article)


@on_postgresql
def test_renames_rebuild_their_stories_vectors_on_a_worker_not_in_the_request(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from articles import tasks

    sent = []
    for task in (tasks.refresh_tag_stories, tasks.refresh_author_stories):
        monkeypatch.setattr(task, "delay", lambda *args, name=task.name: sent.append((name, args)))
    author = AuthorFactory(name="Olga Brandt")
    article = ArticleFactory(title="Floods", section=world, authors=[author], tags=["Rain"])
    tag = article.tags.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tag.name = "Monsoon"
        tag.save()
        author.name = "Olga Kowalski"
        author.save()
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [
        ("articles.tasks.refresh_tag_stories", (tag.pk, "default")),
        ("articles.tasks.refresh_author_stories", (author.pk, "default")),
    ]
    assert "'monsoon'" not in vector(article)  # the request did not rebuild them: the worker will


@on_postgresql
def test_unrelated_field_changes_do_not_rebuild_the_vector(story, django_capture_on_commit_callbacks):
    from articles.search import refresh_search_vectors

    with django_capture_on_commit_callbacks() as callbacks:
        story.front_page_slot = 1
        story.save(update_fields=["front_page_slot"])
    assert not [callback for callback in callbacks if getattr(callback, "func", None) is refresh_search_vectors]


@on_sqlite
def test_sqlite_schedules_no_indexing_work(world, django_capture_on_commit_callbacks):
    from articles.search import refresh_search_vectors

    with django_capture_on_commit_callbacks() as callbacks:
        ArticleFactory(section=world, tags=["NATO"])
    assert not [callback for callback in callbacks if getattr(callback, "func", None) is refresh_search_vectors]


def test_update_search_index_rebuilds_every_vector_in_batches(world):
    ArticleFactory.create_batch(5, title="Comet sighted", section=world)
    ArticleFactory(title="Comet draft", section=world, draft=True)
    Article.objects.update(search_vector=None)
    out = StringIO()
    call_command("update_search_index", "--batch-size", "2", stdout=out)
    output = out.getvalue()
    if connection.vendor == "postgresql":
        assert "2 of 6 stories indexed" in output and "6 of 6 stories indexed" in output
        assert "Search index rebuilt: 6 stories" in output
        assert not Article.objects.filter(search_vector=None).exists()
    else:
        assert "nothing to index" in output


def test_update_search_index_refuses_a_useless_batch_size(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("update_search_index", "--batch-size", "0", stdout=StringIO())


def search_index() -> dict | None:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, Article._meta.db_table).get("article_search_vector")


@on_postgresql
def test_postgresql_has_a_gin_index_on_the_vector(db):
    index = search_index()
    assert index is not None
    assert (index["type"], index["columns"]) == ("gin", ["search_vector"])


@on_sqlite
def test_sqlite_migrates_without_the_gin_index(db):
    assert search_index() is None


@on_postgresql
def test_postgresql_search_uses_the_gin_index_over_many_stories(world):
    words = ["election", "budget", "minister", "harbour", "ferry", "glacier", "council", "strike", "market", "river"]
    rng = random.Random(7)
    now = timezone.now()
    Article.objects.bulk_create(
        [
            Article(
                title=f"Story {number}",
                slug=f"story-{number}",
                body=" ".join(rng.choices(words, k=30)) + (" zanzibar" if number % 1000 == 0 else ""),
                section=world,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=number),
            )
            for number in range(10_000)
        ],
        batch_size=1000,
    )
    search.refresh_search_vectors(Article.objects.all())
    with connection.cursor() as cursor:
        # What autovacuum does in production: move the freshly written index
        # entries out of GIN's pending list, and gather the planner's statistics.
        cursor.execute("SELECT gin_clean_pending_list('article_search_vector')")
        cursor.execute(f"ANALYZE {Article._meta.db_table}")
    stories = search.find_stories(search.Query.parse("zanzibar"))
    assert stories.count() == 10
    plan = stories.explain()
    assert "Bitmap Index Scan on article_search_vector" in plan, plan


def test_deep_pages_read_their_ids_from_the_reachable_list_found_once(client, world, committed, monkeypatch):
    """Past DIRECT_DEPTH a page's ids come from the whole reachable list, found once per content generation:
    the same stories in the same order as each page found alone, and no walk of the index for the next page."""
    with committed():
        ArticleFactory.create_batch(70, section=world, body="Tram lines.")
    alone = {page: found(client, "tram", page=page) for page in (2, 3, 4)}
    monkeypatch.setattr(search, "DIRECT_DEPTH", 20)
    everything_changed()  # a new generation: lists found again

    def page(number: int) -> tuple[list[Article], int]:
        matches = search.search_results(search.Query.parse("tram"))  # as a request makes them
        with CaptureQueriesContext(connection) as queries:
            stories = matches[(number - 1) * 20 : number * 20]
        return stories, len(queries.captured_queries)

    (page_2, first), (page_3, next_page) = page(2), page(3)
    assert (page_2, page_3, page(4)[0]) == (alone[2], alone[3], alone[4])
    assert next_page < first
