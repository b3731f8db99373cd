"""Autosave endpoints: one's own autosave of a story one may change, never anyone else's, and housekeeping."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from desk import autosaves
from desk.models import Autosave
from operations import tasks
from pagecache.generation import current_generation_id
from tests.factories import ArticleFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db

FIELDS = {"title": "Rutte visits Kyiv", "body": "Unsaved words.", "tags": "NATO", "front_page_slot": ""}


def url(story) -> str:
    return f"/admin/desk/stories/{story.pk}/autosave/"


def write(client, address, fields=FIELDS):
    return client.post(address, json.dumps({"fields": fields}), content_type="application/json")


def test_a_journalist_keeps_and_reads_back_their_own_autosave(as_user, journalist, own_draft):
    client = as_user(journalist)
    assert client.get(url(own_draft)).json() == {"autosave": None}
    response = write(client, url(own_draft))
    assert response.status_code == 200 and response.json()["time"]
    answer = client.get(url(own_draft)).json()["autosave"]
    assert answer["fields"] == FIELDS and answer["saved_since"] is None
    write(client, url(own_draft), {**FIELDS, "body": "More words."})
    assert Autosave.objects.get().fields["body"] == "More words."  # one per person and story


def test_autosaving_changes_nothing_of_the_story(as_user, editor, story, django_capture_on_commit_callbacks):
    before = Article.objects.get(pk=story.pk)
    generation = current_generation_id()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = write(as_user(editor), url(story))  # a live story: any change to it would move the page cache
    assert response.status_code == 200
    after = Article.objects.get(pk=story.pk)
    assert (after.version, after.updated_at, after.body) == (before.version, before.updated_at, before.body)
    assert after.revisions.count() == before.revisions.count()
    assert callbacks == []  # no search refresh, nothing queued
    assert current_generation_id() == generation  # readers' cached pages stay valid


def test_two_peoples_autosaves_never_mix(as_user, journalist, editor, own_draft):
    write(as_user(journalist), url(own_draft), {"body": "The journalist's words."})
    write(as_user(editor), url(own_draft), {"body": "The editor's words."})
    assert as_user(journalist).get(url(own_draft)).json()["autosave"]["fields"] == {"body": "The journalist's words."}
    assert as_user(editor).get(url(own_draft)).json()["autosave"]["fields"] == {"body": "The editor's words."}
    as_user(editor).delete(url(own_draft))
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["journalist"]


def test_nobody_reads_or_writes_autosaves_of_a_story_they_cannot_change(
    as_user, journalist, other_journalist, others_draft, world
):
    write(as_user(other_journalist), url(others_draft))
    client = as_user(journalist)
    assert client.get(url(others_draft)).status_code == 403
    assert write(client, url(others_draft)).status_code == 403
    assert client.delete(url(others_draft)).status_code == 403
    # Filed for review: the journalist may no longer change even their own story.
    filed = ArticleFactory(section=world, status=Article.Status.IN_REVIEW, published_at=None, created_by=journalist)
    assert write(client, url(filed)).status_code == 403
    assert client.get("/admin/desk/stories/999999/autosave/").status_code == 404
    assert Autosave.objects.filter(user=journalist).count() == 0
    assert Autosave.objects.get().fields == FIELDS  # the other person's is untouched


def test_anonymous_and_forged_requests_are_refused(client, as_user, journalist, own_draft):
    assert client.get(url(own_draft)).status_code == 403
    assert write(as_user(journalist, enforce_csrf=True), url(own_draft)).status_code == 403
    assert not Autosave.objects.exists()


def test_bad_input_is_refused_with_a_reason(as_user, journalist, own_draft):
    client = as_user(journalist)
    for fields in ("text", {"body": 1}, {"": "x"}, {f"f{n}": "x" for n in range(101)}):
        response = write(client, url(own_draft), fields)
        assert response.status_code == 400 and response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_real_save_supersedes_the_savers_autosave_only(as_user, journalist, editor, own_draft):
    write(as_user(journalist), url(own_draft))
    write(as_user(editor), url(own_draft))
    own_draft.updated_by = journalist
    own_draft.save()
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["editor"]
    # The editor's is still offered, saying the story was saved since.
    answer = as_user(editor).get(url(own_draft)).json()["autosave"]
    assert answer["saved_since"]["by"] == "David Wyatt"


def test_saving_in_the_admin_removes_the_autosave(as_user, journalist, own_draft):
    client = as_user(journalist)
    write(client, url(own_draft))
    response = client.post(f"/admin/articles/article/{own_draft.pk}/change/", change_form_data(own_draft))
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_new_story_autosaves_by_form_token(as_user, journalist, other_journalist):
    client = as_user(journalist)
    assert client.get("/admin/desk/new/autosave/").json() == {"autosave": None}
    assert write(client, "/admin/desk/new/tab-one-0123/autosave/", {"body": "first"}).status_code == 200
    assert write(client, "/admin/desk/new/tab-two-0123/autosave/", {"body": "second"}).status_code == 200
    latest = client.get("/admin/desk/new/autosave/").json()["autosave"]
    assert latest["fields"] == {"body": "second"} and latest["token"] == "tab-two-0123"
    # Someone else's new stories are theirs: the same token names another row, never this one.
    write(as_user(other_journalist), "/admin/desk/new/tab-two-0123/autosave/", {"body": "not yours"})
    assert client.get("/admin/desk/new/autosave/").json()["autosave"]["fields"] == {"body": "second"}
    client.delete("/admin/desk/new/tab-two-0123/autosave/")
    assert client.get("/admin/desk/new/autosave/").json()["autosave"]["fields"] == {"body": "first"}
    assert write(client, "/admin/desk/new/bad!token/autosave/").status_code == 400


def test_people_who_cannot_write_stories_keep_no_new_story_autosave(client, as_user, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="pw-not-used", is_staff=True)
    assert write(as_user(reader), "/admin/desk/new/tab-one-0123/autosave/").status_code == 403
    assert as_user(reader).get("/admin/desk/new/autosave/").status_code == 403


def test_housekeeping_forgets_old_autosaves(journalist, own_draft, settings):
    settings.DESK_AUTOSAVE_DAYS = 30
    old = autosaves.write(journalist, {"body": "old"}, token="old-form-0123")
    recent = autosaves.write(journalist, {"body": "recent"}, story=own_draft)
    Autosave.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    tasks.forget_old_autosaves.delay()
    assert list(Autosave.objects.values_list("pk", flat=True)) == [recent.pk]
