"""Renditions off the request: queued after the commit when a broker is configured, made by the task.

With a queued_renditions, the save only queues ``images.tasks.image_replaced``; until a worker has made the
renditions, ``{% picture %}`` shows the original at the size the fallback rendition would have,
never a link to a file that is not there. (A real worker is in tests/operations/test_worker.py.)
"""

import contextlib
import logging

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.template import Context, Template
from kombu.exceptions import OperationalError

from articles.models import Article
from common.background import backoff
from images import tasks
from tests.factories import ImageFactory, image_file
from tests.helpers.images import rendition_files, story_with

pytestmark = pytest.mark.django_db


def render(story: Article) -> str:
    return Template("{% load pictures %}{% picture story.lead_picture.file %}").render(Context({"story": story}))


def test_with_a_broker_the_save_queues_the_renditions_after_the_commit_and_makes_none(
    world, committed, queued_renditions
):
    story = story_with(image_file(size=(1000, 500)), committed, section=world)
    assert queued_renditions == [("media_library.Image", "file", story.lead_picture.file.name, "")]
    assert rendition_files(story.lead_picture.file.name) == []


def test_a_rolled_back_save_queues_nothing(world, queued_renditions, committed):
    with committed(), contextlib.suppress(RuntimeError), transaction.atomic():
        ImageFactory(file=image_file())
        raise RuntimeError("the save fails after the row was written")
    assert queued_renditions == []  # sent only on a commit, which a rollback never gives


def test_until_its_renditions_exist_the_picture_is_the_original_at_the_fallback_size(
    world, committed, queued_renditions
):
    story = story_with(image_file(size=(1000, 500)), committed, section=world)
    assert render(story) == (
        f'<img src="/media/{story.lead_picture.file.name}" width="960" height="480" alt="" decoding="async" '
        'loading="lazy">'
    )
    assert default_storage.exists(story.lead_picture.file.name)

    tasks.image_replaced(*queued_renditions[0])  # what the worker does

    assert "960w.webp" in rendition_files(story.lead_picture.file.name)
    assert render(story).startswith('<picture><source type="image/webp"')


def test_without_a_broker_the_picture_never_looks_at_storage(world, committed, monkeypatch):
    story = story_with(image_file(size=(1000, 500)), committed, section=world)
    monkeypatch.setattr(FileSystemStorage, "exists", lambda *args: pytest.fail("looked at storage"))
    assert render(story).startswith("<picture>")


def test_a_broker_that_cannot_be_reached_is_logged_and_the_save_stands(world, committed, settings, monkeypatch, caplog):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def unreachable(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.image_replaced, "delay", unreachable)
    with caplog.at_level(logging.ERROR):
        story = story_with(image_file(), committed, section=world)
    assert Article.objects.filter(pk=story.pk).exists()
    assert "Could not queue images.tasks.image_replaced" in caplog.text


def test_the_task_is_idempotent(world, committed):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    before = rendition_files(story.lead_picture.file.name)
    tasks.image_replaced("media_library.Image", "file", story.lead_picture.file.name, "")  # redelivered
    assert rendition_files(story.lead_picture.file.name) == before


def test_an_unreadable_original_is_logged_once_not_retried(world, committed, caplog):
    story = story_with(image_file(), committed, section=world)
    default_storage.delete(story.lead_picture.file.name)
    tasks.image_replaced.delay("media_library.Image", "file", story.lead_picture.file.name, "")
    assert caplog.text.count("run `manage.py make_renditions`") == 1


def test_retries_back_off_exponentially_up_to_ten_minutes(settings):
    settings.TASK_RETRY_SECONDS = 10
    assert [backoff(n) for n in range(8)] == [10, 20, 40, 80, 160, 320, 600, 600]


@pytest.mark.parametrize(("draft", "moves"), [(False, True), (True, False)])
def test_renditions_made_by_a_worker_refresh_the_cached_pages_of_a_visible_story(
    world, committed, queued_renditions, draft, moves
):
    from pagecache.generation import current_generation

    story_with(image_file(size=(1000, 500)), committed, section=world, draft=draft)
    before = current_generation().number
    tasks.image_replaced(*queued_renditions[0])
    assert (current_generation().number != before) is moves


def test_renditions_made_by_a_worker_for_an_author_photo_refresh_the_cached_pages(committed, queued_renditions):
    from pagecache.generation import current_generation
    from tests.factories import AuthorFactory

    with committed():
        AuthorFactory(photo=ImageFactory(file=image_file()))
    before = current_generation().number
    tasks.image_replaced(*queued_renditions[0])
    assert current_generation().number != before
