"""Opening and saving a story stays a fixed number of queries, however many bylines, tags and revisions it has."""

import pytest
from taggit.utils import edit_string_for_tags

from articles.models import Article, Revision
from tests.factories import ArticleFactory, AuthorFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db

# The same ceilings for a story with one of each and one with 20 bylines, 30 tags and 200 revisions.
OPEN_QUERIES = 17  # session, user, permissions, the story with bylines, tags, sources, timeline, …, bell, comments
SAVE_QUERIES = 40  # the above, the edit-conflict lock, the save, tags, the revision, the log (savepoints count)


def big_story(world, *, bylines: int, tags: int, revisions: int) -> Article:
    story = ArticleFactory(
        section=world, authors=[AuthorFactory() for _ in range(bylines)], tags=[f"tag {n}" for n in range(tags)]
    )
    Revision.objects.bulk_create(
        Revision(article=story, number=n, content={"title": story.title}) for n in range(1, revisions + 1)
    )
    return story


def form_as_posted(story: Article) -> dict:
    """The change form as a browser posts it back: every byline row included, unchanged."""
    story.refresh_from_db()
    bylines = list(story.bylines.order_by("position"))
    data = change_form_data(
        story, title="A new headline", tags=edit_string_for_tags(story.tags.all()),
        **{"bylines-TOTAL_FORMS": str(len(bylines)), "bylines-INITIAL_FORMS": str(len(bylines))},
    )  # fmt: skip
    for n, byline in enumerate(bylines):
        data.update({
            f"bylines-{n}-id": byline.pk, f"bylines-{n}-article": story.pk,
            f"bylines-{n}-author": byline.author_id, f"bylines-{n}-position": byline.position,
        })  # fmt: skip
    return data


@pytest.mark.parametrize("size", [(1, 1, 1), (20, 30, 200)], ids=["small", "20 bylines, 30 tags, 200 revisions"])
def test_opening_and_saving_a_story_costs_the_same_whatever_its_size(
    client, editor, world, size, django_assert_max_num_queries
):
    bylines, tags, revisions = size
    story = big_story(world, bylines=bylines, tags=tags, revisions=revisions)
    client.force_login(editor)
    url = f"/admin/articles/article/{story.pk}/change/"
    client.get(url)  # the session and the caches warm
    with django_assert_max_num_queries(OPEN_QUERIES):
        page = client.get(url).content.decode()
    for byline in story.bylines.select_related("author"):
        assert f'<option value="{byline.author_id}" selected>{byline.author.name}</option>' in page
    data = form_as_posted(story)
    with django_assert_max_num_queries(SAVE_QUERIES):
        response = client.post(url, data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "A new headline" and story.bylines.count() == bylines and story.tags.count() == tags


def test_a_changed_byline_row_is_still_checked(client, editor, world):
    story = big_story(world, bylines=2, tags=0, revisions=0)
    client.force_login(editor)
    data = form_as_posted(story)
    data["bylines-1-author"] = "999999"
    response = client.post(f"/admin/articles/article/{story.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    other = AuthorFactory()
    data["bylines-1-author"], data["bylines-1-DELETE"] = other.pk, ""
    client.post(f"/admin/articles/article/{story.pk}/change/", data)
    assert other in Article.objects.get(pk=story.pk).authors.all()
