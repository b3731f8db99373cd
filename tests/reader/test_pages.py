"""The public website: what readers see, and what they never see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory
from tests.helpers.pages import LIST_PAGES, WARM_QUERIES

pytestmark = pytest.mark.django_db


def test_front_page_cards_show_headline_standfirst_byline_time_and_thumbnail(client, world, author):
    ArticleFactory(title="Card story", standfirst="The gist.", section=world, authors=[author])
    html = client.get("/").content.decode()
    assert "Card story" in html and "The gist." in html and "David Wyatt" in html and "<time datetime=" in html


def test_section_page_includes_subsections_newest_first(client, world):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    old = ArticleFactory(section=world, published_at=timezone.now() - timedelta(days=3))
    new = ArticleFactory(section=europe, published_at=timezone.now() - timedelta(hours=1))
    other = ArticleFactory(section=SectionFactory(slug="sport"))
    response = client.get("/world/")
    assert list(response.context["stories"]) == [new, old]
    assert other.title not in response.content.decode()
    assert list(client.get("/europe/").context["stories"]) == [new]


def test_unknown_section_is_404(client, db):
    assert client.get("/no-such-section/").status_code == 404


def test_story_page_shows_everything_a_reader_needs(client, world):
    source = SourceFactory(name="korrespondent", url="https://korrespondent.example/")
    author = AuthorFactory(name="David Wyatt", slug="david-wyatt", role="World correspondent", bio="I am David Wyatt.")
    co_author = AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann")
    article = ArticleFactory(
        title="Rutte in Kyiv",
        kicker="Analysis",
        standfirst="A first official visit.",
        body="Opening.\n\n## NATO membership\n\n> “Closer than ever,” he said.",
        section=world,
        authors=[author, co_author],
        sources=[source],
        tags=["NATO"],
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for expected in (
        '<p class="breadcrumb"><a href="/world/">World</a> · <span class="kicker">Analysis</span></p>',
        '<h1 class="story__title">Rutte in Kyiv</h1>',
        "A first official visit.",
        '<a href="/authors/david-wyatt/" rel="author">David Wyatt</a> and <a href="/authors/lena-hoffmann/"',
        "<h2>NATO membership</h2>",
        "<blockquote>\n<p>“Closer than ever,” he said.</p>\n</blockquote>",
        '<a href="https://korrespondent.example/" rel="noopener">korrespondent</a>',
        '<a href="/tags/nato/" rel="tag">NATO</a>',
        "I am David Wyatt.",
        "World correspondent",
        "<time datetime=",
    ):
        assert expected in html, expected
    assert "Updated" not in html


def test_story_page_says_updated_after_a_change_to_its_text(client, story):
    story.note_content_change(["body"])
    story.save()
    assert "Updated <time" in client.get(story.get_absolute_url()).content.decode()


def test_story_url_uses_section_and_publication_date(story):
    local = timezone.localtime(story.published_at)
    assert story.get_absolute_url() == f"/world/{local:%Y/%m/%d}/{story.slug}/"


def test_stale_section_or_date_in_a_story_url_redirects_to_the_canonical_one(client, story):
    response = client.get(f"/sport/2001/01/01/{story.slug}/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_story_page_lists_related_stories_by_shared_tags(client, world, story):
    related = ArticleFactory(section=SectionFactory(slug="opinion"), tags=["NATO"])
    unrelated = ArticleFactory(section=SectionFactory(slug="sport"), tags=["Football"])
    response = client.get(story.get_absolute_url())
    assert related in response.context["related"]
    assert unrelated not in response.context["related"]


def test_story_page_shows_more_from_its_section_newest_first(client, world, story):
    others = [
        ArticleFactory(
            title=f"World story {hours}", section=world, published_at=timezone.now() - timedelta(hours=hours)
        )
        for hours in range(2, 8)
    ]
    tagged = ArticleFactory(title="Tagged world story", section=world, tags=["NATO"])
    ArticleFactory(title="Sport story", section=SectionFactory(slug="sport"))
    ArticleFactory(title="Draft world story", section=world, draft=True)
    response = client.get(story.get_absolute_url())
    # "Related stories" takes the tagged one, then the newest of the section…
    assert response.context["related"] == [tagged, *others[:3]]
    # …and "More from" shows the next newest, without repeating them or the story itself.
    assert response.context["more_from_section"] == others[3:]
    html = response.content.decode()
    assert '<h2 id="more-heading">More from <a href="/world/">World</a></h2>' in html
    assert "Sport story" not in html and "Draft world story" not in html


# The story, with its bylines, tags, sources and corrections (stored with it: Article.page_parts); its
# tags' newest visible stories and the section's newest (one query of parts); all those stories with their
# byline names (one query); the content generation (pagecache.generation); the section tree and the footer's
# publication pages (once per content generation: each request here is the first of its generation).
@pytest.mark.parametrize(("shared_tags", "expected"), [(True, 6), (False, 6)])
def test_story_page_queries_do_not_grow_with_stories(
    client, world, author, story, django_assert_num_queries, shared_tags, expected
):
    def add(count):
        tags = ["NATO", "X"] if shared_tags else ["Elsewhere"]
        ArticleFactory.create_batch(count, section=world, authors=[author, AuthorFactory()], tags=tags)
        ArticleFactory.create_batch(count, section=world, authors=[author])

    add(5)
    with django_assert_num_queries(expected):
        client.get(story.get_absolute_url())
    add(25)
    with django_assert_num_queries(expected):
        client.get(story.get_absolute_url())


def test_story_page_queries_do_not_grow_with_its_tags(client, world, author, django_assert_num_queries):
    for tags in (["One"], ["One", "Two", "Three", "Four", "Five", "Six"]):
        ArticleFactory(section=world, authors=[author], tags=tags)
        story = ArticleFactory(section=world, authors=[author], tags=tags)
        with django_assert_num_queries(6):  # as above
            client.get(story.get_absolute_url())


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_stories_are_404_and_on_no_list(client, world, author, state):
    hidden = ArticleFactory(
        title="Secret marker story", section=world, authors=[author], tags=["Hidden"], **{state: True}
    )
    ArticleFactory(section=world, authors=[author])  # so every list page has something to show
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in ("/", "/world/", "/authors/david-wyatt/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Secret marker story" not in response.content.decode(), url
    # A tag used only by unpublished stories does not exist for readers.
    assert client.get("/tags/hidden/").status_code == 404


def test_scheduled_story_appears_when_its_time_comes(client, world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    story = ArticleFactory(section=world, published_at=timezone.now() + timedelta(minutes=1))
    assert client.get(story.get_absolute_url()).status_code == 404
    time_machine.shift(timedelta(minutes=2))
    assert client.get(story.get_absolute_url()).status_code == 200


def test_author_page_shows_profile_and_their_published_stories(client, world):
    author = AuthorFactory(
        name="Amara Okafor", slug="amara-okafor", role="Business editor", bio="Writes about markets.",
        website="https://amara.example/", x_handle="amara",
    )  # fmt: skip
    mine = ArticleFactory(section=world, authors=[AuthorFactory(), author])
    ArticleFactory(section=world)
    response = client.get("/authors/amara-okafor/")
    html = response.content.decode()
    assert list(response.context["stories"]) == [mine]
    assert "Business editor" in html and "Writes about markets." in html
    assert 'href="https://amara.example/"' in html and 'href="https://x.com/amara"' in html


def test_author_list_shows_active_staff_only(client, db):
    AuthorFactory(name="Current Reporter")
    AuthorFactory(name="Former Reporter", is_active=False)
    html = client.get("/authors/").content.decode()
    assert "Current Reporter" in html and "Former Reporter" not in html


def test_former_staff_keep_their_author_page(client, db):
    AuthorFactory(slug="former", is_active=False)
    assert client.get("/authors/former/").status_code == 200


def test_tag_page_lists_tagged_published_stories(client, world):
    tagged = ArticleFactory(section=world, tags=["Ukraine"])
    ArticleFactory(section=world, tags=["Sport"])
    response = client.get("/tags/ukraine/")
    assert response.status_code == 200
    assert list(response.context["stories"]) == [tagged]


def test_non_latin_tag_and_author_slugs_work(client, world):
    ArticleFactory(section=world, tags=["Україна"], authors=[AuthorFactory(name="Олена Коваль", slug="олена-коваль")])
    assert client.get("/tags/україна/").status_code == 200
    assert client.get("/authors/олена-коваль/").status_code == 200


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "9" * 5000, "%00", "last"])
def test_bad_pagination_input_never_errors(client, world, page):
    ArticleFactory(section=world)
    for url in ("/world/", "/tags/nato/", "/authors/david-wyatt/"):
        response = client.get(url, {"page": page})
        assert response.status_code in (200, 404), (url, page)


def test_pagination_splits_long_lists(client, world, settings):
    ArticleFactory.create_batch(25, section=world)
    first = client.get("/world/")
    assert len(first.context["stories"]) == settings.STORIES_PER_PAGE
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert len(client.get("/world/?page=2").context["stories"]) == 25 - settings.STORIES_PER_PAGE


def test_pages_use_semantic_accessible_landmarks(client, story):
    for url in ("/", "/world/", story.get_absolute_url(), "/authors/", "/authors/david-wyatt/", "/tags/nato/"):
        html = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html and "<header" in html and "<footer" in html and "<nav" in html, url
        assert html.count("<h1") == 1, url


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_stories(client, world, author, url, django_assert_num_queries):
    SectionFactory(name="Business", slug="business")

    def add(count):
        ArticleFactory.create_batch(count, section=world, authors=[author, AuthorFactory()], tags=["NATO", "X"])

    add(3)
    with django_assert_num_queries(LIST_PAGES[url]):
        client.get(url)
    add(27)
    with django_assert_num_queries(LIST_PAGES[url]):
        client.get(url)


@pytest.mark.parametrize("url", WARM_QUERIES)
def test_list_pages_meet_their_query_targets_once_warm(client, world, author, url, settings, django_assert_num_queries):
    """With the page cache off, a second request costs what bench/instructions.py counts: issue 15's targets."""
    settings.PAGE_CACHE_SECONDS = 0
    SectionFactory(name="Business", slug="business")
    ArticleFactory.create_batch(5, section=world, authors=[author, AuthorFactory()], tags=["NATO", "X"])
    client.get(url)
    with django_assert_num_queries(WARM_QUERIES[url]):
        assert client.get(url).status_code == 200


