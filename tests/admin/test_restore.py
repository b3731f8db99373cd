"""Restoring a revision shows what will change and asks first; a draft is restored then, a published story's
revision is loaded into the form, unsaved, for an editor to publish with Save."""

import pytest

from articles import revisions, workflow
from articles.models import Article
from articles.workflow import WorkflowError
from tests.factories import image_file
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


def with_two_revisions(article: Article, editor) -> Article:
    """Revision 1 as it is, revision 2 with a rewritten headline and body."""
    revisions.record_revision(article, editor)
    article.title, article.body = "A headline that went wrong", "A rewrite that went wrong."
    article.save()
    revisions.record_revision(article, editor)
    return article


@pytest.fixture
def published(story, editor):
    return with_two_revisions(story, editor)


def test_restoring_a_draft_shows_the_difference_and_asks_first(client, draft, editor):
    with_two_revisions(draft, editor)
    client.force_login(editor)
    url = f"/admin/articles/article/{draft.pk}/revisions/1/restore/"
    page = client.get(url).content.decode()
    assert "<del>" in page and "<ins>" in page and 'value="Restore revision 1"' in page
    assert Article.objects.get(pk=draft.pk).body == "A rewrite that went wrong."  # asking changed nothing
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Rutte in Kyiv", "First version.")
    assert draft.revisions.first().note == "Restored from revision 1"


def test_the_revisions_page_links_to_the_question_rather_than_restoring(client, draft, editor):
    with_two_revisions(draft, editor)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{draft.pk}/revisions/").content.decode()
    assert f'href="/admin/articles/article/{draft.pk}/revisions/1/restore/"' in page
    assert 'method="post" action="/admin/articles/article/' not in page


def test_a_published_storys_revision_is_loaded_into_the_form_not_published(client, published, editor):
    client.force_login(editor)
    url = f"/admin/articles/article/{published.pk}/revisions/1/restore/"
    page = client.get(url).content.decode()
    assert "nothing changes for readers now" in page and 'value="Load revision 1 into the form"' in page
    response = client.post(url)
    assert response["Location"] == f"/admin/articles/article/{published.pk}/change/?restore=1"
    live = client.get(published.get_absolute_url()).content.decode()
    assert "A headline that went wrong" in live  # readers see no change yet

    form = client.get(response["Location"]).context["adminform"].form
    assert form["title"].value() == "Rutte visits Kyiv" and form["body"].value() == story_body()
    assert form["tags"].value() in ("NATO, Ukraine", "Ukraine, NATO")
    assert form["restored_from"].value() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Revision 1 is loaded below" in page and "not saved" in page


def story_body() -> str:
    return "First paragraph.\n\n## A subheading\n\nSecond paragraph."


def test_saving_the_loaded_revision_publishes_it_and_records_the_restore(client, published, editor):
    client.force_login(editor)
    data = change_form_data(published, title="Rutte visits Kyiv", body=story_body(), tags="NATO, Ukraine")
    response = client.post(f"/admin/articles/article/{published.pk}/change/?restore=1", {**data, "restored_from": 1})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Rutte visits Kyiv" and published.revised_at is not None
    assert published.revisions.first().note == "Restored from revision 1"
    assert "Rutte visits Kyiv" in client.get(published.get_absolute_url()).content.decode()


def test_restoring_a_published_story_directly_is_refused(published, editor):
    with pytest.raises(WorkflowError, match="load the revision into the form"):
        revisions.restore(published.revisions.get(number=1), editor)


def test_only_those_who_may_restore_get_a_revision_loaded(client, draft, journalist, editor):
    with_two_revisions(draft, editor)
    client.force_login(journalist)
    form = client.get(f"/admin/articles/article/{draft.pk}/change/?restore=1").context["adminform"].form
    assert form["title"].value() == "A headline that went wrong"
    assert client.get(f"/admin/articles/article/{draft.pk}/revisions/1/restore/").status_code == 403


def test_what_cannot_be_loaded_into_the_form_is_named(client, published, editor):
    published.social_image, published.social_image_alt = image_file(), "A red square"
    published.save()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{published.pk}/revisions/1/restore/").content.decode()
    assert "Not loaded into the form (set by hand if you need them): Social image." in page


def test_unpublished_stories_are_restored_directly(client, published, editor):
    workflow.unpublish(published, editor, reason="Legal")
    client.force_login(editor)
    assert client.post(f"/admin/articles/article/{published.pk}/revisions/1/restore/").status_code == 302
    assert Article.objects.get(pk=published.pk).title == "Rutte visits Kyiv"
