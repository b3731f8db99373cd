"""Readers' pages show a story's lead picture from the media library (``Article.lead_picture``), falling
back to the story's own former upload while both exist."""

import datetime
import json
import re
from pathlib import PurePosixPath

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, ImageFactory, SectionFactory, image_file
from tests.helpers.pages import LIST_PAGES

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    """The story's ``NewsArticle`` (the page's first JSON-LD; its ``BreadcrumbList`` follows)."""
    news_article, _breadcrumbs = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL
    )
    return json.loads(news_article)


def stem(file) -> str:
    return PurePosixPath(file.name).stem


def test_story_page_shows_the_library_picture_with_its_caption_and_credit(client, world):
    picture = ImageFactory(alt_text="Boats in the harbour", caption="The fleet leaves.", credit="Jane Roe / Reuters")
    story = ArticleFactory(section=world, lead_picture=picture)

    html = client.get(story.get_absolute_url()).content.decode()

    assert stem(picture.file) in html
    assert 'alt="Boats in the harbour"' in html
    assert "The fleet leaves." in html and '<span class="credit">Jane Roe / Reuters</span>' in html


def test_story_json_ld_lists_the_library_pictures_crops(client, world):
    picture = ImageFactory(file=image_file(size=(320, 240)), caption="The fleet leaves.", credit="Jane Roe")
    story = ArticleFactory(section=world, lead_picture=picture)

    images = json_ld(client.get(story.get_absolute_url()).content.decode())["image"]

    assert images == picture.image_objects(lambda url: f"http://testserver{url}")
    assert [(i["width"] / i["height"]) for i in images] == pytest.approx([16 / 9, 4 / 3, 1], rel=0.02)
    assert images[0]["caption"] == "The fleet leaves." and images[0]["creditText"] == "Jane Roe"


def test_without_a_library_picture_the_story_has_no_lead_picture(client, world):
    story = ArticleFactory(section=world)

    html = client.get(story.get_absolute_url()).content.decode()

    assert story.lead is None and "<picture>" not in html


def test_a_picture_whose_licence_ran_out_is_shown_nowhere(client, world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    picture = ImageFactory(licence="licensed", licence_expires=yesterday)
    story = ArticleFactory(section=world, lead_picture=picture)

    for url in (story.get_absolute_url(), "/"):
        html = client.get(url).content.decode()
        assert stem(picture.file) not in html, url
    assert "image" not in json_ld(client.get(story.get_absolute_url()).content.decode())


def test_cards_show_library_pictures(client, world):
    picture = ImageFactory(alt_text="A card picture")
    ArticleFactory(section=world, lead_picture=picture)

    html = client.get("/").content.decode()

    assert stem(picture.file) in html and 'alt="A card picture"' in html


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_load_library_pictures_with_their_stories(client, world, author, url, django_assert_num_queries):
    SectionFactory(name="Business", slug="business")  # as in test_pages: the same page, the same count

    def add(count):
        for _ in range(count):
            ArticleFactory(section=world, authors=[author], tags=["NATO"], lead_picture=ImageFactory())

    add(3)
    with django_assert_num_queries(LIST_PAGES[url]):
        client.get(url)
    add(12)
    with django_assert_num_queries(LIST_PAGES[url]):
        client.get(url)