def test_the_story_page_queries_once_warm(client, world, author, story, settings, django_assert_num_queries):
    # Issue 15's target is 4: the story (with its bylines, tags, sources and corrections:
    # Article.page_parts), its neighbours (one query), their cards with byline names, and the content generation.
    settings.PAGE_CACHE_SECONDS = 0
    ArticleFactory.create_batch(5, section=world, authors=[author], tags=["NATO"])
    client.get(story.get_absolute_url())
    with django_assert_num_queries(4):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_a_lists_length_is_counted_once_per_content_change(client, world, django_assert_num_queries):
    ArticleFactory.create_batch(25, section=world)
    client.get("/world/")  # counts, and caches the page
    with django_assert_num_queries(4):  # another page of the same list: the generation, its ids, stories and names
        client.get("/world/?page=2")
    ArticleFactory(section=world)  # a change readers can see: a new count
    assert client.get("/world/?page=2").context["paginator"].count == 26


def test_deep_pages_load_only_their_own_stories(client, world, settings):
    per_page = settings.STORIES_PER_PAGE
    stories = ArticleFactory.create_batch(2 * per_page + 3, section=world)
    newest_first = sorted(stories, key=lambda story: (story.published_at, story.pk), reverse=True)
    assert list(client.get("/world/?page=2").context["stories"]) == newest_first[per_page : 2 * per_page]
    assert list(client.get("/world/?page=last").context["stories"]) == newest_first[2 * per_page :]


