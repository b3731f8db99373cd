"""The chooser the story form will open: JSON search and an HTML fragment, for journalists and editors."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from media_library import chooser
from media_library.models import Licence
from tests.factories import ImageFactory, staff_user

pytestmark = pytest.mark.django_db

SEARCH = "admin:media_library_image_chooser_search"
FRAGMENT = "admin:media_library_image_chooser"


@pytest.fixture(params=["journalist", "editor"])
def newsroom_client(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


def test_search_returns_matching_pictures_newest_first(newsroom_client):
    older = ImageFactory(alt_text="Harbour at dawn", credit="Staff")
    newer = ImageFactory(alt_text="Boats", tags=["Harbour"], credit="Agency")
    ImageFactory(alt_text="Parliament")
    body = newsroom_client.get(reverse(SEARCH), {"q": "harbour"}).json()
    assert [found["id"] for found in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == chooser.describe(newer)
    assert body["results"][0]["thumbnail"].endswith("/64w.jpg")  # the factory's picture is 64 px wide
    assert (body["query"], body["page"], body["next_page"]) == ("harbour", 1, None)


def test_pictures_whose_licence_expired_are_not_offered(newsroom_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ImageFactory(alt_text="Lapsed", licence=Licence.LICENSED, licence_expires=yesterday)
    usable = ImageFactory(alt_text="Fine")
    body = newsroom_client.get(reverse(SEARCH)).json()
    assert [found["id"] for found in body["results"]] == [usable.pk]
    assert "Lapsed" not in newsroom_client.get(reverse(FRAGMENT)).content.decode()


def test_results_come_a_page_at_a_time_in_a_fixed_number_of_queries(client, journalist, django_assert_num_queries):
    client.force_login(journalist)
    for number in range(chooser.PAGE_SIZE + 2):
        ImageFactory(alt_text=f"Picture {number}")
    client.get(reverse(SEARCH))  # the session and user, once
    with django_assert_num_queries(6):  # session, user, their two permission lists, count, page
        first = client.get(reverse(SEARCH)).json()
    second = client.get(reverse(SEARCH), {"page": 2}).json()
    assert (len(first["results"]), first["next_page"]) == (chooser.PAGE_SIZE, 2)
    assert (len(second["results"]), second["next_page"]) == (2, None)


def test_the_fragment_lists_pictures_as_buttons_with_their_ids(newsroom_client):
    image = ImageFactory(alt_text="A <b>bold</b> claim", credit="Staff")
    response = newsroom_client.get(reverse(FRAGMENT), {"q": "claim"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-image-id="{image.pk}"' in page
    assert "A &lt;b&gt;bold&lt;/b&gt; claim" in page and "<b>bold</b>" not in page
    assert image.thumbnail_url() in page
    assert "<html" not in page  # a fragment for a dialog, not a page


def test_the_fragment_says_when_nothing_matches(newsroom_client):
    page = newsroom_client.get(reverse(FRAGMENT), {"q": "nothing"}).content.decode()
    assert "No picture matches “nothing”" in page


def test_the_chooser_is_for_people_with_the_library_view_permission(client):
    client.force_login(staff_user("visitor", None))
    assert client.get(reverse(SEARCH)).status_code == 403
    assert client.get(reverse(FRAGMENT)).status_code == 403


def test_the_chooser_is_not_for_readers(client):
    response = client.get(reverse(SEARCH))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_fragment_links_the_next_page_by_its_full_address(client, journalist):
    client.force_login(journalist)
    for number in range(chooser.PAGE_SIZE + 1):
        ImageFactory(alt_text=f"Harbour {number}")
    page = client.get(reverse(FRAGMENT), {"q": "harbour"}).content.decode()
    # The fragment is shown inside the story form: a relative link would point at the story.
    assert f'href="{reverse(FRAGMENT)}?q=harbour&amp;page=2"' in page


def test_the_fragment_offers_an_upload_form_to_those_who_may_add_pictures(newsroom_client):
    page = newsroom_client.get(reverse(FRAGMENT)).content.decode()
    # It posts to the batch upload's endpoint, with the fields it needs and the token it checks.
    assert f'action="{reverse("admin:media_library_image_upload_file")}"' in page
    for name in ("file", "alt_text", "caption", "credit", "licence", "csrfmiddlewaretoken"):
        assert f'name="{name}"' in page
    assert f'href="{reverse("admin:media_library_image_upload")}" target="_blank"' in page


def test_the_fragment_offers_no_upload_form_to_those_who_may_only_choose(client):
    viewer = staff_user("chooser", None)
    viewer.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(viewer)
    response = client.get(reverse(FRAGMENT))
    assert response.status_code == 200
    assert "media-chooser-upload" not in response.content.decode()
