"""What real clients read from every reader page type, parsed as they parse it (extruct), not with regexes:
Open Graph and Twitter cards, JSON-LD (WebSite, Organization, CollectionPage, BreadcrumbList, NewsArticle),
robots, ``<html lang>``, canonical links and machine-readable times; and the publication's own pages."""

from datetime import datetime, timedelta
from html.parser import HTMLParser

import extruct
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article, PublicationPage
from articles.roles import EDITOR, JOURNALIST
from articles.starter_pages import STARTER_PAGES, create_starter_pages
from articles.structured_data import CARD, CARD_SIZE
from pagecache.generation import current_generation_id
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, image_file, staff_user

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
CARD_URL = f"{BASE}{settings.STATIC_URL}{CARD}"


class Metadata:
    """A page's metadata as extruct reads it, and its ``<html lang>``, ``<link>``s, metas and ``<time>``s."""

    def __init__(self, html: str, url: str) -> None:
        found = extruct.extract(html, base_url=url, syntaxes=["opengraph", "json-ld"], uniform=True)
        self.json_ld = found["json-ld"]
        (self.opengraph,) = found["opengraph"] or [{}]
        tags = _Tags()
        tags.feed(html)
        self.lang, self.links, self.metas, self.times = tags.lang, tags.links, tags.metas, tags.times

    def of_type(self, schema_type: str) -> list[dict]:
        return [item for item in self.json_ld if item.get("@type") == schema_type]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang, self.links, self.metas, self.times = None, {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "meta" and "name" in attrs:
            self.metas.setdefault(attrs["name"], []).append(attrs["content"])
        elif tag == "time":
            self.times.append(attrs["datetime"])


def read(client, url: str, status: int = 200) -> Metadata:
    response = client.get(url)
    assert response.status_code == status, url
    return Metadata(response.content.decode(), BASE + url)


@pytest.fixture
def newsroom(world, story):
    # The migration's starter pages, again: a transactional test elsewhere may have flushed them.
    create_starter_pages(PublicationPage)
    europe = SectionFactory(name="Europe", slug="europe", parent=world, description="News from Europe.")
    # A time with microseconds, as every real publication time has: <time> must not print them.
    # A second back first: replacing the microseconds alone could put it up to 0.9 s in the future,
    # not yet public when the test reads the page.
    ArticleFactory(
        title="Rail strike in Lyon", section=europe, tags=["Rail"],
        published_at=(timezone.now() - timedelta(seconds=1)).replace(microsecond=123456),
    )  # fmt: skip
    return story


def page_addresses(story: Article) -> dict[str, str]:
    year, month = story.published_at.year, story.published_at.month
    return {
        "front page": "/",
        "section": "/world/",
        "subsection": "/europe/",
        "story": story.get_absolute_url(),
        "tag": "/tags/nato/",
        "author": "/authors/",
        "author list": "/authors/",
        "archive index": "/archive/",
        "archive year": f"/archive/{year}/",
        "archive month": f"/archive/{year}/{month:02}/",
        "search": "/search/?q=nato",
        "corrections": "/corrections/",
        "publication page": "/info/about/",
    }


def test_every_page_type_has_open_graph_and_a_twitter_card(client, newsroom, author):
    addresses = page_addresses(newsroom) | {"author": author.get_absolute_url()}
    for name, url in addresses.items():
        page = read(client, url)
        og = page.opengraph
        assert og["og:site_name"] == "Buna Times", name
        assert og["og:locale"] == "en_GB", name  # ll_CC, from LANGUAGE_CODE en-gb
        assert og["og:url"] == page.links["canonical"][0] == BASE + url.split("?")[0], name
        assert og["og:title"] and og["og:description"], name
        assert og["@type"] == ("article" if name == "story" else "website"), name  # og:type, as extruct names it
        # No picture of its own: the publication's card, at its real size.
        assert og["og:image"] == CARD_URL, name
        assert (og["og:image:width"], og["og:image:height"]) == tuple(str(side) for side in CARD_SIZE), name
        assert page.metas["twitter:card"] == ["summary_large_image"], name
        assert page.metas["twitter:image"] == [CARD_URL], name
        assert page.metas["twitter:title"] and page.metas["twitter:description"], name


def test_open_graph_titles_name_the_page(client, newsroom):
    assert read(client, "/").opengraph["og:title"] == "Buna Times"
    assert read(client, "/world/").opengraph["og:title"] == "World"
    assert read(client, "/europe/").opengraph["og:description"] == "News from Europe."
    assert read(client, "/tags/nato/").opengraph["og:title"] == "NATO"
    assert read(client, "/info/privacy/").opengraph["og:title"] == "Privacy policy"
    assert read(client, newsroom.get_absolute_url()).opengraph["og:title"] == "Rutte visits Kyiv"


def test_the_sharing_card_is_a_real_image_of_the_size_the_tags_give():
    from pathlib import Path

    from PIL import Image

    with Image.open(Path(settings.BASE_DIR) / "static" / CARD) as card:
        assert (card.format, card.size) == ("PNG", CARD_SIZE)


def test_front_page_has_website_with_search_action_and_organization(client, newsroom, settings):
    settings.SITE_SAME_AS = ["https://social.example/@buna", "https://video.example/buna"]
    page = read(client, "/")
    (website,) = page.of_type("WebSite")
    assert website["url"] == f"{BASE}/"
    assert website["name"] == "Buna Times"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{BASE}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    (organization,) = page.of_type("Organization")
    assert organization["name"] == "Buna Times"
    assert organization["logo"]["url"] == f"{BASE}{settings.STATIC_URL}img/logo.png"
    assert organization["sameAs"] == ["https://social.example/@buna", "https://video.example/buna"]


def test_organization_has_no_same_as_when_none_is_configured(client, newsroom, settings):
    settings.SITE_SAME_AS = []
    (organization,) = read(client, "/").of_type("Organization")
    assert "sameAs" not in organization


def test_section_is_a_collection_page_with_its_breadcrumbs(client, newsroom):
    page = read(client, "/europe/")
    (collection,) = page.of_type("CollectionPage")
    assert collection["name"] == "Europe"
    assert collection["description"] == "News from Europe."
    assert collection["url"] == f"{BASE}/europe/"
    assert collection["isPartOf"]["@type"] == "WebSite"
    (breadcrumbs,) = page.of_type("BreadcrumbList")
    trail = [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]]
    assert trail == [(1, "Buna Times", f"{BASE}/"), (2, "World", f"{BASE}/world/"), (3, "Europe", f"{BASE}/europe/")]


