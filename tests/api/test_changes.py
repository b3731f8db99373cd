"""The changes feed: publishes, updates, corrections, unpublishes and deletions, as ids, from a cursor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import Change
from articles import workflow
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def read(client, url: str = "/api/v1/changes/") -> tuple[list[tuple[int, str]], str]:
    page = client.get(url).json()
    return [(item["story_id"], item["kind"]) for item in page["results"]], page["next"]


def test_every_kind_of_change_is_listed_in_order_and_the_cursor_goes_on_from_there(client, world, editor, committed):
    with committed():
        story = ArticleFactory(section=world)
    changes, cursor = read(client)
    assert changes == [(story.pk, "published")]
    assert read(client, cursor) == ([], cursor)  # nothing new: the same place to ask from

    with committed():
        story.title = "A new headline"
        story.save()
    with committed():
        workflow.add_correction(story, editor, kind="correction", note="Fixed.")
    changes, cursor = read(client, cursor)
    assert changes == [(story.pk, "updated"), (story.pk, "corrected")]

    with committed():
        workflow.unpublish(story, editor, reason="Legal")
    changes, cursor = read(client, cursor)
    assert changes == [(story.pk, "unpublished")]

    with committed():
        other = ArticleFactory(section=world)
    with committed():
        Article.objects.get(pk=other.pk).delete()
    changes, _ = read(client, cursor)
    assert changes == [(other.pk, "deleted")]


def test_a_removed_story_leaves_only_its_removal_in_the_feed(client, world, editor, committed):
    with committed():
        story = ArticleFactory(section=world)
    with committed():
        workflow.unpublish(story, editor, reason="Legal")
    changes, _ = read(client)
    assert changes == [(story.pk, "unpublished")]
    item = client.get("/api/v1/changes/").json()["results"][0]
    assert item["api_url"] is None


def test_a_scheduled_story_is_listed_when_its_time_comes(client, world, time_machine, committed):
    time_machine.move_to(timezone.now(), tick=False)
    with committed():
        story = ArticleFactory(section=world, published_at=timezone.now() + timedelta(hours=2))
    changes, cursor = read(client)
    assert changes == []
    time_machine.shift(timedelta(hours=3))
    changes, _ = read(client, cursor)
    assert changes == [(story.pk, "published")]


def test_an_embargo_set_again_is_an_unpublish_now_and_a_publish_later(client, world, editor, time_machine, committed):
    time_machine.move_to(timezone.now(), tick=False)
    with committed():
        story = ArticleFactory(section=world)
    _, cursor = read(client)
    with committed():
        story.embargo_until = timezone.now() + timedelta(hours=1)
        story.save()
    changes, cursor = read(client, cursor)
    assert changes == [(story.pk, "unpublished")]
    time_machine.shift(timedelta(hours=2))
    changes, _ = read(client, cursor)
    assert changes == [(story.pk, "published")]


def test_hidden_stories_record_nothing(client, world, committed):
    with committed():
        draft = ArticleFactory(section=world, draft=True)
        draft.title = "Still a draft"
        draft.save()
    assert not Change.objects.filter(article_id=draft.pk).exists()


def test_changes_wait_to_settle_before_they_are_listed(client, world, settings, time_machine, committed):
    settings.API_CHANGES_SETTLE_SECONDS = 5
    time_machine.move_to(timezone.now(), tick=False)
    with committed():
        story = ArticleFactory(section=world)
    assert read(client)[0] == []
    time_machine.shift(timedelta(seconds=6))
    assert read(client)[0] == [(story.pk, "published")]


def test_the_feed_pages_through_many_changes(client, world, committed):
    with committed():
        stories = [ArticleFactory(section=world) for _ in range(5)]
    seen, url = [], "/api/v1/changes/?page_size=2"
    for _ in range(3):
        changes, url = read(client, url)
        seen += changes
    assert seen == [(story.pk, "published") for story in stories]
    assert read(client, url)[0] == []
