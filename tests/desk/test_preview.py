"""The live preview endpoint: the readers' renderer and sanitizer, for staff only, CSRF-protected, rate-limited."""

import json

import pytest
from django.test import Client

from articles.rendering import render_markdown

pytestmark = pytest.mark.django_db

URL = "/admin/desk/preview/"


def post(client: Client, body, **extra):
    return client.post(URL, json.dumps({"body": body}), content_type="application/json", **extra)


def test_renders_exactly_what_readers_get(as_user, journalist):
    source = "Hello **world**\n\n## Next\n\n<script>alert(1)</script>[x](javascript:alert(1))"
    response = post(as_user(journalist), source)
    assert response.status_code == 200
    answer = response.json()
    assert answer["html"] == render_markdown(source)
    assert "<script" not in answer["html"] and "javascript:" not in answer["html"]
    assert "<h2>Next</h2>" in answer["html"]


def test_counts_words_characters_and_reading_time_as_the_reader_page_does(as_user, journalist):
    answer = post(as_user(journalist), " ".join(["word"] * 700)).json()
    assert answer["words"] == 700
    assert answer["characters"] == 700 * 5 - 1
    assert answer["reading_minutes"] == 3  # 700 words at the story page's 230 a minute


def test_anonymous_people_and_readers_without_staff_rights_are_refused(client, as_user, django_user_model):
    assert post(client, "x").status_code == 403
    reader = django_user_model.objects.create_user("reader", password="pw-not-used")
    assert post(as_user(reader), "x").status_code == 403


def test_a_forged_request_without_the_csrf_token_is_refused(as_user, journalist):
    client = as_user(journalist, enforce_csrf=True)
    assert post(client, "x").status_code == 403


def test_only_post(as_user, journalist):
    assert as_user(journalist).get(URL).status_code == 405


def test_bad_input_is_answered_with_a_reason(as_user, journalist):
    client = as_user(journalist)
    response = client.post(URL, "not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    assert post(client, 42).status_code == 400


def test_rate_limited_per_person_with_a_clear_message(as_user, journalist, editor, settings):
    settings.DESK_PREVIEW_LIMIT = 3
    client = as_user(journalist)
    assert [post(client, "x").status_code for _ in range(3)] == [200, 200, 200]
    refused = post(client, "x")
    assert refused.status_code == 429
    assert "Too many previews" in refused.json()["error"]
    assert post(as_user(editor), "x").status_code == 200  # someone else's budget is their own


def test_library_pictures_and_embeds_show_as_readers_get_them(as_user, journalist):
    from tests.factories import ImageFactory

    image = ImageFactory(caption="The fleet leaves.", credit="Jane Roe")
    html = post(as_user(journalist), f"![](image:{image.pk})\n\nhttps://youtu.be/dQw4w9WgXcQ").json()["html"]
    assert '<figure class="body-figure"><picture>' in html and '<span class="credit">Jane Roe</span>' in html
    assert "Load content from YouTube" in html and "<iframe" not in html


def test_galleries_show_as_readers_get_them_and_hidden_pictures_are_said(as_user, journalist):
    from articles.body_media import render_body
    from tests.factories import ImageFactory

    first, second = ImageFactory(), ImageFactory()
    source = f"::: gallery\n![](image:{first.pk})\n![](image:{second.pk})\n:::\n\n![](image:999999)"
    answer = post(as_user(journalist), source).json()
    assert answer["html"] == render_body(render_markdown(source)).html  # the readers' rendering, not a copy
    assert 'class="gallery"' in answer["html"] and answer["html"].count("<figure") == 2
    assert answer["warnings"] == [
        "The body names picture 999999, which is not in the library: readers see nothing there."
    ]
