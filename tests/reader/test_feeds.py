"""RSS and Atom feeds: well-formed, complete, discoverable, and only ever published stories."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from common.slugs import validate_section_slug
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"

FEEDS = [
    "/feeds/{format}/",
    "/feeds/sections/world/{format}/",
    "/feeds/authors/david-wyatt/{format}/",
    "/feeds/tags/nato/{format}/",
]


def rss(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    return ET.fromstring(response.content)


def atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def rss_titles(client, url: str) -> list[str]:
    return [item.findtext("title") for item in rss(client, url).iter("item")]


def atom_titles(client, url: str) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in atom(client, url).iter(f"{ATOM}entry")]


def test_rss_item_has_everything_a_feed_reader_shows(client, world, author):
    co_author = AuthorFactory(name="Lena Hoffmann")
    article = ArticleFactory(
        title="Rutte visits Kyiv",
        standfirst="A first official visit.",
        section=world,
        authors=[author, co_author],
        tags=["NATO", "Ukraine"],
    )
    channel = rss(client, "/feeds/rss/").find("channel")
    assert channel.findtext("title") == "Buna Times"
    assert channel.findtext("link") == "http://testserver/"
    assert channel.findtext("description") == "Independent news from around the world"
    assert channel.findtext("language") == "en-gb"
    item = channel.find("item")
    assert item.findtext("title") == "Rutte visits Kyiv"
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == "A first official visit."
    assert item.findtext(f"{DC}creator") == "David Wyatt and Lena Hoffmann"
    assert sorted(category.text for category in item.findall("category")) == ["NATO", "Ukraine"]
    assert item.findtext("pubDate")
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == f"tag:testserver,{timezone.localtime(article.created_at):%Y-%m-%d}:story/{article.pk}"


def test_atom_entry_has_published_updated_author_and_categories(client, world, author):
    published = timezone.now() - timedelta(days=1)
    article = ArticleFactory(title="Floods", section=world, authors=[author], tags=["Climate"], published_at=published)
    article.revised_at = published + timedelta(hours=3)
    article.save()
    feed = atom(client, "/feeds/atom/")
    assert feed.findtext(f"{ATOM}title") == "Buna Times"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Buna Times"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feeds/atom/"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Floods"
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://testserver{article.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}summary") == "What happened, in one sentence."
    assert entry.findtext(f"{ATOM}published") == published.isoformat()
    assert entry.findtext(f"{ATOM}updated") == article.revised_at.isoformat()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "David Wyatt"
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == "http://testserver/authors/david-wyatt/"
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == ["Climate"]
    assert entry.findtext(f"{ATOM}id").startswith("tag:testserver,")


def test_unrevised_story_is_updated_when_published(client, story):
    entry = atom(client, "/feeds/atom/").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}updated") == story.published_at.isoformat()


def test_story_without_standfirst_is_described_by_its_opening(client, world):
    ArticleFactory(standfirst="", body="The river rose overnight. " * 30, section=world)
    description = rss(client, "/feeds/rss/").find("channel/item").findtext("description")
    assert description.startswith("The river rose overnight.") and description.endswith("…")


def test_lead_image_is_an_enclosure_with_url_size_and_type(client, world):
    article = ArticleFactory(section=world, lead_picture=ImageFactory(alt_text="A red square"))
    item = rss(client, "/feeds/rss/").find("channel/item")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{article.lead_picture.file.url}"
    assert enclosure.get("length") == str(article.lead_picture.file.size)
    assert enclosure.get("type") == "image/jpeg"
    link = atom(client, "/feeds/atom/").find(f"{ATOM}entry/{ATOM}link[@rel='enclosure']")
    assert link.get("href") == f"http://testserver{article.lead_picture.file.url}"


def test_story_whose_image_file_is_missing_still_appears_without_enclosure(client, world):
    article = ArticleFactory(section=world, lead_picture=ImageFactory(alt_text="A red square"))
    article.lead_picture.file.storage.delete(article.lead_picture.file.name)
    item = rss(client, "/feeds/rss/").find("channel/item")
    assert item.findtext("title") == article.title
    assert item.find("enclosure") is None


def test_section_feed_includes_subsections_and_nothing_else(client, world):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    ArticleFactory(title="In World", section=world)
    ArticleFactory(title="In Europe", section=europe)
    ArticleFactory(title="In Sport", section=SectionFactory(slug="sport"))
    assert sorted(rss_titles(client, "/feeds/sections/world/rss/")) == ["In Europe", "In World"]
    assert atom_titles(client, "/feeds/sections/europe/atom/") == ["In Europe"]
    assert rss(client, "/feeds/sections/world/rss/").find("channel").findtext("title") == "World | Buna Times"


def test_author_and_tag_feeds_list_their_stories(client, world, author):
    ArticleFactory(title="Mine", section=world, authors=[author], tags=["Ukraine"])
    ArticleFactory(title="Someone else's", section=world, tags=["Sport"])
    assert rss_titles(client, "/feeds/authors/david-wyatt/rss/") == ["Mine"]
    assert atom_titles(client, "/feeds/tags/ukraine/atom/") == ["Mine"]
    channel = rss(client, "/feeds/tags/ukraine/rss/").find("channel")
    assert channel.findtext("title") == "Ukraine | Buna Times"
    assert channel.findtext("link") == "http://testserver/tags/ukraine/"


def test_feeds_are_newest_first_and_limited(client, world):
    for hours in range(35):
        ArticleFactory(title=f"{hours} hours ago", section=world, published_at=timezone.now() - timedelta(hours=hours))
    titles = rss_titles(client, "/feeds/rss/")
    assert len(titles) == 30
    assert titles[:2] == ["0 hours ago", "1 hours ago"]


@pytest.mark.parametrize("state", ["draft", "scheduled"])
@pytest.mark.parametrize("feed_format", ["rss", "atom"])
def test_unpublished_stories_are_in_no_feed(client, world, author, state, feed_format):
    ArticleFactory(title="Secret marker story", section=world, authors=[author], tags=["NATO"], **{state: True})
    ArticleFactory(title="Public story", section=world, authors=[author], tags=["NATO"])
    for url in FEEDS:
        content = client.get(url.format(format=feed_format)).content.decode()
        assert "Public story" in content, url
        assert "Secret marker story" not in content, url


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/sections/nowhere/rss/",
        "/feeds/authors/nobody/atom/",
        "/feeds/tags/nothing/rss/",
        "/feeds/hidden-tag/rss/",
        "/feeds/json/",
        "/feeds/sections/world/xml/",
    ],
)
def test_unknown_feeds_are_404(client, world, url):
    ArticleFactory(section=world, tags=["Hidden"], draft=True)
    assert client.get(url).status_code == 404


def test_tag_used_only_on_unpublished_stories_has_no_feed(client, world):
    ArticleFactory(section=world, tags=["Hidden"], scheduled=True)
    assert client.get("/feeds/tags/hidden/rss/").status_code == 404


def test_non_latin_author_and_tag_feeds_work(client, world):
    ArticleFactory(section=world, tags=["Україна"], authors=[AuthorFactory(name="Олена Коваль", slug="олена-коваль")])
    assert len(rss_titles(client, "/feeds/tags/україна/rss/")) == 1
    assert len(atom_titles(client, "/feeds/authors/олена-коваль/atom/")) == 1


def test_feeds_carry_plain_text_that_readers_cannot_mistake_for_html(client, world):
    ArticleFactory(title="Tom & Jerry <script>alert(1)</script>", standfirst="“Quotes” & <b>tags</b>", section=world)
    item = rss(client, "/feeds/rss/").find("channel/item")
    assert item.findtext("title") == "Tom & Jerry <script>alert(1)</script>"
    # The description is HTML to feed readers: its text arrives escaped once more.
    assert item.findtext("description") == "“Quotes” &amp; &lt;b&gt;tags&lt;/b&gt;"
    summary = atom(client, "/feeds/atom/").find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "“Quotes” &amp; &lt;b&gt;tags&lt;/b&gt;"


# the subject (+ "any published stories?" for a tag, + the section tree, + the author's story ids),
# stories, bylines, tags, and the content generation (pagecache.generation)
FEED_QUERIES = {
    "/feeds/rss/": 4,
    "/feeds/atom/": 4,
    "/feeds/sections/world/rss/": 6,
    "/feeds/authors/david-wyatt/atom/": 6,
    "/feeds/tags/nato/rss/": 6,
}


@pytest.mark.parametrize("url", FEED_QUERIES)
def test_feed_queries_do_not_grow_with_stories(client, world, author, url, django_assert_num_queries):
    picture = ImageFactory()  # every item's enclosure: its lead picture, loaded with it

    def add(count):
        ArticleFactory.create_batch(
            count, section=world, authors=[author, AuthorFactory()], tags=["NATO", "X"], lead_picture=picture
        )

    add(3)
    with django_assert_num_queries(FEED_QUERIES[url]):
        client.get(url)
    add(27)
    with django_assert_num_queries(FEED_QUERIES[url]):
        client.get(url)


# --- Autodiscovery ----------------------------------------------------------


def test_every_page_advertises_the_site_feeds(client, story):
    for url in ("/", "/world/", story.get_absolute_url(), "/authors/", "/tags/nato/", "/search/"):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml" title="Buna Times" href="/feeds/rss/">' in html, url
        assert '<link rel="alternate" type="application/atom+xml" title="Buna Times" href="/feeds/atom/">' in html, url


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/world/", '<link rel="alternate" type="application/rss+xml" title="World | Buna Times" '
                    'href="/feeds/sections/world/rss/">'),
        ("/authors/david-wyatt/", '<link rel="alternate" type="application/rss+xml" title="David Wyatt | Buna Times" '
                                  'href="/feeds/authors/david-wyatt/rss/">'),
        ("/tags/nato/", '<link rel="alternate" type="application/atom+xml" title="NATO | Buna Times" '
                        'href="/feeds/tags/nato/atom/">'),
    ],
)  # fmt: skip
def test_section_author_and_tag_pages_advertise_their_own_feeds(client, story, url, feed):
    head = client.get(url).content.decode().split("</head>")[0]
    assert feed in head


def test_author_page_shows_a_visible_rss_link(client, story):
    html = client.get("/authors/david-wyatt/").content.decode()
    assert '<a href="/feeds/authors/david-wyatt/rss/" type="application/rss+xml">' in html.split("</head>")[1]


def test_no_section_can_take_the_feeds_address(db):
    with pytest.raises(ValidationError):
        validate_section_slug("feeds")


def test_last_modified_header_comes_from_published_stories_only(client, world):
    ArticleFactory(section=world, published_at=timezone.now() - timedelta(days=2))
    ArticleFactory(section=world, scheduled=True)
    latest = Article.objects.published().newest_first().first()
    assert client.get("/feeds/rss/")["Last-Modified"] == http_date(latest.published_at.timestamp())