def test_story_has_news_article_breadcrumbs_and_large_image_previews(client, newsroom):
    page = read(client, newsroom.get_absolute_url())
    assert len(page.of_type("NewsArticle")) == 1
    (breadcrumbs,) = page.of_type("BreadcrumbList")
    names = [item["name"] for item in breadcrumbs["itemListElement"]]
    assert names == ["Buna Times", "World", "Rutte visits Kyiv"]
    assert breadcrumbs["itemListElement"][-1]["item"] == BASE + newsroom.get_absolute_url()
    assert page.metas["robots"] == ["max-image-preview:large"]


def test_archive_pages_have_the_breadcrumbs_they_show(client, newsroom):
    year, month = newsroom.published_at.year, newsroom.published_at.month
    (breadcrumbs,) = read(client, f"/archive/{year}/{month:02}/").of_type("BreadcrumbList")
    trail = [item["item"] for item in breadcrumbs["itemListElement"]]
    assert trail == [f"{BASE}/", f"{BASE}/archive/", f"{BASE}/archive/{year}/", f"{BASE}/archive/{year}/{month:02}/"]


def test_pages_without_breadcrumbs_declare_none(client, newsroom):
    for url in ("/", "/tags/nato/", "/authors/", "/search/?q=nato", "/archive/", "/info/about/"):
        assert read(client, url).of_type("BreadcrumbList") == [], url


def test_html_lang_follows_language_code(client, newsroom, settings):
    assert read(client, "/").lang == "en-GB"
    settings.LANGUAGE_CODE = "pt-br"
    page = read(client, "/world/")
    assert page.lang == "pt-BR"
    assert page.opengraph["og:locale"] == "pt_BR"


def test_times_carry_no_fraction_of_a_second(client, newsroom):
    for url in ("/", "/europe/", Article.objects.get(title="Rail strike in Lyon").get_absolute_url()):
        times = read(client, url).times
        assert times, url
        for value in times:
            parsed = datetime.fromisoformat(value)
            assert parsed.microsecond == 0 and "." not in value, (url, value)
            assert parsed.tzinfo is not None, (url, value)


