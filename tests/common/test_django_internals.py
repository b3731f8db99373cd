"""Pins what common/django_internals.py relies on in Django's private API (see its docstring)."""

from datetime import datetime, timedelta

import django
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Article
from common import django_internals
from common.django_internals import (
    already_stored,
    instances_at,
    rows_by_ids,
    union_all_rows,
    union_all_rows_at,
)
from tests.factories import ArticleFactory, image_file


def test_checked_on_django_5_2():
    # The module's docstring names the version it was checked on: an upgrade reads it again.
    assert django.VERSION[:2] == (5, 2), "check common/django_internals.py against this Django, then update this"


@pytest.fixture
def five_stories(world):
    now = timezone.now()
    return [ArticleFactory(section=world, published_at=now - timedelta(hours=hour)) for hour in range(5, 0, -1)]


def test_union_all_rows_keeps_each_parts_order_slice_and_parameters(five_stories, django_assert_num_queries):
    oldest, second, middle, fourth, newest = (story.pk for story in five_stories)
    cutoff = five_stories[2].published_at
    # Parts of the same shape, as UNION ALL requires: (id, section id).
    newest_two = Article.objects.order_by("-published_at").values_list("pk", "section_id")[:2]
    oldest_two_before = (
        Article.objects.filter(published_at__lte=cutoff).order_by("published_at").values_list("pk", "section_id")[:2]
    )
    by_title = Article.objects.filter(title=five_stories[2].title).values_list("pk", "section_id")
    with django_assert_num_queries(1):
        rows = union_all_rows([newest_two, oldest_two_before, by_title])
    parts: dict[int, set] = {}
    for part, (pk, section_id) in rows:
        assert section_id == five_stories[0].section_id
        parts.setdefault(part, set()).add(pk)
    assert parts == {0: {newest, fourth}, 1: {oldest, second}, 2: {middle}}


def test_union_all_rows_of_nothing_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert union_all_rows([]) == []


@pytest.mark.django_db
def test_already_stored_tells_a_new_upload_from_a_file_in_storage(world):
    upload = image_file()
    assert not already_stored(upload)  # straight from a form
    story = ArticleFactory.build(section=world, social_image_alt="A picture")
    story.social_image = image_file()
    assert not already_stored(story.social_image)  # assigned, not yet saved
    story.save()
    assert already_stored(story.social_image)
    assert already_stored(Article.objects.get(pk=story.pk).social_image)  # read back by name
    story.social_image.save("again.jpg", ContentFile(image_file().read()), save=False)
    assert already_stored(story.social_image)


def test_story_cards_come_with_byline_names_in_two_queries(five_stories, django_assert_num_queries):
    with django_assert_num_queries(2):
        cards = Article.objects.all().cards()
        assert all(card.byline_names for card in cards)


def test_rows_by_ids_gives_the_querysets_converted_rows_and_compiles_once_per_number_of_ids(
    five_stories, django_assert_num_queries, monkeypatch
):
    def build(ids):
        return Article.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "title", "published_at")

    ids = [story.pk for story in five_stories]
    built = []
    counting = lambda ids: built.append(len(ids)) or build(ids)  # noqa: E731
    monkeypatch.setattr(django_internals, "_COMPILED", {})
    for chosen in (ids[:2], ids[2:4], ids[1:], ids[::-1], [*ids[:2], ids[0]]):
        with django_assert_num_queries(1):
            rows = rows_by_ids("test", Article, chosen, counting)
        # As values_list() gives them: converted (an aware datetime on SQLite too), duplicates once.
        assert rows == list(build(chosen))
        assert all(isinstance(row[2], datetime) and row[2].tzinfo is not None for row in rows)
    assert built == [2, 4, 5]  # compiled once for 2 ids, once for 4, once for 5
    with django_assert_num_queries(0):
        assert rows_by_ids("test", Article, [], counting) == []


def test_rows_by_ids_refuses_a_query_with_other_parameters(five_stories):
    with pytest.raises(ValueError, match="parameters must be the ids alone"):
        rows_by_ids("other", Article, [1], lambda ids: Article.objects.filter(pk__in=ids, title="x").values_list("pk"))


def test_union_all_rows_at_compiles_once_per_key_and_asks_about_each_moment(
    five_stories, django_assert_num_queries, monkeypatch
):
    oldest, *_, newest = five_stories
    built = []

    def parts_at(moment):
        built.append(moment)
        visible = Article.objects.published(at=moment).order_by("-published_at").values_list("pk")
        return [visible[:2], visible.filter(section_id=oldest.section_id)[:10]]

    monkeypatch.setattr(django_internals, "_UNIONS", {})
    before_all = oldest.published_at - timedelta(minutes=1)
    with django_assert_num_queries(1):
        assert union_all_rows_at(parts_at, before_all, model=Article, key=("test",)) == []
    for moment in (oldest.published_at, newest.published_at, timezone.now()):
        expected = union_all_rows(parts_at(moment))
        with django_assert_num_queries(1):
            assert union_all_rows_at(parts_at, moment, model=Article, key=("test",)) == expected
    assert len([moment for moment in built if moment.year == 1971]) == 1  # built once, with the sentinel
    assert union_all_rows_at(parts_at, timezone.now(), model=Article, key=("test",))[-1][1] == (oldest.pk,)


def test_union_all_rows_at_swaps_the_ids_it_is_given(five_stories, monkeypatch):
    built = []

    def parts_at(moment, story_id, other_id):
        built.append((story_id, other_id))
        visible = Article.objects.published(at=moment).order_by("-pk").values_list("pk")
        return [visible.exclude(pk=story_id)[:10], visible.filter(pk=other_id)[:1]]

    monkeypatch.setattr(django_internals, "_UNIONS", {})
    now = timezone.now()
    first, second, third, *_ = five_stories
    for story, other in ((first, second), (second, third), (third, first)):
        expected = union_all_rows(parts_at(now, story.pk, other.pk))
        assert union_all_rows_at(parts_at, now, model=Article, key=("ids",), values=(story.pk, other.pk)) == expected
        assert (1, (other.pk,)) in expected and (0, (story.pk,)) not in expected
    assert len([ids for ids in built if ids[0] < 0]) == 1  # built once, with the sentinel ids


def test_instances_at_compiles_once_and_asks_about_each_moment_and_text(five_stories, monkeypatch):
    oldest, *_, newest = five_stories
    built = []

    def story_at(moment, slug):
        built.append(slug)
        return Article.objects.published(at=moment).select_related("section").filter(slug=slug)

    monkeypatch.setattr(django_internals, "_INSTANCES", {})
    for story in (oldest, newest):
        found = instances_at(story_at, timezone.now(), model=Article, key=("test",), values=(story.slug,))
        assert found == [story] and found[0].section.slug == story.section.slug
    before = newest.published_at - timedelta(seconds=1)
    assert instances_at(story_at, before, model=Article, key=("test",), values=(newest.slug,)) == []
    assert instances_at(story_at, timezone.now(), model=Article, key=("test",), values=("no-such-story",)) == []
    assert len([slug for slug in built if slug.startswith("kept-query-sentinel")]) == 1  # built once
