"""The demo newsroom: the sample story as readers see it, and a loader that is safe to rerun."""

import html as html_lib
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Q

from articles.models import Article, Section, Source
from authors.models import Author
from media_library.models import Image

pytestmark = pytest.mark.django_db

SAMPLE_HEADLINE = (
    "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "articles": sorted(Article.objects.values_list("pk", "title", "updated_at", "status", "lead_picture")),
        "sections": Section.objects.count(),
        "authors": sorted(Author.objects.values_list("pk", "bio", "role", "user_id", "photo")),
        "sources": Source.objects.count(),
        "users": sorted(get_user_model().objects.values_list("pk", "password")),
    }


def test_demo_front_page_and_sample_story(client):
    load("--accounts")
    front = html_lib.unescape(client.get("/").content.decode())
    assert SAMPLE_HEADLINE in front

    sample = Article.objects.get(title=SAMPLE_HEADLINE)
    assert sample.section.slug == "world" and sample.is_published
    response = client.get(sample.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for subheading in ("What they talked about in Kyiv", "NATO membership", "Deep into the territory of Russia"):
        assert f"<h2>{subheading}</h2>" in page
    assert "“Our goal is Ukraine’s full membership in the Alliance" in page
    assert '<a href="/authors/david-wyatt/" rel="author">David Wyatt</a>' in page
    assert "I am David Wyatt, a professional writer and journalist for Buna Times." in page
    assert 'Source:\n        <a href="https://korrespondent.net/" rel="noopener">korrespondent</a>' in page
    # The bio and the attribution are not part of the story text itself.
    assert "I am David Wyatt" not in sample.body and "Source:" not in sample.body


def test_every_reader_page_has_content(client):
    load()
    for section in Section.objects.all():
        assert Article.objects.published().in_section(section).exists(), section
        assert client.get(section.get_absolute_url()).status_code == 200
    for author in Author.objects.all():
        assert Article.objects.published().by_author(author).exists(), author
    assert client.get("/tags/nato/").status_code == 200
    assert Article.objects.published().count() >= 13


def test_loading_twice_changes_nothing(db):
    first_output = load("--accounts")
    before = snapshot()
    second_output = load("--accounts")
    assert snapshot() == before
    assert "created story" in first_output
    assert "nothing to change" in second_output


def test_demo_accounts_are_printed_and_can_log_in(client):
    output = load("--accounts")
    assert "username: editor" in output and "username: journalist" in output
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "journalist", "password": "journalist-demo-password"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    journalist = get_user_model().objects.get(username="journalist")
    assert journalist.author.name == "David Wyatt"
    assert journalist.has_perm("articles.add_article")


def test_no_accounts_unless_asked_when_debug_is_off(settings):
    settings.DEBUG = False
    output = load()
    assert not get_user_model().objects.exists()
    assert "No demo logins created" in output


def media_files(settings) -> dict[str, float]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.stat().st_mtime for path in root.rglob("*") if path.is_file()}


def test_demo_stories_and_journalists_have_illustrations_with_renditions(client, committed):
    with committed():
        load()
    illustrated = Article.objects.filter(lead_picture__isnull=False).select_related("lead_picture")
    assert illustrated.count() >= 8
    assert illustrated.filter(title=SAMPLE_HEADLINE).exists()
    for article in illustrated:  # library pictures, with the credit and rights a newsroom needs
        picture = article.lead_picture
        assert re.fullmatch(r"Illustration: abstract \w+ [\w ]+", picture.alt_text), picture.alt_text
        assert (picture.credit, picture.copyright_holder, picture.licence) == (
            "Illustration: Buna Times",
            "Buna Times",
            "staff",
        )
        assert picture.width and picture.height
    # Every library picture knows its size, the body's figures and gallery too: one that does not is
    # opened from storage each time a page loads its row (Django's ImageField fills the size in then).
    assert not Image.objects.filter(Q(width__isnull=True) | Q(height__isnull=True)).exists()
    portrayed = Author.objects.filter(photo__isnull=False).select_related("photo")
    assert portrayed.count() >= 5
    assert all(author.photo.alt_text == f"Portrait of {author.name}" for author in portrayed)

    story = Article.objects.get(title=SAMPLE_HEADLINE)
    for url in ("/", story.get_absolute_url(), "/authors/", "/authors/david-wyatt/", "/world/"):
        page = client.get(url).content.decode()
        media = set(re.findall(r"/media/([^\s\",]+)", page))
        assert media, url
        missing = [name for name in media if not default_storage.exists(name)]
        assert not missing, (url, missing)
    assert 'fetchpriority="high"' in client.get("/").content.decode()


def test_loading_twice_writes_no_file(settings, committed):
    with committed():
        load()
    before = media_files(settings)
    assert any(name.startswith("renditions/") for name in before)
    with committed():
        load()
    assert media_files(settings) == before


def test_demo_illustrations_are_the_same_every_time():
    from articles.demo.illustrations import illustration

    assert illustration.__wrapped__("waves", "world", "A title") == illustration.__wrapped__(
        "waves", "world", "A title"
    )
    assert illustration("waves", "world", "A title") != illustration("waves", "world", "Another title")


def test_the_demo_shows_a_figure_a_gallery_and_a_youtube_embed_from_the_library(client):
    from articles.demo.library import EMBED_STORY, GALLERY_STORY
    from media_library.models import Image

    load()
    sample = client.get(Article.objects.get(title=SAMPLE_HEADLINE).get_absolute_url()).content.decode()
    assert '<figure class="body-figure"><picture>' in sample
    assert 'Kyiv, where Mark Rutte made his first visit as NATO Secretary General. <span class="credit">' in sample
    assert "Illustration: Buna Times</span></figcaption>" in sample

    gallery = client.get(Article.objects.get(title=GALLERY_STORY).get_absolute_url()).content.decode()
    assert 'aria-label="Gallery of 3 pictures"' in gallery

    response = client.get(Article.objects.get(title=EMBED_STORY).get_absolute_url())
    assert "Load content from YouTube — this sets cookies" in response.content.decode()
    assert "frame-src https://www.youtube-nocookie.com" in response["Content-Security-Policy"]

    # The pictures are library pictures, recorded as used (so they cannot be deleted while shown).
    assert Image.objects.filter(body_of__isnull=False).distinct().count() == 4
    before = Image.objects.count()
    load()
    assert Image.objects.count() == before
