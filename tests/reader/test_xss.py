"""Injection: hostile text in every field staff control is shown, never run, on every page that shows it.

Each payload goes into every text field an editor or journalist controls. Every
public page, feed and sitemap and every admin page that shows those fields is then
parsed: no script element (other than a JSON-LD data block that still parses as
JSON), no event-handler attribute and no javascript:/data: URL may come from them,
and template syntax stays text.
"""

import json
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, Byline, Section, Source
from authors.models import Author
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x1')</script>",
    "\"><img src=x onerror=alert('x2')>",
    "<svg onload=alert('x3')><circle r=1></svg>",
    "javascript:alert('x4')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgneDUnKTwvc2NyaXB0Pg==",
    "</script><script>alert('x6')</script>",
    "<a href=\"javascript:alert('x7')\">click</a>",
    "{{ 'template-ran'|upper }} {% now 'Y' %} {% debug %}",
    "<iframe srcdoc=\"<script>alert('x9')</script>\"></iframe>",
    "' onmouseover='alert(10)' x='",
]
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# What the template payloads print only if evaluated: upper case with a hyphen, so no
# random upload name or hash on the page can contain it by chance (as "7007" once did).
EVALUATED = "TEMPLATE-RAN"


class Inspector(HTMLParser):
    """Collects what would run: script elements, event handlers and script-bearing URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._json_ld: list[str] | None = None
        self.json_ld_blocks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("type") == "application/ld+json":
                self._json_ld = []
            elif "src" not in attributes:
                self.problems.append(f"inline <script> {attributes}")
        if tag in {"iframe", "object", "embed"}:
            self.problems.append(f"<{tag}>")
        if tag == "svg" and any(name.startswith("on") for name in attributes):
            self.problems.append("<svg> with a handler")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            url_attribute = name in {"href", "src", "action", "formaction", "srcset", "xlink:href"}
            if url_attribute and value and value.strip().lower().startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:30]}>")

    def handle_data(self, data):
        if self._json_ld is not None:
            self._json_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._json_ld is not None:
            self.json_ld_blocks.append("".join(self._json_ld))
            self._json_ld = None


def assert_inert_html(url: str, html: str) -> None:
    inspector = Inspector()
    inspector.feed(html)
    assert not inspector.problems, f"{url}: {inspector.problems}"
    for block in inspector.json_ld_blocks:
        json.loads(block)
    assert EVALUATED not in html, f"{url}: template syntax from content was evaluated"


# Elements whose text feed readers render as HTML (RSS description, Atom summary and content).
HTML_ELEMENTS = ("description", "summary", "content", "encoded")


def assert_inert_xml(url: str, body: bytes) -> None:
    root = ElementTree.fromstring(body)  # well-formed, whatever the content
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in HTML_ELEMENTS and element.text:
            assert_inert_html(f"{url} <{name}>", element.text)
        if name in {"link", "loc", "guid", "id"} or "href" in element.attrib:
            for value in (element.text or "", element.attrib.get("href", "")):
                assert not value.strip().lower().startswith(DANGEROUS_SCHEMES), (url, value)


@pytest.fixture(params=range(len(PAYLOADS)), ids=[f"payload{n}" for n in range(len(PAYLOADS))])
def hostile(request, editor, journalist):
    payload = PAYLOADS[request.param]
    section = Section.objects.create(name=f"World {payload}", slug="world", description=f"About {payload}")
    portrait = ImageFactory(alt_text=f"Portrait {payload}", caption=f"Writer {payload}")
    author = Author.objects.create(
        name=f"Writer {payload}", slug="hostile-writer", bio=f"Bio {payload}", photo=portrait
    )
    source = Source.objects.create(name=f"Agency {payload}", url=f"https://agency.example/?q={payload}")
    story = Article.objects.create(
        title=f"Headline {payload}",
        kicker=payload[:60],
        standfirst=f"Standfirst {payload}",
        body=f"Body {payload}\n\n## Sub {payload}\n\n> Quote {payload}\n\n[link]({payload})",
        section=section,
        status=Article.Status.IN_REVIEW,
        created_by=journalist,
        lead_picture=ImageFactory(alt_text=f"Alt {payload}", caption=f"Caption {payload}", credit=f"Credit {payload}"),
    )
    Byline.objects.create(article=story, author=author, position=0)
    story.sources.set([source])
    story.tags.set([f"Tag {payload}"])
    revisions.record_revision(story, journalist)
    workflow.send_back(story, editor, note=f"Note {payload}")
    workflow.submit(story, journalist, note=f"Reply {payload}")
    workflow.publish(story, editor, note=f"Publish {payload}")
    story.refresh_from_db()
    # The body's pictures, gallery and embeds: library fields and addresses carry the payload too.
    picture = ImageFactory(alt_text=f"Alt {payload}", caption=f"Caption {payload}", credit=f"Credit {payload}")
    expired = ImageFactory(alt_text=f"Old {payload}", licence_expires=timezone.localdate() - timedelta(days=1))
    story.body = (
        f'Revised {payload}\n\n![](image:{picture.pk})\n\n![{payload}](image:{picture.pk} "{payload}")\n\n'
        f"![](image:{expired.pk})\n\n::: gallery\n![](image:{picture.pk})\n![{payload}](image:{picture.pk})\n"
        f"{payload}\n:::\n\nhttps://www.youtube.com/watch?v={payload}\n\nhttps://x.com/{payload}/status/1\n\n"
        f'https://www.youtube.com/watch?v=dQw4w9WgXcQ&x={payload}\n\n<p data-embed="{payload}">{payload}</p>\n\n'
        f'<figure data-picture="{picture.pk}" data-alt="{payload}" data-caption="{payload}"></figure>'
    )
    story.save()
    revisions.record_revision(story, editor)
    workflow.add_correction(story, editor, kind="correction", note=f"Correction {payload}")
    return Article.objects.get(pk=story.pk), payload


def test_public_pages_render_every_payload_inert(client, hostile):
    story, _ = hostile
    tag_slug = story.tags.get().slug
    pages = ["/", "/world/", story.get_absolute_url(), "/authors/", "/authors/hostile-writer/", f"/tags/{tag_slug}/",
             "/search/?q=headline", "/corrections/", "/archive/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert_html(url, response.content.decode())
    story_page = client.get(story.get_absolute_url()).content.decode()
    assert '<figure class="body-figure">' in story_page and 'class="gallery"' in story_page  # really tried
    feeds = ["/feeds/rss/", "/feeds/atom/", "/feeds/sections/world/rss/", "/feeds/authors/hostile-writer/atom/",
             f"/feeds/tags/{tag_slug}/rss/", "/sitemap.xml", "/sitemaps/stories.xml", "/sitemaps/tags.xml",
             "/sitemaps/authors.xml", "/news-sitemap.xml"]  # fmt: skip
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert_xml(url, response.content)


def test_admin_pages_render_every_payload_inert(client, hostile, editor, journalist):
    story, _ = hostile
    client.force_login(editor)
    pages = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{story.pk}/change/",
        f"/admin/articles/article/{story.pk}/revisions/?a=1&b=2",
        f"/admin/articles/article/{story.pk}/history/",
        f"/admin/articles/article/{story.pk}/preview/",
        "/admin/articles/storyinreview/",
        "/admin/articles/correction/",
        "/admin/articles/section/",
        "/admin/articles/source/",
        "/admin/authors/author/",
        "/admin/taggit/tag/",
        "/admin/media_library/image/",
        *(f"/admin/media_library/image/{pk}/change/" for pk in story.body_pictures.values_list("image_id", flat=True)),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert_admin(url, response.content.decode())
    # Messages echo story titles: they must be escaped too.
    response = client.post(
        "/admin/articles/article/", {"action": "feature_selected", "_selected_action": [story.pk]}, follow=True
    )
    assert_inert_admin("messages", response.content.decode())
    client.force_login(journalist)
    assert_inert_admin("journalist index", client.get("/admin/").content.decode())


def assert_inert_admin(url: str, html: str) -> None:
    """The admin's own scripts are files (and JSON data blocks); nothing inline may come from content."""
    inspector = Inspector()
    inspector.feed(html)
    problems = [problem for problem in inspector.problems if "application/json" not in problem]
    assert not problems, f"{url}: {problems}"
    assert EVALUATED not in html, f"{url}: template syntax from content was evaluated"


def test_template_syntax_in_content_is_shown_as_written(client, editor):
    payload = "{{ 'template-ran'|upper }} {% now 'Y' %}"
    section = Section.objects.create(name="World", slug="world")
    story = Article.objects.create(
        title=payload, body=payload, section=section, status="published", published_at=timezone.now(),
        created_by=get_user_model().objects.first(),
    )  # fmt: skip
    html = client.get(story.get_absolute_url()).content.decode()
    assert "{{ &#x27;template-ran&#x27;|upper }}" in html or "{{ 'template-ran'|upper }}" in html
    assert EVALUATED not in html
