"""The editorial workflow: transitions and their record, the review queue, scheduling and embargoes,
edit conflicts, revisions, corrections and previews."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import previews, revisions, workflow
from articles.models import Article, PreviewLinkUse, Revision
from articles.workflow import WorkflowError
from tests.factories import ArticleFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


# --- Transitions --------------------------------------------------------------


def test_the_full_journey_is_recorded_with_who_when_from_to_and_note(draft, journalist, editor):
    workflow.submit(draft, journalist, note="Ready for a look")
    workflow.send_back(draft, editor, note="Add Zelensky's reply")
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    workflow.unpublish(draft, editor, reason="Legal asked us to hold it")
    steps = [(t.from_status, t.to_status, t.actor, t.note) for t in draft.transitions.all()]
    assert steps == [
        ("draft", "in_review", journalist, "Ready for a look"),
        ("in_review", "sent_back", editor, "Add Zelensky's reply"),
        ("sent_back", "in_review", journalist, ""),
        ("in_review", "published", editor, ""),
        ("published", "unpublished", editor, "Legal asked us to hold it"),
    ]
    assert all(t.at is not None for t in draft.transitions.all())


def test_send_back_and_unpublish_need_a_note(draft, journalist, editor):
    workflow.submit(draft, journalist)
    with pytest.raises(WorkflowError, match="note is required"):
        workflow.send_back(draft, editor, note="  ")
    workflow.publish(draft, editor)
    with pytest.raises(WorkflowError, match="reason"):
        workflow.unpublish(draft, editor, reason="")


def test_withdrawing_a_submission_makes_it_a_draft_again(draft, journalist):
    workflow.submit(draft, journalist)
    workflow.withdraw(draft, journalist)
    assert Article.objects.get(pk=draft.pk).status == "draft"


def test_unpublishing_takes_a_story_off_every_public_list(client, draft, journalist, editor):
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    url = Article.objects.get(pk=draft.pk).get_absolute_url()
    assert client.get(url).status_code == 200
    workflow.unpublish(draft, editor, reason="Withdrawn")
    assert client.get(url).status_code == 404
    assert "Rutte in Kyiv" not in client.get("/").content.decode()


def test_the_story_page_in_the_admin_shows_the_timeline_and_the_editors_note(client, draft, journalist, editor):
    workflow.submit(draft, journalist)
    workflow.send_back(draft, editor, note="Please <b>check</b> the quote")
    client.force_login(journalist)
    html = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert "State: <span" in html and "Sent back" in html
    assert "Please &lt;b&gt;check&lt;/b&gt; the quote" in html  # the note, escaped
    assert 'id="timeline-heading"' in html and "In review → Sent back" in html


def test_the_timeline_and_revisions_still_show_after_their_people_left(client, draft, journalist, editor):
    """Transitions, notes and revisions outlive the accounts that made them (their actor becomes empty)."""
    workflow.submit(draft, journalist)
    workflow.send_back(draft, editor, note="Needs a second source")
    draft.save()  # a revision by nobody in particular, as an import or a script makes
    client.force_login(get_user_model().objects.create_superuser("chief", "chief@example.com", "pw"))
    editor.delete()
    journalist.delete()
    change = client.get(f"/admin/articles/article/{draft.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert "Latest note from the desk" in html and "Needs a second source" in html
    assert "<strong>someone</strong>" in html
    assert client.get(f"/admin/articles/article/{draft.pk}/revisions/").status_code == 200


def test_journalists_see_where_their_stories_stand_with_the_latest_note(client, draft, journalist, editor):
    workflow.submit(draft, journalist)
    workflow.send_back(draft, editor, note="Needs a second source")
    client.force_login(journalist)
    html = client.get("/admin/articles/article/").content.decode()
    assert "Sent back" in html and "Needs a second source" in html
    index = client.get("/admin/").content.decode()
    assert "My unpublished stories" in index and "Rutte in Kyiv" in index


# --- Review queue -------------------------------------------------------------


def test_review_queue_lists_waiting_stories_oldest_first_with_writer_section_and_wait(
    client, journalist, editor, world, time_machine
):
    time_machine.move_to(timezone.now() - timedelta(hours=5), tick=False)
    older = ArticleFactory(title="Filed first", section=world, created_by=journalist, draft=True)
    workflow.submit(older, journalist)
    time_machine.move_to(timezone.now() + timedelta(hours=3), tick=False)
    newer = ArticleFactory(title="Filed second", section=world, created_by=journalist, draft=True)
    workflow.submit(newer, journalist)
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    ArticleFactory(title="Still a draft", section=world, created_by=journalist, draft=True)

    client.force_login(editor)
    response = client.get("/admin/articles/storyinreview/")
    assert list(response.context["cl"].result_list) == [older, newer]
    html = response.content.decode()
    assert "journalist" in html and "World" in html and "5\xa0hours" in html and "Still a draft" not in html
    index = client.get("/admin/").content.decode()
    assert "2 stories wait for review" in index


# --- Scheduling and embargo ---------------------------------------------------


def test_a_story_scheduled_a_minute_ahead_appears_on_time_with_no_job(client, draft, journalist, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    workflow.submit(draft, journalist)
    outcome = workflow.publish(draft, editor, at=timezone.now() + timedelta(minutes=1))
    assert outcome.message.startswith("Scheduled for")
    url = Article.objects.get(pk=draft.pk).get_absolute_url()
    assert client.get(url).status_code == 404
    assert "Rutte in Kyiv" not in client.get("/").content.decode()
    time_machine.shift(timedelta(minutes=1, seconds=1))
    assert client.get(url).status_code == 200
    assert "Rutte in Kyiv" in client.get("/").content.decode()


def test_an_embargo_hides_a_published_story_until_its_time(client, draft, journalist, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    draft.embargo_until = timezone.now() + timedelta(hours=2)
    draft.save()
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    story = Article.objects.get(pk=draft.pk)
    assert story.status == "published" and story.state_label == "Embargoed"
    assert story.published_at == story.embargo_until  # its real publication time
    assert not Article.objects.published().filter(pk=story.pk).exists()
    time_machine.shift(timedelta(hours=2))
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_only_an_editor_lifts_an_embargo_early(client, draft, journalist, editor):
    draft.embargo_until = timezone.now() + timedelta(days=1)
    draft.save()
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    with pytest.raises(WorkflowError):
        workflow.lift_embargo(draft, journalist)
    workflow.lift_embargo(draft, editor)
    story = Article.objects.get(pk=draft.pk)
    assert story.embargo_until is None and story.is_published
    assert client.get(story.get_absolute_url()).status_code == 200


def test_schedule_form_refuses_a_time_in_the_past(client, draft, journalist, editor):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{draft.pk}/workflow/schedule/",
        {"publish_at_0": "2020-01-01", "publish_at_1": "10:00:00"},
    )
    assert response.status_code == 200
    assert "Choose a time in the future" in response.content.decode()
    assert Article.objects.get(pk=draft.pk).status == "in_review"


# --- Edit conflicts -------------------------------------------------------------


def test_a_stale_save_is_refused_names_who_and_keeps_everything_typed(client, draft, journalist, editor):
    opened_by_journalist = change_form_data(draft, title="My headline", body="My long rewrite of the body.")
    client.force_login(editor)
    client.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, title="Editor's headline"))
    assert Article.objects.get(pk=draft.pk).title == "Editor's headline"

    client.force_login(journalist)
    response = client.post(f"/admin/articles/article/{draft.pk}/change/", opened_by_journalist)
    assert response.status_code == 200
    html = response.content.decode()
    assert "editor changed this story at" in html and "your changes were not saved" in html
    assert 'value="My headline"' in html and "My long rewrite of the body." in html  # nothing lost
    assert Article.objects.get(pk=draft.pk).title == "Editor's headline"  # no silent overwrite


def test_a_save_from_the_current_version_goes_through(client, draft, journalist):
    client.force_login(journalist)
    client.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, title="First"))
    fresh = Article.objects.get(pk=draft.pk)
    client.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(fresh, title="Second"))
    assert Article.objects.get(pk=draft.pk).title == "Second"


# --- Revisions ------------------------------------------------------------------


def test_every_admin_save_stores_a_revision_of_the_content(client, journalist, world):
    client.force_login(journalist)
    data = change_form_data(
        ArticleFactory.build(section=world), title="New story", slug="new-story", body="One.", tags="NATO"
    )
    data.pop("opened_version")
    client.post("/admin/articles/article/add/", data)
    article = Article.objects.get(slug="new-story")
    client.post(f"/admin/articles/article/{article.pk}/change/", change_form_data(article, body="Two.", tags="NATO"))
    history = list(article.revisions.order_by("number"))
    assert [r.content["body"] for r in history] == ["One.", "Two."]
    assert history[0].content["tags"] == ["NATO"] and history[0].content["authors"][0]["name"] == "David Wyatt"
    assert history[0].created_by == journalist


def test_a_journalists_new_story_carries_their_byline_by_default(client, journalist, world):
    client.force_login(journalist)
    data = change_form_data(ArticleFactory.build(section=world), title="Mine", slug="mine")
    data.pop("opened_version")
    client.post("/admin/articles/article/add/", data)
    article = Article.objects.get(slug="mine")
    assert article.byline_authors == [journalist.author] and article.created_by == journalist


def test_restoring_brings_back_an_old_body_as_a_new_revision(client, draft, editor):
    revisions.record_revision(draft, editor)
    draft.body = "A rewrite that went wrong."
    draft.save()
    revisions.record_revision(draft, editor)
    client.force_login(editor)
    client.post(f"/admin/articles/article/{draft.pk}/revisions/1/restore/")
    draft.refresh_from_db()
    assert draft.body == "First version."
    assert list(draft.revisions.order_by("number").values_list("number", "note")) == [
        (1, ""),
        (2, ""),
        (3, "Restored from revision 1"),
    ]
    assert Revision.objects.get(article=draft, number=2).content["body"] == "A rewrite that went wrong."  # kept


def test_revision_diff_is_readable_and_escaped(client, draft, editor):
    revisions.record_revision(draft, editor)
    draft.body = "First version. <script>alert(1)</script>"
    draft.save()
    revisions.record_revision(draft, editor)
    client.force_login(editor)
    html = client.get(f"/admin/articles/article/{draft.pk}/revisions/?a=1&b=2").content.decode()
    assert "<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "<script>alert(1)" not in html


# --- Corrections ----------------------------------------------------------------


def test_a_correction_shows_on_the_story_and_the_corrections_page(client, draft, journalist, editor):
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    workflow.add_correction(draft, editor, kind="correction", note="An earlier version misspelt Kyiv.")
    story = Article.objects.get(pk=draft.pk)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Corrections and updates" in page and "An earlier version misspelt Kyiv." in page
    assert "Updated <time" in page
    corrections = client.get("/corrections/").content.decode()
    assert "An earlier version misspelt Kyiv." in corrections and story.get_absolute_url() in corrections


def test_corrections_page_lists_newest_first_and_hides_unpublished_stories(client, world, editor):
    first = ArticleFactory(section=world)
    second = ArticleFactory(section=world)
    workflow.add_correction(first, editor, kind="clarification", note="Older note")
    workflow.add_correction(second, editor, kind="update", note="Newer note")
    workflow.unpublish(first, editor, reason="Withdrawn")
    html = client.get("/corrections/").content.decode()
    assert "Newer note" in html and "Older note" not in html


def test_corrections_are_only_for_live_stories(draft, editor):
    with pytest.raises(WorkflowError, match="Corrections are for stories readers can see"):
        workflow.add_correction(draft, editor, kind="correction", note="x")


# --- Previews -------------------------------------------------------------------


def test_staff_preview_shows_the_unpublished_story_with_a_banner_uncached_and_noindex(client, draft, journalist):
    client.force_login(journalist)
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not published" in html and "Rutte in Kyiv" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-cache" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


def test_a_journalist_cannot_preview_someone_elses_draft(client, draft, other_journalist):
    client.force_login(other_journalist)
    assert client.get(f"/admin/articles/article/{draft.pk}/preview/").status_code == 403


def _link_from_messages(response) -> str:
    return re.search(r"<code>https?://[^/]+(/preview/[^<]+)</code>", response.content.decode()).group(1)


def test_a_preview_link_shows_one_story_to_someone_without_an_account(client, draft, editor):
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{draft.pk}/workflow/preview_link/", {"label": "Lawyer", "hours": 48}, follow=True
    )
    path = _link_from_messages(response)
    client.logout()
    shown = client.get(path)
    assert shown.status_code == 200 and "Rutte in Kyiv" in shown.content.decode()
    assert "noindex" in shown["X-Robots-Tag"] and "no-cache" in shown["Cache-Control"]
    assert PreviewLinkUse.objects.filter(link__article=draft, allowed=True).count() == 1
    assert len(path.rsplit("/", 2)[-2]) >= 40  # unguessable token


def test_a_preview_link_expires_and_can_be_revoked(client, draft, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    link, token = previews.create_link(draft, editor, lifetime=timedelta(hours=48))
    assert client.get(f"/preview/{token}/").status_code == 200
    time_machine.shift(timedelta(hours=49))
    expired = client.get(f"/preview/{token}/")
    assert expired.status_code == 410 and "Rutte in Kyiv" not in expired.content.decode()

    link, token = previews.create_link(draft, editor)
    client.force_login(editor)
    client.post(f"/admin/articles/article/{draft.pk}/preview-links/{link.pk}/revoke/")
    client.logout()
    revoked = client.get(f"/preview/{token}/")
    assert revoked.status_code == 410 and "Rutte in Kyiv" not in revoked.content.decode()
    assert PreviewLinkUse.objects.filter(allowed=False).count() == 2


def test_unknown_preview_tokens_are_404(client, db):
    assert client.get("/preview/not-a-real-token/").status_code == 404
    assert client.get("/preview/" + "x" * 5000 + "/").status_code == 404


def test_preview_link_tokens_are_stored_only_as_hashes(draft, editor):
    link, token = previews.create_link(draft, editor)
    assert token not in link.token_hash and len(link.token_hash) == 64


def test_an_editor_racing_another_gets_the_reason_on_the_story_not_forbidden(client, draft, journalist, editor):
    """Two editors unpublish the same story: the second is told why, and nothing changes twice."""
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    workflow.unpublish(draft, editor, reason="First editor")
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{draft.pk}/workflow/unpublish/", {"note": "Second editor"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/articles/article/{draft.pk}/change/"
    assert "Only a published or scheduled story can be unpublished." in response.content.decode()
    assert draft.transitions.filter(action="unpublish").count() == 1


# --- One place for every state change (issue 20) -------------------------------


def test_the_system_actor_leaves_the_same_records_with_no_name(draft):
    outcome = workflow.publish(draft, workflow.SYSTEM, note="Published by a job")
    [step] = draft.transitions.all()
    assert (step.from_status, step.to_status, step.action, step.actor, step.note) == (
        "draft", "published", "publish", None, "Published by a job",
    )  # fmt: skip
    assert outcome.article.updated_by is None and outcome.article.is_published


def test_only_the_system_backdates_a_publication(draft, editor):
    earlier = timezone.now() - timedelta(days=2)
    with pytest.raises(WorkflowError):
        workflow.publish(draft, editor, at=earlier, backdated=True)
    outcome = workflow.publish(draft, workflow.SYSTEM, at=earlier, backdated=True)
    assert outcome.article.published_at == earlier
    # A person publishing "at" a past time publishes now, as before.
    again = ArticleFactory(draft=True)
    assert workflow.publish(again, editor, at=earlier).article.published_at > earlier


def test_the_demo_publishes_through_the_workflow(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    published = Article.objects.published()
    assert published.count() > 10
    for article in published:
        # Steps that change the story's state: a live story's timeline also has steps that leave it as it
        # was (its coverage closed), after its publication.
        steps = [(t.action, t.actor) for t in article.transitions.all() if t.from_status != t.to_status]
        assert steps[-1] == ("publish", None), article.title


def test_in_review_is_the_review_queue(draft, journalist, world):
    ArticleFactory(section=world)  # published
    assert list(Article.objects.in_review()) == []
    workflow.submit(draft, journalist)
    assert list(Article.objects.in_review()) == [draft]


def test_restoring_a_revision_asks_the_workflow_again(draft, journalist, editor):
    first = Revision.objects.create(article=draft, number=1, content={"title": "Old", "body": "Old body"})
    with pytest.raises(WorkflowError):
        revisions.restore(first, journalist)
    revisions.restore(first, editor)
    draft.refresh_from_db()
    assert draft.body == "Old body"


def test_cleaning_a_story_never_sets_its_publication_time(world):
    article = Article(title="Held", body="Text", section=world, status=Article.Status.PUBLISHED)
    article.clean()
    assert article.published_at is None


def test_bulk_actions_are_those_the_workflow_allows(rf, journalist, editor):
    from django.contrib import admin

    model_admin = admin.site._registry[Article]
    offered = {}
    for user in (journalist, editor):
        request = rf.get("/admin/articles/article/")
        request.user = user
        offered[user.username] = set(model_admin.get_actions(request))
    assert offered["journalist"] >= {"submit_selected"}
    assert not offered["journalist"] & {"publish_selected", "feature_selected", "unfeature_selected"}
    assert offered["editor"] >= {"submit_selected", "publish_selected", "feature_selected", "unfeature_selected"}


def test_preview_link_openings_log_the_trusted_client_address_as_the_lockout_does(client, draft, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _, token = previews.create_link(draft, editor)
    client.get(f"/preview/{token}/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.2")
    assert PreviewLinkUse.objects.get().ip_address == "198.51.100.7"


def test_editors_pin_stories_to_the_front_page_from_the_story_and_the_list(editor_client, editor, world):
    story, first, second = ArticleFactory.create_batch(3, section=world)
    ArticleFactory(section=world, front_page_slot=1)  # the lead's slot is taken

    editor_client.post(f"/admin/articles/article/{story.pk}/workflow/feature/", {"slot": "1"})  # the story's button
    assert Article.objects.get(pk=story.pk).front_page_slot == 1
    editor_client.post(f"/admin/articles/article/{story.pk}/workflow/feature/", {"slot": ""})
    assert Article.objects.get(pk=story.pk).front_page_slot is None
    assert editor_client.post(f"/admin/articles/article/{story.pk}/workflow/feature/", {"slot": "x"}).status_code == 403

    # The bulk action puts each story in the first free slot.
    editor_client.post(
        "/admin/articles/article/", {"action": "feature_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert sorted(Article.objects.filter(pk__in=[first.pk, second.pk]).values_list("front_page_slot", flat=True)) == [
        2,
        3,
    ]
    with pytest.raises(WorkflowError):
        workflow.pin_to_front_page(first, editor, slot=10)