def test_not_found_page_declares_no_canonical_address(client, newsroom):
    page = read(client, "/no-such-section/", status=404)
    assert "canonical" not in page.links
    assert "og:url" not in page.opengraph
    assert page.opengraph["og:image"] == CARD_URL


def test_footer_lists_the_publication_pages_in_order(client, newsroom):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    positions = [footer.index(f'href="/info/{slug}/"') for slug, *_ in STARTER_PAGES]
    assert positions == sorted(positions)
    assert f"© {timezone.now().year} Buna Times" in footer


def test_every_starter_page_renders_its_markdown(client, newsroom):
    for slug, title, description, _ in STARTER_PAGES:
        response = client.get(f"/info/{slug}/")
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert f"<h1>{title}</h1>" in html
        assert f'<meta name="description" content="{description}">' in html
    assert "<h2>Our newsroom</h2>" in client.get("/info/about/").content.decode()
    assert client.get("/info/no-such-page/").status_code == 404


def test_editing_a_publication_page_reaches_readers(client, newsroom):
    assert "Terms of use" in client.get("/").content.decode()
    generation = current_generation_id()
    page = PublicationPage.objects.get(slug="terms")
    page.title = "Terms and conditions"
    page.save()
    assert current_generation_id() != generation  # the page cache's copies are stale now
    html = client.get("/").content.decode()
    assert "Terms and conditions" in html and "Terms of use" not in html
    PublicationPage.objects.filter(slug="terms").delete()
    assert 'href="/info/terms/"' not in client.get("/").content.decode()


def test_editors_manage_publication_pages_and_journalists_do_not(db):
    editor = staff_user("pages-editor", EDITOR)
    journalist = staff_user("pages-journalist", JOURNALIST)
    codenames = {f"{verb}_publicationpage" for verb in ("add", "change", "delete", "view")}
    granted = set(
        Permission.objects.filter(group__name=EDITOR, codename__in=codenames).values_list("codename", flat=True)
    )
    assert granted == codenames
    assert all(editor.has_perm(f"articles.{codename}") for codename in codenames)
    assert not any(journalist.has_perm(f"articles.{codename}") for codename in codenames)


def test_editor_edits_a_page_in_the_admin(editor_client, newsroom):
    page = PublicationPage.objects.get(slug="contact")
    response = editor_client.post(
        f"/admin/articles/publicationpage/{page.pk}/change/",
        {"title": "Contact", "slug": "contact", "description": "", "body": "Call **us**.", "position": 2},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "<strong>us</strong>" in editor_client.get("/info/contact/").content.decode()


def test_navigation_marks_the_section_the_reader_is_in(client, newsroom):
    def current(url: str) -> list[str]:
        html = client.get(url).content.decode()
        nav = html[html.index('<nav class="sections"') : html.index("</nav>")]
        return [line.strip() for line in nav.splitlines() if "aria-current" in line]

    assert current("/world/") == ['<li><a href="/world/" aria-current="page">World</a></li>']
    # A subsection and a story are in their top-level section, which is not the page itself.
    assert current("/europe/") == ['<li><a href="/world/" aria-current="true">World</a></li>']
    assert current(newsroom.get_absolute_url()) == ['<li><a href="/world/" aria-current="true">World</a></li>']
    assert current("/") == []


def test_standalone_error_pages_take_their_language_from_language_code_too(client, settings):
    settings.LANGUAGE_CODE = "de-at"
    response = client.get("/", HTTP_HOST="evil.example")  # an unknown host: the standalone 400 page
    assert response.status_code == 400
    assert read_lang(response.content.decode()) == "de-AT"


def read_lang(html: str) -> str | None:
    tags = _Tags()
    tags.feed(html)
    return tags.lang


def test_an_author_page_shares_the_authors_photo(client, world):
    photo = ImageFactory(file=image_file(size=(300, 300)), alt_text="Amara Okafor")
    author = AuthorFactory(name="Amara Okafor", slug="amara-okafor", photo=photo, bio="Writes about markets.")
    ArticleFactory(section=world, authors=[author])
    page = read(client, "/authors/amara-okafor/")
    assert page.opengraph["og:image"] == f"{BASE}{photo.file.url}"
    assert (page.opengraph["og:image:width"], page.opengraph["og:image:height"]) == ("300", "300")
    assert page.opengraph["og:image:alt"] == "Amara Okafor"
    assert page.opengraph["og:description"] == "Writes about markets."
    assert page.metas["twitter:card"] == ["summary"]  # a square photo: the small card
