"""Sitemaps, the Google News sitemap and robots.txt: what crawlers are told, and never more."""

import gzip
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.sitemaps import StorySitemap, news_language
from pagecache.compression import MIN_SIZE
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def entries(client, url: str) -> dict[str, str | None]:
    """Each ``<loc>`` of a sitemap or index, with its ``<lastmod>``."""
    root = xml(client, url)
    return {entry.findtext(f"{SM}loc"): entry.findtext(f"{SM}lastmod") for entry in root}


def test_index_lists_each_sitemap_with_its_last_change(client, story):
    index = entries(client, "/sitemap.xml")
    assert list(index) == [
        "http://testserver/sitemaps/sections.xml",
        "http://testserver/sitemaps/stories.xml",
        "http://testserver/sitemaps/authors.xml",
        "http://testserver/sitemaps/tags.xml",
    ]
    assert set(index.values()) == {story.published_at.isoformat()}


def test_stories_sitemap_lists_published_stories_with_their_last_change(client, world):
    old = ArticleFactory(section=world, published_at=timezone.now() - timedelta(days=3))
    revised = ArticleFactory(section=world, published_at=timezone.now() - timedelta(days=2))
    revised.revised_at = timezone.now() - timedelta(hours=5)
    revised.save()
    assert entries(client, "/sitemaps/stories.xml") == {
        f"http://testserver{old.get_absolute_url()}": old.published_at.isoformat(),
        f"http://testserver{revised.get_absolute_url()}": revised.revised_at.isoformat(),
    }
    assert entries(client, "/sitemap.xml")["http://testserver/sitemaps/stories.xml"] == revised.revised_at.isoformat()


