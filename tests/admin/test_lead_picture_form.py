"""The story form chooses its lead picture from the media library (admin autocomplete on ``lead_picture``)."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ImageFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


def test_a_journalist_finds_library_pictures_by_their_words(client, journalist, draft):
    harbour = ImageFactory(alt_text="Boats in the harbour")
    ImageFactory(alt_text="A mountain road")
    client.force_login(journalist)

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "lead_picture", "term": "harbour"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(harbour.pk)]


def test_a_journalist_chooses_the_lead_picture_in_the_story_form(client, journalist, draft):
    picture = ImageFactory()
    client.force_login(journalist)

    form = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert 'name="lead_picture"' in form and "admin-autocomplete" in form

    response = client.post(
        f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, lead_picture=picture.pk)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=draft.pk).lead_picture == picture


def test_a_picture_whose_licence_ran_out_cannot_be_chosen(client, journalist, draft):
    picture = ImageFactory(licence="licensed", licence_expires=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(journalist)

    response = client.post(
        f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, lead_picture=picture.pk)
    )

    assert response.status_code == 200
    assert "The licence of this picture ran out" in str(response.context["adminform"].form.errors["lead_picture"])
    assert Article.objects.get(pk=draft.pk).lead_picture is None


def test_removing_a_migrated_storys_library_picture_does_not_bring_back_its_former_copy(client, editor, draft):
    from tests.factories import image_file

    draft.lead_image = image_file(size=(400, 300))
    draft.lead_image_alt = "The dam at dawn"
    draft.save()
    # As the migration left it: the library picture is the story's own file, which the story still names.
    picture = ImageFactory(file=draft.lead_image.name, alt_text="The dam at dawn")
    Article.objects.filter(pk=draft.pk).update(lead_picture=picture)
    draft.refresh_from_db()
    assert draft.lead.file.name == picture.file.name
    client.force_login(editor)

    response = client.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, lead_picture=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    removed = Article.objects.get(pk=draft.pk)
    assert removed.lead_picture is None and not removed.lead_image and removed.lead is None
