"""Story slugs: a clash gets -2, -3 instead of an error; a published story's address is fixed, and an
editor's explicit change of it leaves a permanent redirect from the old one."""

import pytest

from articles import workflow
from articles.models import Article, FormerSlug
from articles.workflow import WorkflowError
from tests.factories import ArticleFactory
from tests.helpers.forms import change_form_data, story_form

pytestmark = pytest.mark.django_db


def add_story(client, world, author, **fields) -> Article:
    response = client.post("/admin/articles/article/add/", story_form(world, author, **fields))
    assert response.status_code == 302, response.content.decode()
    return Article.objects.order_by("-pk").first()


def test_a_headline_clashing_with_another_story_gets_2_then_3(client, journalist, world):
    client.force_login(journalist)
    ArticleFactory(title="Floods in Valencia", slug="floods-in-valencia", section=world)
    second = add_story(client, world, journalist.author, title="Floods in Valencia", slug="floods-in-valencia")
    third = add_story(client, world, journalist.author, title="Floods in Valencia", slug="floods-in-valencia")
    assert (second.slug, third.slug) == ("floods-in-valencia-2", "floods-in-valencia-3")


def test_an_empty_slug_is_made_from_the_headline(client, journalist, world):
    client.force_login(journalist)
    ArticleFactory(title="Storm", slug="storm-warning", section=world)
    story = add_story(client, world, journalist.author, title="Storm warning", slug="")
    assert story.slug == "storm-warning-2"


def test_a_draft_keeps_its_own_slug_and_may_change_it_to_a_free_one(client, journalist, world):
    client.force_login(journalist)
    draft = ArticleFactory(slug="rutte-kyiv", section=world, created_by=journalist, draft=True)
    ArticleFactory(slug="taken", section=world)
    url = f"/admin/articles/article/{draft.pk}/change/"
    assert client.post(url, change_form_data(draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.slug == "rutte-kyiv"
    assert client.post(url, change_form_data(draft, slug="taken")).status_code == 302
    draft.refresh_from_db()
    assert draft.slug == "taken-2"


def test_a_new_story_never_takes_another_storys_former_address(client, journalist, world, story, editor):
    workflow.change_address(story, editor, slug="rutte-in-kyiv")
    client.force_login(journalist)
    assert add_story(client, world, journalist.author, title="Rutte visits Kyiv", slug="").slug == "rutte-visits-kyiv-2"


def test_a_published_storys_slug_is_read_only_and_a_posted_one_is_ignored(client, editor, story):
    client.force_login(editor)
    url = f"/admin/articles/article/{story.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="slug"' not in page and "rutte-visits-kyiv" in page
    assert "Change the address…" in page
    assert client.post(url, change_form_data(story, slug="something-else")).status_code == 302
    story.refresh_from_db()
    assert story.slug == "rutte-visits-kyiv"


def test_an_editor_changes_the_address_and_the_old_one_redirects_for_good(client, editor, story):
    old_url = story.get_absolute_url()
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{story.pk}/workflow/change_address/", {"slug": "rutte-in-kyiv"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.slug == "rutte-in-kyiv"
    assert FormerSlug.objects.get(slug="rutte-visits-kyiv").replaced_by == editor
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_changing_back_to_a_former_slug_makes_it_the_address_again(editor, story):
    workflow.change_address(story, editor, slug="rutte-in-kyiv")
    workflow.change_address(story, editor, slug="rutte-visits-kyiv")
    assert list(story.former_slugs.values_list("slug", flat=True)) == ["rutte-in-kyiv"]


def test_an_address_taken_by_another_story_is_refused_with_a_reason(editor, story, world):
    ArticleFactory(slug="taken", section=world)
    with pytest.raises(WorkflowError, match="Another story has, or had, the address"):
        workflow.change_address(story, editor, slug="taken")


def test_only_editors_change_a_published_address_and_only_of_a_published_story(journalist, editor, story, world):
    with pytest.raises(WorkflowError, match="Only editors"):
        workflow.change_address(story, journalist, slug="mine")
    draft = ArticleFactory(section=world, draft=True)
    with pytest.raises(WorkflowError, match="change its slug in the story form"):
        workflow.change_address(draft, editor, slug="new")


def test_the_former_address_of_an_unpublished_story_is_not_found(client, editor, story):
    old_url = story.get_absolute_url()
    workflow.change_address(story, editor, slug="rutte-in-kyiv")
    workflow.unpublish(story, editor, reason="Legal")
    assert client.get(old_url).status_code == 404