def test_stories_are_split_into_pages(client, world, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories = [ArticleFactory(section=world, published_at=timezone.now() - timedelta(hours=h)) for h in (5, 4, 3)]
    index = entries(client, "/sitemap.xml")
    assert "http://testserver/sitemaps/stories.xml?p=2" in index
    assert "http://testserver/sitemaps/stories.xml?p=3" not in index
    first, second = entries(client, "/sitemaps/stories.xml"), entries(client, "/sitemaps/stories.xml?p=2")
    assert list(first) + list(second) == [f"http://testserver{story.get_absolute_url()}" for story in stories]
    assert client.get("/sitemaps/stories.xml?p=3").status_code == 404
    assert client.get("/sitemaps/stories.xml?p=x").status_code == 404


def test_story_sitemap_pages_are_built_once_per_content_generation_and_sent_compressed(
    client, world, django_assert_num_queries
):
    # Enough stories for a page worth compressing (pagecache.compression.MIN_SIZE).
    stories = [ArticleFactory(section=world, published_at=timezone.now() - timedelta(hours=9 - n)) for n in range(8)]
    plain = client.get("/sitemaps/stories.xml")
    assert len(plain.content) > MIN_SIZE
    assert plain["Last-Modified"] and plain["X-Robots-Tag"] == "noindex, noodp, noarchive"
    # Again: only the content generation is read, the page comes from the cache, compressed as accepted.
    with django_assert_num_queries(1):
        compressed = client.get("/sitemaps/stories.xml", headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    # A publish moves the generation: the page is built again, with the new story.
    newer = ArticleFactory(section=world, published_at=timezone.now() - timedelta(hours=1))
    assert list(entries(client, "/sitemaps/stories.xml")) == [
        f"http://testserver{s.get_absolute_url()}" for s in (*stories, newer)
    ]


def test_section_sitemap_lists_every_section_dated_by_its_family(client, world):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    SectionFactory(name="Empty", slug="empty")
    ArticleFactory(section=world, published_at=timezone.now() - timedelta(days=2))
    newest = ArticleFactory(section=europe, published_at=timezone.now() - timedelta(hours=1))
    assert entries(client, "/sitemaps/sections.xml") == {
        "http://testserver/world/": newest.published_at.isoformat(),  # its subsection's story is on its page
        "http://testserver/europe/": newest.published_at.isoformat(),
        "http://testserver/empty/": None,
    }


def test_author_and_tag_sitemaps_list_only_those_with_published_stories(client, world, author):
    AuthorFactory(slug="no-stories-yet")
    drafter = AuthorFactory(slug="drafts-only")
    ArticleFactory(section=world, authors=[drafter], tags=["Hidden"], draft=True)
    story = ArticleFactory(section=world, authors=[author], tags=["NATO"])
    assert entries(client, "/sitemaps/authors.xml") == {
        "http://testserver/authors/david-wyatt/": story.published_at.isoformat()
    }
    assert entries(client, "/sitemaps/tags.xml") == {"http://testserver/tags/nato/": story.published_at.isoformat()}


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_stories_appear_in_no_sitemap(client, world, state):
    hidden_author = AuthorFactory(slug="hidden-author")
    hidden = ArticleFactory(section=world, authors=[hidden_author], tags=["Hidden"], **{state: True})
    ArticleFactory(section=world, published_at=timezone.now() - timedelta(hours=2))
    everything = "".join(
        client.get(url).content.decode()
        for url in (
            "/sitemap.xml",
            "/sitemaps/sections.xml",
            "/sitemaps/stories.xml",
            "/sitemaps/authors.xml",
            "/sitemaps/tags.xml",
            "/news-sitemap.xml",
        )
    )
    assert hidden.slug not in everything
    assert "hidden-author" not in everything and "/tags/hidden/" not in everything


def test_unknown_sitemap_is_404(client, db):
    assert client.get("/sitemaps/drafts.xml").status_code == 404


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemaps/stories.xml", "/sitemaps/tags.xml", "/news-sitemap.xml"])
def test_sitemap_queries_do_not_grow_with_stories(client, world, url, django_assert_num_queries):
    def add(count):
        ArticleFactory.create_batch(count, section=world, authors=[AuthorFactory()], tags=["NATO", "X"])

    add(3)
    with django_assert_num_queries(QUERIES[url]):
        client.get(url)
    add(27)
    with django_assert_num_queries(QUERIES[url]):
        client.get(url)


QUERIES = {
    # Each also reads the content generation once (see pagecache.generation).
    # sections (tree + last changes), stories (count + latest), authors and tags (last changes + objects)
    "/sitemap.xml": 9,
    # count, stories
    "/sitemaps/stories.xml": 3,
    # last changes, tags
    "/sitemaps/tags.xml": 3,
    # count, stories
    "/news-sitemap.xml": 3,
}


# --- Google News ------------------------------------------------------------


def test_news_sitemap_lists_the_last_two_days_in_googles_format(client, world):
    fresh = ArticleFactory(title="Tom & Jerry’s “news”", section=world)
    ArticleFactory(title="Three days old", section=world, published_at=timezone.now() - timedelta(days=3))
    root = xml(client, "/news-sitemap.xml")
    assert root.tag == f"{SM}urlset"
    urls = root.findall(f"{SM}url")
    assert len(urls) == 1
    url = urls[0]
    assert url.findtext(f"{SM}loc") == f"http://testserver{fresh.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Buna Times"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == fresh.published_at.isoformat()
    assert news.findtext(f"{NEWS}title") == "Tom & Jerry’s “news”"


def test_news_sitemap_drops_stories_as_they_turn_two_days_old(client, world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    story = ArticleFactory(section=world, published_at=timezone.now())
    assert story.slug in client.get("/news-sitemap.xml").content.decode()
    time_machine.shift(timedelta(hours=48, seconds=1))
    assert story.slug not in client.get("/news-sitemap.xml").content.decode()


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("en-gb", "en"), ("en", "en"), ("pt-BR", "pt"), ("zh-hans", "zh-cn"), ("zh-hant", "zh-tw"), ("uk", "uk")],
)
def test_news_language_is_the_code_google_expects(language_code, expected):
    assert news_language(language_code) == expected


# --- robots.txt -------------------------------------------------------------


def test_robots_txt_points_to_both_sitemaps_and_keeps_crawlers_out_of_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_robots_txt_uses_https_behind_a_tls_proxy(client, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["news.example"]
    body = client.get("/robots.txt", headers={"Host": "news.example", "X-Forwarded-Proto": "https"}).content.decode()
    assert "Sitemap: https://news.example/sitemap.xml" in body
