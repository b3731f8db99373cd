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


def test_removing_the_lead_picture_leaves_the_story_without_one(client, editor, draft):
    draft.lead_picture = ImageFactory()
    draft.save()
    client.force_login(editor)

    response = client.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, lead_picture=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    removed = Article.objects.get(pk=draft.pk)
    assert removed.lead_picture is None and removed.lead is None


def test_revisions_record_the_lead_picture_and_restore_it(draft, editor):
    from articles import revisions

    first, second = ImageFactory(alt_text="The dam at dawn"), ImageFactory(alt_text="The dam at noon")
    draft.lead_picture = first
    draft.save()
    older = revisions.record_revision(draft, editor)
    draft.lead_picture = second
    draft.save()
    newer = revisions.record_revision(draft, editor)

    changes = {change.label: change for change in revisions.compare(older, newer)}
    assert changes["Lead picture"].before == f"The dam at dawn (picture {first.pk})"
    assert changes["Lead picture"].after == f"The dam at noon (picture {second.pk})"
    assert revisions.form_values(older)["lead_picture"] == first.pk

    revisions.restore(older, editor)
    assert Article.objects.get(pk=draft.pk).lead_picture == first


def test_a_revision_without_a_lead_picture_restores_none_and_a_deleted_one_is_skipped(draft, editor):
    from articles import revisions

    without = revisions.record_revision(draft, editor)
    gone = ImageFactory()
    draft.lead_picture = gone
    draft.save()
    with_gone = revisions.record_revision(draft, editor)
    draft.lead_picture = kept = ImageFactory()
    draft.save()
    revisions.record_revision(draft, editor)
    Article.objects.filter(pk=draft.pk).update(lead_picture=kept)
    gone.delete()  # nothing uses it any more

    revisions.restore(with_gone, editor)  # its picture is no longer in the library: the story keeps its own
    assert Article.objects.get(pk=draft.pk).lead_picture == kept
    revisions.restore(without, editor)
    assert Article.objects.get(pk=draft.pk).lead_picture is None
