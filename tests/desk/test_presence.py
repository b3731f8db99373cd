"""Presence: who else has a story open, in the shared cache; stale entries vanish; editors can take over."""

import json
import time

import pytest
from django.core.cache import cache

from articles.models import Article
from pagecache.generation import current_generation_id
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


def beat(client, story, opened_version=None):
    return client.post(
        f"/admin/desk/stories/{story.pk}/presence/",
        json.dumps({"opened_version": opened_version if opened_version is not None else story.version}),
        content_type="application/json",
    )


def test_each_person_sees_who_else_has_the_story_open(as_user, journalist, editor, own_draft):
    journalist_client, editor_client = as_user(journalist), as_user(editor)
    assert beat(journalist_client, own_draft).json()["editing"] == []
    answer = beat(editor_client, own_draft).json()
    assert [person["name"] for person in answer["editing"]] == ["David Wyatt"]
    assert answer["editing"][0]["since"]
    assert answer["can_take_over"] is True
    answer = beat(journalist_client, own_draft).json()
    assert [person["name"] for person in answer["editing"]] == ["Priya Raman"]
    assert answer["can_take_over"] is False


def test_presence_is_kept_in_the_shared_cache_not_in_process_memory(as_user, journalist, editor, own_draft):
    beat(as_user(journalist), own_draft)
    assert cache.get(f"desk:presence:{own_draft.pk}:{journalist.pk}")["name"] == "David Wyatt"


def test_stale_presence_disappears(as_user, journalist, editor, own_draft, settings):
    settings.DESK_PRESENCE_STALE_SECONDS = 1
    beat(as_user(journalist), own_draft)
    editor_client = as_user(editor)
    assert len(beat(editor_client, own_draft).json()["editing"]) == 1
    time.sleep(1.1)
    assert beat(editor_client, own_draft).json()["editing"] == []


def test_leaving_removes_presence_at_once(as_user, journalist, editor, own_draft):
    journalist_client = as_user(journalist)
    beat(journalist_client, own_draft)
    assert journalist_client.post(f"/admin/desk/stories/{own_draft.pk}/presence/leave/").status_code == 200
    assert beat(as_user(editor), own_draft).json()["editing"] == []


def test_only_people_who_may_change_the_story_take_part(
    client, as_user, journalist, other_journalist, others_draft, editor
):
    beat(as_user(other_journalist), others_draft)
    outsider = as_user(journalist)
    assert beat(outsider, others_draft).status_code == 403
    assert outsider.post(f"/admin/desk/stories/{others_draft.pk}/presence/leave/").status_code == 403
    assert beat(client, others_draft).status_code == 403
    assert beat(as_user(journalist, enforce_csrf=True), others_draft).status_code == 403
    # Nobody was recorded as editing it but its writer.
    assert [person["name"] for person in beat(as_user(editor), others_draft).json()["editing"]] == ["Lena Hoffmann"]


def test_journalists_cannot_take_over(as_user, journalist, own_draft):
    response = as_user(journalist).post(f"/admin/desk/stories/{own_draft.pk}/presence/take-over/")
    assert response.status_code == 403
    assert Article.objects.get(pk=own_draft.pk).version == own_draft.version


def test_after_an_editor_takes_over_the_others_next_save_conflicts(as_user, journalist, editor, own_draft):
    journalist_client = as_user(journalist)
    opened_at = own_draft.version
    beat(journalist_client, own_draft, opened_at)
    editor_client = as_user(editor)
    revisions_before = own_draft.revisions.count()
    response = editor_client.post(f"/admin/desk/stories/{own_draft.pk}/presence/take-over/")
    assert response.status_code == 200
    new_version = response.json()["version"]
    assert new_version == opened_at + 1
    assert own_draft.revisions.count() == revisions_before  # not a save: no revision

    stale = beat(journalist_client, own_draft, opened_at).json()["stale"]
    assert stale == {"by": "Priya Raman", "time": stale["time"], "take_over": True}
    assert beat(editor_client, own_draft, new_version).json()["stale"] is None

    refused = journalist_client.post(
        f"/admin/articles/article/{own_draft.pk}/change/", change_form_data(own_draft, opened_version=opened_at)
    )
    assert refused.status_code == 200 and "after you opened it" in refused.content.decode()
    saved = editor_client.post(
        f"/admin/articles/article/{own_draft.pk}/change/", change_form_data(own_draft, opened_version=new_version)
    )
    assert saved.status_code == 302


def test_taking_over_a_live_story_leaves_readers_pages_alone(as_user, editor, story):
    generation = current_generation_id()
    assert as_user(editor).post(f"/admin/desk/stories/{story.pk}/presence/take-over/").status_code == 200
    assert current_generation_id() == generation


def test_a_save_by_someone_else_is_reported_too(as_user, journalist, editor, own_draft):
    opened_at = own_draft.version
    own_draft.updated_by = editor
    own_draft.save()
    stale = beat(as_user(journalist), own_draft, opened_at).json()["stale"]
    assert stale["by"] == "Priya Raman" and stale["take_over"] is False
