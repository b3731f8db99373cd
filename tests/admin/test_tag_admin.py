"""Finding 3 (merging tags) and the tag list part of finding 4."""

import pytest
from taggit.models import Tag, TaggedItem

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def merge(client, tags, keep=None):
    data = {"action": "merge_selected", "_selected_action": [tag.pk for tag in tags]}
    if keep is not None:
        data |= {"apply": "1", "keep": keep.pk}
    return client.post("/admin/taggit/tag/", data)


def test_taggits_own_merge_page_is_gone(client, journalist):
    client.force_login(journalist)
    assert client.get("/admin/taggit/tag/merge-tags/").status_code != 200
    client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Created by a journalist"})
    assert not Tag.objects.filter(name="Created by a journalist").exists()


def test_journalists_cannot_merge(client, journalist, world):
    story = ArticleFactory(section=world, status="published", tags=["Nato", "NATO alliance"])
    nato, alliance = Tag.objects.order_by("name")
    client.force_login(journalist)
    merge(client, [nato, alliance], keep=nato)
    assert Tag.objects.count() == 2
    assert set(story.tags.names()) == {"Nato", "NATO alliance"}


def test_an_editor_merges_the_projects_own_tag_links(client, editor, world):
    both = ArticleFactory(section=world, tags=["NATO", "Nato"])
    one = ArticleFactory(section=world, tags=["Nato"])
    image_link_owner = ArticleFactory(section=world, tags=["NATO"])
    nato_upper, nato = Tag.objects.get(name="NATO"), Tag.objects.get(name="Nato")
    TaggedItem.objects.create(tag=nato, content_object=editor)  # something on taggit's generic table
    client.force_login(editor)
    page = merge(client, [nato_upper, nato])
    assert page.status_code == 200 and "Keep this tag" in page.content.decode()
    merge(client, [nato_upper, nato], keep=nato_upper)
    assert list(Tag.objects.values_list("name", flat=True)) == ["NATO"]
    for story in (both, one, image_link_owner):
        assert list(Article.objects.get(pk=story.pk).tags.names()) == ["NATO"]
    assert TaggedItem.objects.get().tag == nato_upper


def test_journalists_see_only_tags_of_stories_they_may_see(client, journalist, other_journalist, world):
    ArticleFactory(section=world, status="draft", created_by=other_journalist, tags=["Secret merger"])
    ArticleFactory(section=world, status="published", tags=["Elections"])
    ArticleFactory(section=world, status="draft", created_by=journalist, tags=["My scoop"])
    client.force_login(journalist)
    names = [tag.name for tag in client.get("/admin/taggit/tag/").context["cl"].result_list]
    assert names == ["Elections", "My scoop"]
