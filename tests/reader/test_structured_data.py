"""What pages tell search engines and social sites: titles, canonical URLs, descriptions,
Open Graph and Twitter cards, and schema.org JSON-LD."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from articles.structured_data import CARD, CARD_SIZE, LOGO, LOGO_SIZE
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The ``<head>`` of a page: its title, links by rel, metas by property or name, and JSON-LD."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title, self.links, self.metas, self.json_ld = "", {}, {}, []
        self._in = None
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.metas.setdefault(attrs.get("property") or attrs["name"], []).append(attrs["content"])
        elif tag in ("title", "script"):
            self._in = (tag, attrs.get("type"))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == ("title", None):
            self.title += data
        elif self._in == ("script", "application/ld+json"):
            self.json_ld.append(json.loads(data))

    def meta(self, key: str) -> str:
        (value,) = self.metas[key]
        return value


def head(client, url: str) -> Head:
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def test_every_page_has_a_title_an_absolute_canonical_url_and_a_description(client, story):
    pages = {
        "/": "Buna Times",
        "/world/": "World | Buna Times",
        story.get_absolute_url(): "Rutte visits Kyiv | Buna Times",
        "/authors/": "Our journalists | Buna Times",
        "/authors/david-wyatt/": "David Wyatt | Buna Times",
        "/tags/nato/": "NATO | Buna Times",
        "/search/?q=nato": "Search: nato | Buna Times",
    }
    for url, title in pages.items():
        page = head(client, url)
        assert page.title == title, url
        assert page.links["canonical"] == [f"http://testserver{url.split('?')[0]}"], url
        assert page.meta("description").strip(), url


def test_not_found_page_has_a_title_and_description_too(client, db):
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    page = Head(response.content.decode())
    assert page.title == "Page not found | Buna Times"
    assert page.meta("description")


def test_later_pages_of_a_list_are_their_own_canonical_pages(client, world, settings):
    ArticleFactory.create_batch(settings.STORIES_PER_PAGE + 1, section=world)
    assert head(client, "/world/?page=1").links["canonical"] == ["http://testserver/world/"]
    assert head(client, "/world/?page=2").links["canonical"] == ["http://testserver/world/?page=2"]
    assert head(client, "/world/?utm_source=x").links["canonical"] == ["http://testserver/world/"]


def test_story_page_has_open_graph_and_twitter_tags(client, world):
    author = AuthorFactory(name="Amara Okafor", slug="amara-okafor", x_handle="amara")
    article = ArticleFactory(
        title="Harbour factory to build turbine blades",
        standfirst="Nine hundred jobs for Marrow Bay.",
        section=world,
        authors=[author],
        tags=["Energy", "Jobs"],
        lead_picture=ImageFactory(file=image_file(size=(120, 80)), alt_text="The harbour at dawn"),
    )
    article.revised_at = article.published_at + timedelta(minutes=30)
    article.save()
    page = head(client, article.get_absolute_url())
    url = f"http://testserver{article.get_absolute_url()}"
    assert page.meta("og:type") == "article"
    assert page.meta("og:site_name") == "Buna Times"
    assert page.meta("og:locale") == "en_GB"
    assert page.meta("og:url") == url
    assert page.meta("og:title") == "Harbour factory to build turbine blades"
    assert page.meta("og:description") == "Nine hundred jobs for Marrow Bay."
    assert page.meta("og:image") == f"http://testserver{article.lead_picture.file.url}"
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("120", "80")
    assert page.meta("og:image:alt") == "The harbour at dawn"
    assert page.meta("article:published_time") == article.published_at.isoformat(timespec="seconds")
    assert page.meta("article:modified_time") == article.revised_at.isoformat(timespec="seconds")
    assert page.meta("article:section") == "World"
    assert page.meta("article:author") == "http://testserver/authors/amara-okafor/"
    assert sorted(page.metas["article:tag"]) == ["Energy", "Jobs"]
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("twitter:title") == "Harbour factory to build turbine blades"
    assert page.meta("twitter:description") == "Nine hundred jobs for Marrow Bay."
    assert page.meta("twitter:image") == f"http://testserver{article.lead_picture.file.url}"
    assert page.meta("twitter:image:alt") == "The harbour at dawn"
    assert page.meta("twitter:creator") == "@amara"


def test_story_without_an_image_shares_the_publication_card(client, story):
    page = head(client, story.get_absolute_url())
    card = f"http://testserver{settings.STATIC_URL}{CARD}"
    assert page.meta("og:image") == page.meta("twitter:image") == card
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == tuple(str(side) for side in CARD_SIZE)
    assert page.meta("twitter:card") == "summary_large_image"
    assert "twitter:creator" not in page.metas


def test_story_page_has_news_article_json_ld(client, world):
    author = AuthorFactory(name="David Wyatt", slug="david-wyatt")
    co_author = AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann")
    article = ArticleFactory(
        title="Rutte visits Kyiv",
        standfirst="A first official visit.",
        section=SectionFactory(name="Europe", slug="europe", parent=world),
        authors=[author, co_author],
        tags=["NATO", "Ukraine"],
        lead_picture=ImageFactory(file=image_file(size=(64, 48)), alt_text="Rutte and Zelensky"),
    )
    data, _breadcrumbs = head(client, article.get_absolute_url()).json_ld
    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["headline"] == "Rutte visits Kyiv"
    assert data["description"] == "A first official visit."
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.published_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "David Wyatt", "url": "http://testserver/authors/david-wyatt/"},
        {"@type": "Person", "name": "Lena Hoffmann", "url": "http://testserver/authors/lena-hoffmann/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Buna Times",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": f"http://testserver{settings.STATIC_URL}{LOGO}",
            "width": 512,
            "height": 512,
        },
    }
    assert data["image"] == article.lead_picture.image_objects(lambda path: f"http://testserver{path}")
    assert data["articleSection"] == "Europe"
    assert sorted(data["keywords"]) == ["NATO", "Ukraine"]


def test_revised_story_says_when_it_was_modified(client, story):
    story.note_content_change(["body"])
    story.save()
    data, _breadcrumbs = head(client, story.get_absolute_url()).json_ld
    assert data["dateModified"] == story.revised_at.isoformat() != data["datePublished"]


@pytest.mark.parametrize(
    "headline",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT ><img src=x onerror=alert(1)>",
        "<!-- <script> & “quotes” \u2028 'single' \\ back",
    ],
)
def test_json_ld_cannot_be_broken_out_of(client, world, headline):
    article = ArticleFactory(title=headline, standfirst=headline, section=world, tags=[headline[:50]])
    html = client.get(article.get_absolute_url()).content.decode()
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.IGNORECASE | re.DOTALL)
    assert len(scripts) == 2  # the JSON-LD (the story, its breadcrumbs), and no other script the headline opened
    assert not any("<" in script or ">" in script for script in scripts)
    data, breadcrumbs = map(json.loads, scripts)
    assert breadcrumbs["itemListElement"][-1]["name"] == headline
    assert data["headline"] == headline
    assert data["description"] == headline


def test_author_page_has_profile_page_json_ld(client, world):
    author = AuthorFactory(
        name="Amara Okafor",
        slug="amara-okafor",
        role="Business editor",
        bio="Writes about markets.",
        website="https://amara.example/",
        x_handle="amara",
        photo=ImageFactory(file=image_file()),
    )
    ArticleFactory(section=world, authors=[author])
    (data,) = head(client, "/authors/amara-okafor/").json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ProfilePage"
    assert data["url"] == "http://testserver/authors/amara-okafor/"
    assert data["dateCreated"] and data["dateModified"]
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Amara Okafor"
    assert person["url"] == "http://testserver/authors/amara-okafor/"
    assert person["jobTitle"] == "Business editor"
    assert person["description"] == "Writes about markets."
    assert person["image"] == f"http://testserver{author.photo.file.url}"
    assert person["sameAs"] == ["https://amara.example/", "https://x.com/amara"]
    assert person["worksFor"] == {"@type": "Organization", "name": "Buna Times", "url": "http://testserver/"}


def test_pages_without_structured_data_of_their_own_have_no_json_ld(client, story):
    # The front page, sections, stories, archives and authors have theirs (tests/reader/test_metadata.py).
    for url in ("/tags/nato/", "/search/?q=nato", "/authors/", "/archive/"):
        assert head(client, url).json_ld == [], url


def test_the_logo_is_a_real_image_of_the_size_json_ld_gives():
    path = Path(settings.BASE_DIR) / "static" / LOGO
    with Image.open(path) as logo:
        assert logo.format == "PNG"
        assert logo.size == LOGO_SIZE


def test_corrections_appear_in_the_json_ld_escaped(client, story, editor):
    from articles import workflow

    workflow.add_correction(story, editor, kind="correction", note="</script><script>alert(1)</script> was wrong.")
    assert "<script>alert(1)" not in client.get(story.get_absolute_url()).content.decode()
    data, _breadcrumbs = head(client, story.get_absolute_url()).json_ld
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Correction: </script><script>alert(1)</script> was wrong.",
            "datePublished": data["correction"][0]["datePublished"],
        }
    ]
    assert data["dateModified"] >= data["datePublished"]
