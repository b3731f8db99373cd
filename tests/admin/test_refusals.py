"""Refusals a real user can meet say why in words, keep the typed text on screen and look like the admin;
forged requests are still refused as before."""

import re

import pytest
from django.test import Client, RequestFactory

from articles import workflow
from articles.models import Article
from newsroom.refusals import permission_denied
from tests.factories import ArticleFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db

TYPED_BODY = "A paragraph typed on deadline.\n\nAnd a second one, with <b>markup</b>."


def save_from_stale_tab(client, article: Article, opened_version: int):
    data = change_form_data(article, title="A new headline", body=TYPED_BODY, opened_version=opened_version)
    return client.post(f"/admin/articles/article/{article.pk}/change/", data)


def assert_kept_and_styled(page: str) -> None:
    """The typed text is on screen to copy, in the admin's look."""
    assert "Buna Times newsroom" in page  # the admin's header
    assert "js/copy-text.js" in page and 'data-copy="posted-' in page
    assert "A new headline</textarea>" in page
    # Escaped as text, line breaks and all.
    assert "A paragraph typed on deadline.\n\nAnd a second one, with &lt;b&gt;markup&lt;/b&gt;.</textarea>" in page


def test_saving_a_story_submitted_from_another_tab_says_who_and_when_and_keeps_the_text(client, journalist, draft):
    client.force_login(journalist)
    opened = draft.version
    workflow.submit(draft, journalist)  # in the other tab
    response = save_from_stale_tab(client, draft, opened)
    assert response.status_code == 403
    page = response.content.decode()
    assert re.search(
        r"You submitted this story for review at \d\d:\d\d; an editor must send it back \(or you can withdraw it "
        r"from review\) before you can change it\.",
        page,
    )
    assert_kept_and_styled(page)
    assert f'href="/admin/articles/article/{draft.pk}/change/"' in page  # open the story as it is now
    assert Article.objects.get(pk=draft.pk).body == "First version."


def test_saving_after_an_editor_published_names_the_editor(client, journalist, editor, draft):
    client.force_login(journalist)
    opened = draft.version
    workflow.submit(draft, journalist)
    workflow.publish(draft, editor)
    response = save_from_stale_tab(client, draft, opened)
    assert response.status_code == 403
    page = response.content.decode()
    assert re.search(r"Priya Raman published this story at \d\d:\d\d; only an editor can change it now\.", page)
    assert_kept_and_styled(page)


def test_opening_another_writers_draft_says_whose_it_is(client, journalist, other_journalist, world):
    theirs = ArticleFactory(
        title="Their scoop", section=world, created_by=other_journalist, authors=[other_journalist.author], draft=True
    )
    client.force_login(journalist)
    response = client.get(f"/admin/articles/article/{theirs.pk}/change/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "“Their scoop” is Lena Hoffmann’s story and is not published" in page
    assert "Perhaps it was deleted" not in page and "Their scoop</textarea>" not in page
    # And a save posted to it is refused with the same reason, keeping the text.
    response = client.post(f"/admin/articles/article/{theirs.pk}/change/", change_form_data(theirs, body=TYPED_BODY))
    assert response.status_code == 403
    assert "Lena Hoffmann’s story" in response.content.decode() and "deadline" in response.content.decode()
    assert Article.objects.get(pk=theirs.pk).body != TYPED_BODY


def test_a_missing_story_is_still_not_found(client, journalist):
    client.force_login(journalist)
    response = client.get("/admin/articles/article/999999/change/", follow=True)
    assert "doesn’t exist" in response.content.decode()


def test_a_workflow_button_on_a_stale_page_says_why_and_keeps_the_note(client, journalist, draft):
    client.force_login(journalist)
    workflow.submit(draft, journalist)
    response = client.get(f"/admin/articles/article/{draft.pk}/workflow/submit/")
    assert response.status_code == 403
    assert re.search(r"You submitted this story for review at \d\d:\d\d\.", response.content.decode())
    response = client.post(f"/admin/articles/article/{draft.pk}/workflow/submit/", {"note": "Filed from Kyiv."})
    assert response.status_code == 403
    assert "Filed from Kyiv.</textarea>" in response.content.decode()


def test_a_journalist_pressing_an_editors_button_is_told_why(client, journalist, draft):
    client.force_login(journalist)
    response = client.get(f"/admin/articles/article/{draft.pk}/workflow/publish/")
    assert response.status_code == 403 and "Only editors can do this." in response.content.decode()


def test_other_admin_refusals_are_styled_and_say_something(client, journalist):
    client.force_login(journalist)
    response = client.get("/admin/articles/storyinreview/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Buna Times newsroom" in page and "ask an editor" in page


def test_the_sites_own_403_page_is_styled_like_the_site(journalist):
    request = RequestFactory().get("/some-page/")
    request.user = journalist
    response = permission_denied(request, Exception(""))
    assert response.status_code == 403
    assert "You can’t open this page" in response.content.decode()


def test_forged_requests_are_still_refused_without_echoing_anything(journalist, draft):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(journalist)
    response = forger.post(f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, body=TYPED_BODY))
    assert response.status_code == 403
    page = response.content.decode()
    assert "the page you sent it from was out of date" in page and "deadline" not in page
    assert Article.objects.get(pk=draft.pk).body == "First version."
