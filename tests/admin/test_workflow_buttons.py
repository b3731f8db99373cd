"""The story form's workflow buttons save the form first and then act, in one step; send back and unpublish
ask for their note in a dialog on the same page."""

import pytest

from articles import workflow
from articles.models import Article
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


def press(client, article: Article, action: str, **fields):
    """Press a workflow button of the story form, opened now (at the story's current version)."""
    article.refresh_from_db()
    data = change_form_data(article, title="Edited on the way", **fields)
    return client.post(f"/admin/articles/article/{article.pk}/change/", {**data, "_workflow": action}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_save_and_submit_saves_then_submits_in_one_step(client, journalist, draft):
    client.force_login(journalist)
    response = press(client, draft, "submit")
    assert response.redirect_chain == [(f"/admin/articles/article/{draft.pk}/change/", 302)]
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Edited on the way", "in_review")
    assert "Saved. Submitted for review." in messages_of(response)
    assert draft.revisions.count() == 1 and draft.transitions.get().action == "submit"


def test_save_and_publish_takes_the_editors_changes_live_at_once(client, journalist, editor, draft):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    response = press(client, draft, "publish")
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.is_published) == ("Edited on the way", "published", True)
    assert "Saved. Published: readers can see it now." in messages_of(response)


def test_send_back_and_unpublish_take_their_note_from_the_dialog(client, journalist, editor, draft):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    press(client, draft, "send_back", note="Add Zelensky's reply.")
    draft.refresh_from_db()
    assert draft.status == "sent_back" and draft.transitions.last().note == "Add Zelensky's reply."
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    draft.refresh_from_db()
    press(client, draft, "unpublish", note="Legal asked us to hold it.")
    draft.refresh_from_db()
    assert draft.status == "unpublished" and draft.transitions.last().note == "Legal asked us to hold it."


def test_without_the_note_the_text_is_saved_and_the_step_refused_with_the_reason(client, journalist, editor, draft):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    response = press(client, draft, "send_back", note="  ")
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Edited on the way", "in_review")
    (message,) = messages_of(response)
    assert "Your changes are saved; “Send back with a note” was refused: Say what needs to change" in message


def test_the_form_offers_one_step_buttons_a_dialog_for_notes_and_pages_for_the_rest(client, journalist, editor, draft):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert '<button type="submit" name="_workflow" value="publish" class="button">Save and publish now</button>' in page
    assert '<dialog id="workflow-dialog-send_back"' in page and "js/workflow-dialog.js" in page
    assert 'name="note" rows="5" cols="60" required disabled' in page  # never posted by a plain Save
    # Without the script, the dialog's link opens the action's own page.
    assert f'href="/admin/articles/article/{draft.pk}/workflow/send_back/" data-opens-dialog=' in page
    assert f'href="/admin/articles/article/{draft.pk}/workflow/schedule/">Schedule…</a>' in page


def test_a_read_only_story_acts_without_saving(client, journalist, draft):
    workflow.submit(draft, journalist)
    client.force_login(journalist)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    url = f"/admin/articles/article/{draft.pk}/workflow/withdraw/"
    assert f'formaction="{url}">Withdraw from review</button>' in page
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert Article.objects.get(pk=draft.pk).status == "draft"


def test_actions_that_need_more_than_a_note_still_open_their_page_after_saving(client, journalist, editor, draft):
    workflow.submit(draft, journalist)
    client.force_login(editor)
    response = press(client, draft, "schedule")
    assert response.redirect_chain[0][0] == f"/admin/articles/article/{draft.pk}/workflow/schedule/"
    assert Article.objects.get(pk=draft.pk).title == "Edited on the way"
