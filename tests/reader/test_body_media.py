"""The story page with pictures, galleries and embeds in its body: what readers get, the
Content-Security-Policy with and without embeds, the queries, and the structured data."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import ArticleFactory, ImageFactory, image_file

pytestmark = pytest.mark.django_db

# The reader pages' policy as it was before embeds existed: a page without embeds must keep it exactly.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def json_ld(html: str) -> dict:
    """The story's ``NewsArticle`` (the page's first JSON-LD; its ``BreadcrumbList`` follows)."""
    news_article, _breadcrumbs = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL
    )
    return json.loads(news_article)


def test_readers_see_the_figure_the_gallery_and_the_embed(client, world):
    figure = ImageFactory(alt_text="Boats in the harbour", caption="The fleet leaves.", credit="Jane Roe / Reuters")
    first, second = ImageFactory.create_batch(2)
    gallery = f"::: gallery\n![](image:{first.pk})\n![](image:{second.pk})\n:::"
    body = f"Intro.\n\n![](image:{figure.pk})\n\n{gallery}\n\n{YOUTUBE}"
    story = ArticleFactory(section=world, body=body)

    html = client.get(story.get_absolute_url()).content.decode()

    assert 'alt="Boats in the harbour"' in html
    assert 'The fleet leaves. <span class="credit">Jane Roe / Reuters</span>' in html
    assert 'aria-label="Gallery of 2 pictures"' in html
    assert "Load content from YouTube — this sets cookies" in html and "<iframe" not in html
    assert '<script src="/static/js/embeds.js" defer></script>' in html


def test_the_embed_script_is_only_on_pages_with_embeds_and_is_a_plain_file(client, world):
    story = ArticleFactory(section=world, body="No embeds.")
    assert "embeds.js" not in client.get(story.get_absolute_url()).content.decode()
    script = (Path(settings.BASE_DIR) / "static/js/embeds.js").read_text()
    assert "import " not in script and "dataset.embedSrc" in script and 'startsWith("https://")' in script


@pytest.mark.parametrize("attempt", [1, 2], ids=["rendered", "from the page cache"])
def test_a_page_without_embeds_keeps_the_policy_unchanged(client, world, attempt):
    story = ArticleFactory(section=world, body=f"A link: https://example.org/\n\n{YOUTUBE} in a sentence.")
    for _ in range(attempt):
        response = client.get(story.get_absolute_url())
    assert response["Content-Security-Policy"] == POLICY
    assert "frame-src" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("attempt", [1, 2], ids=["rendered", "from the page cache"])
def test_a_page_with_embeds_allows_exactly_its_providers_frames(client, world, attempt):
    body = f"{YOUTUBE}\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871\n\nhttps://example.org/x"
    story = ArticleFactory(section=world, body=body)
    for _ in range(attempt):
        response = client.get(story.get_absolute_url())
    if attempt == 2:
        assert response["X-Cache"] == "HIT"
    assert response["Content-Security-Policy"] == (
        POLICY + "; frame-src https://player.vimeo.com https://www.youtube-nocookie.com"
    )


def test_other_pages_keep_the_policy_when_a_story_has_embeds(client, world):
    ArticleFactory(section=world, body=YOUTUBE)
    assert client.get("/")["Content-Security-Policy"] == POLICY
    assert client.get("/world/")["Content-Security-Policy"] == POLICY


@pytest.mark.parametrize("figures", [1, 20])
def test_the_story_page_costs_the_same_queries_for_1_or_20_figures(
    client, world, author, figures, django_assert_num_queries
):
    images = ImageFactory.create_batch(figures)
    body = "\n\n".join(f"Paragraph {n}.\n\n![](image:{image.pk})" for n, image in enumerate(images))
    body += "\n\n::: gallery\n" + "\n".join(f"![](image:{image.pk})" for image in images) + "\n:::"
    story = ArticleFactory(section=world, authors=[author], body=body)

    # The page's queries for a story without tags (5, see the next test): the body's pictures are stored
    # with the story (Article.page_parts).
    with django_assert_num_queries(5):
        html = client.get(story.get_absolute_url()).content.decode()
    assert html.count('<figure class="body-figure">') == 2 * figures


def test_a_body_without_pictures_adds_no_query(client, world, author, django_assert_num_queries):
    story = ArticleFactory(section=world, authors=[author], body=f"Text.\n\n{YOUTUBE}")
    # As before figures existed, with the footer's pages (tests/reader/test_pages.py has 7 with tags).
    with django_assert_num_queries(5):
        client.get(story.get_absolute_url())


def test_deleted_and_expired_pictures_leave_nothing_on_the_page(client, world):
    expired = ImageFactory(
        alt_text="Expired picture", licence_expires=timezone.localdate() - datetime.timedelta(days=1)
    )
    story = ArticleFactory(section=world, body=f"Before.\n\n![](image:{expired.pk})\n\n![](image:999999)\n\nAfter.")

    html = client.get(story.get_absolute_url()).content.decode()

    assert "Expired picture" not in html and "body-figure" not in html
    assert f"image:{expired.pk}" not in html and "image:999999" not in html
    assert "Before." in html and "After." in html


def test_the_json_ld_lists_the_body_pictures_and_youtube_and_vimeo_videos(client, world):
    lead = ImageFactory(file=image_file(size=(320, 240)))
    in_body = ImageFactory(file=image_file(size=(320, 240)), caption="In the body", credit="Staff")
    body = f"![](image:{in_body.pk})\n\n![](image:{lead.pk})\n\n{YOUTUBE}\n\nhttps://vimeo.com/76979871\n\nhttps://x.com/nasa/status/1"
    story = ArticleFactory(section=world, lead_picture=lead, body=body)

    data = json_ld(client.get(story.get_absolute_url()).content.decode())

    absolute = lambda url: f"http://testserver{url}"  # noqa: E731
    assert data["image"] == lead.image_objects(absolute) + in_body.image_objects(absolute)  # the lead once
    assert data["video"] == [
        {
            "@type": "VideoObject",
            "name": "Video on YouTube",
            "url": YOUTUBE,
            "embedUrl": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "thumbnailUrl": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        },
        {
            "@type": "VideoObject",
            "name": "Video on Vimeo",
            "url": "https://vimeo.com/76979871",
            "embedUrl": "https://player.vimeo.com/video/76979871?dnt=1",
        },
    ]
