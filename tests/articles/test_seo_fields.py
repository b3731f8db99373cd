"""SEO and social fields: what search engines, social networks, feeds and JSON-LD are given, and the fallbacks."""

import xml.etree.ElementTree as ET

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, ImageFactory, image_file
from tests.helpers.forms import change_form_data
from tests.reader.test_structured_data import Head

pytestmark = pytest.mark.django_db


def head_of(client, article: Article) -> Head:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def shared(world):
    """A story with every SEO and social field set, and a lead image too."""
    return ArticleFactory(
        title="Rutte visits Kyiv as NATO weighs membership",
        standfirst="The standfirst readers see.",
        section=world,
        lead_picture=ImageFactory(file=image_file("lead.jpg", size=(80, 60)), alt_text="Rutte at the podium"),
        seo_title="Rutte in Kyiv: NATO membership closer",
        meta_description="What search engines show under the link.",
        social_image=image_file("card.jpg", size=(120, 63)),
        social_image_alt="Rutte and Zelensky shake hands",
    )


def test_story_page_uses_the_seo_title_description_and_social_image(client, shared):
    head = head_of(client, shared)
    assert head.title == "Rutte in Kyiv: NATO membership closer | Buna Times"
    assert head.meta("description") == "What search engines show under the link."
    assert head.meta("og:title") == head.meta("twitter:title") == "Rutte in Kyiv: NATO membership closer"
    assert head.meta("og:description") == head.meta("twitter:description") == shared.meta_description
    image_url = f"http://testserver{shared.social_image.url}"
    assert head.meta("og:image") == head.meta("twitter:image") == image_url
    assert head.meta("og:image:width") == "120" and head.meta("og:image:height") == "63"
    assert head.meta("og:image:alt") == head.meta("twitter:image:alt") == "Rutte and Zelensky shake hands"
    assert head.meta("twitter:card") == "summary_large_image"
    # The page itself still shows the headline and standfirst.
    page = client.get(shared.get_absolute_url()).content.decode()
    assert '<h1 class="story__title">Rutte visits Kyiv as NATO weighs membership</h1>' in page


def test_without_seo_fields_the_headline_standfirst_and_lead_image_are_used(client, world):
    story = ArticleFactory(
        title="Floods in Valencia", standfirst="The river rose.", section=world,
        lead_picture=ImageFactory(alt_text="A flooded street"),
    )  # fmt: skip
    head = head_of(client, story)
    assert head.title == "Floods in Valencia | Buna Times"
    assert head.meta("description") == head.meta("og:description") == "The river rose."
    assert head.meta("og:title") == "Floods in Valencia"
    assert head.meta("og:image") == f"http://testserver{story.lead_picture.file.url}"
    assert head.meta("og:image:alt") == "A flooded street"
    json_ld, _breadcrumbs = head.json_ld
    assert json_ld["headline"] == "Floods in Valencia" and "alternativeHeadline" not in json_ld
    assert json_ld["description"] == "The river rose."
    # The library picture's focal-point crops, which search engines pick from by shape.
    assert [image["url"] for image in json_ld["image"]] == [
        f"http://testserver{url}" for url in story.lead_picture.crop_urls()
    ]


def test_a_social_image_without_a_lead_image_makes_a_large_card(client, world):
    story = ArticleFactory(section=world, social_image=image_file(), social_image_alt="A map of the region")
    head = head_of(client, story)
    assert head.meta("twitter:card") == "summary_large_image"
    assert head.meta("twitter:image") == f"http://testserver{story.social_image.url}"


def test_json_ld_describes_the_story_with_its_seo_fields(client, shared):
    json_ld, _breadcrumbs = head_of(client, shared).json_ld
    assert json_ld["headline"] == "Rutte visits Kyiv as NATO weighs membership"
    assert json_ld["alternativeHeadline"] == "Rutte in Kyiv: NATO membership closer"
    assert json_ld["description"] == "What search engines show under the link."
    assert json_ld["image"] == [
        {"@type": "ImageObject", "url": f"http://testserver{shared.social_image.url}", "width": 120, "height": 63},
        *shared.lead_picture.image_objects(lambda path: f"http://testserver{path}"),
    ]


def test_feeds_enclose_the_social_image_else_the_lead_image(client, shared, world):
    ArticleFactory(section=world, lead_picture=ImageFactory(alt_text="A harbour"), title="Harbour")
    channel = ET.fromstring(client.get("/feeds/rss/").content).find("channel")
    enclosures = {item.findtext("title"): item.find("enclosure").get("url") for item in channel.findall("item")}
    assert enclosures[shared.title] == f"http://testserver{shared.social_image.url}"
    assert enclosures["Harbour"].endswith(".jpg") and "/media/media/" in enclosures["Harbour"]


def test_the_story_form_has_a_search_and_social_fieldset_with_previews(client, editor, shared):
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{shared.pk}/change/").content.decode()
    assert "Search and social" in page
    for name in ("seo_title", "meta_description", "social_image", "social_image_alt"):
        assert f'name="{name}"' in page
    assert 'id="search-preview"' in page and 'id="social-preview"' in page
    search_preview = page[page.index('id="search-preview"') :].split("</div>")[0]
    assert "Rutte in Kyiv: NATO membership closer" in search_preview
    assert "What search engines show under the link." in search_preview
    social_preview = page[page.index('id="social-preview"') :].split("</div>")[0]
    assert shared.social_image.url in social_preview and 'alt="Rutte and Zelensky shake hands"' in social_preview


def test_the_previews_fall_back_like_the_page_does(client, editor, story):
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    search_preview = page[page.index('id="search-preview"') :].split("</div>")[0]
    assert "Rutte visits Kyiv" in search_preview and "What happened, in one sentence." in search_preview
    assert story.get_absolute_url() in search_preview
    assert "No picture" in page[page.index('id="social-preview"') :].split("</div>")[0]
    assert 'id="search-preview"' in client.get("/admin/articles/article/add/").content.decode()


def test_seo_fields_are_saved_from_the_form_and_a_social_image_needs_alt_text(client, editor, story):
    client.force_login(editor)
    url = f"/admin/articles/article/{story.pk}/change/"
    data = change_form_data(story, title=story.title, seo_title="Short title", meta_description="For search.")
    response = client.post(url, {**data, "social_image": image_file()})
    assert response.status_code == 200
    assert "Describe the social image" in response.content.decode()
    response = client.post(url, {**data, "social_image": image_file(), "social_image_alt": "A red square"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.seo_title, story.meta_description, story.social_image_alt) == (
        "Short title", "For search.", "A red square",
    )  # fmt: skip
    assert story.social_image and story.social_image_width == 64
