"""The back office and the pictures in stories' bodies: a picture's page lists the stories using it,
a picture in use cannot be deleted, and stories showing a picture readers no longer see are flagged."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from media_library.models import Image
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(db):
    """A library picture whose licence ran out yesterday."""
    return ImageFactory(alt_text="Lapsed harbour", licence_expires=timezone.localdate() - datetime.timedelta(days=1))


def test_a_pictures_page_lists_the_stories_using_it_as_lead_and_in_the_body(editor_client, world):
    image = ImageFactory()
    lead = ArticleFactory(section=world, title="Lead story", lead_picture=image)
    body = ArticleFactory(section=world, title="Body story", body=f"![](image:{image.pk})")
    ArticleFactory(section=world, title="Unrelated story")

    page = editor_client.get(f"/admin/media_library/image/{image.pk}/change/").content.decode()

    assert f'<a href="/admin/articles/article/{lead.pk}/change/">Lead story</a> (lead picture)' in page
    assert f'<a href="/admin/articles/article/{body.pk}/change/">Body story</a> (in the body)' in page
    assert "Unrelated story" not in page


def test_an_unused_pictures_page_says_so(editor_client):
    image = ImageFactory()
    assert (
        "no story or author uses this picture"
        in editor_client.get(f"/admin/media_library/image/{image.pk}/change/").content.decode()
    )


def test_a_picture_in_a_body_cannot_be_deleted_and_the_admin_says_which_story_holds_it(editor_client, world):
    image = ImageFactory()
    ArticleFactory(section=world, title="Harbour story", body=f"Text.\n\n![](image:{image.pk})")

    response = editor_client.post(f"/admin/media_library/image/{image.pk}/delete/", {"post": "yes"}, follow=True)
    message = str(next(iter(response.context["messages"])))
    assert "cannot be deleted: it is in use" in message and "Harbour story</a> (in the body)" in message
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ProtectedError):  # and not by the admin alone
        image.delete()


def test_once_no_body_uses_it_the_picture_can_be_deleted(editor_client, world):
    image = ImageFactory()
    story = ArticleFactory(section=world, body=f"![](image:{image.pk})")
    story.body = "The picture is gone."
    story.save()

    editor_client.post(f"/admin/media_library/image/{image.pk}/delete/", {"post": "yes"})
    assert not Image.objects.filter(pk=image.pk).exists()


def test_the_story_list_flags_and_filters_stories_showing_an_expired_picture(editor_client, world, expired):
    ArticleFactory(section=world, title="Expired in the body", body=f"![](image:{expired.pk})")
    ArticleFactory(section=world, title="Expired as lead", lead_picture=expired)
    ArticleFactory(section=world, title="Fine story", body=f"![](image:{ImageFactory().pk})")

    page = editor_client.get("/admin/articles/article/").content.decode()
    assert page.count("⚠ Picture licence expired") == 2

    filtered = editor_client.get("/admin/articles/article/?pictures=expired").content.decode()
    assert "Expired in the body" in filtered and "Expired as lead" in filtered and "Fine story" not in filtered


def test_the_story_form_warns_of_body_pictures_readers_do_not_see(editor_client, world, expired):
    story = ArticleFactory(section=world, body=f"![](image:{expired.pk})\n\n![](image:999999)")

    page = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()

    assert f"The picture “Lapsed harbour” (image:{expired.pk}) in the body has a licence that ran out" in page
    assert "The body names picture 999999, which is not in the library" in page


def test_a_journalist_is_not_shown_the_headline_of_anothers_draft_using_the_picture(client, world, journalist):
    image = ImageFactory()
    ArticleFactory(section=world, title="Someone else's secret draft", body=f"![](image:{image.pk})", draft=True)
    ArticleFactory(section=world, title="A published story", lead_picture=image)
    client.force_login(journalist)

    page = client.get(f"/admin/media_library/image/{image.pk}/change/").content.decode()

    assert "A published story" in page and "secret draft" not in page
    assert "<li>1 more you cannot open</li>" in page