def test_story_urls_are_what_the_urlconf_would_reverse(story):
    from django.urls import reverse

    local = timezone.localtime(story.published_at)
    assert story.get_absolute_url() == reverse(
        "articles:story",
        kwargs={"section": "world", "year": local.year, "month": local.month, "day": local.day, "slug": story.slug},
    ).replace(f"/{local.month}/{local.day}/", f"/{local.month:02d}/{local.day:02d}/")
    assert story.section.get_absolute_url() == reverse("articles:section", kwargs={"section": "world"})


def test_page_two_of_a_list_says_so_in_its_title_and_heading(client, world, settings):
    ArticleFactory.create_batch(settings.STORIES_PER_PAGE + 1, section=world, tags=["NATO"])
    first = client.get("/world/").content.decode()
    assert "<title>World | " in first and "<h1>World</h1>" in first
    for url, name in [("/world/", "World"), ("/tags/nato/", "NATO")]:
        html = client.get(url, {"page": 2}).content.decode()
        assert f"<title>{name} — page 2 | " in html, url
        assert f"<h1>{name} — page 2</h1>" in html, url


def test_the_author_list_answers_404_past_its_last_page_like_other_lists(client, author):
    assert client.get("/authors/").status_code == 200
    assert client.get("/authors/", {"page": 1}).status_code == 200
    for page in ("2", "999", "abc"):
        assert client.get("/authors/", {"page": page}).status_code == 404, page
    assert client.get("/world/", {"page": 999}).status_code == 404  # as every other list
