"""Only changes readers can see invalidate cached pages (issue 10, item 7).

A journalist's every save of a draft used to empty the whole page cache. Now the
content generation (``pagecache.generation``, moved by ``articles.invalidation``) moves only when something readers
could see changes: these tests warm the cache, make a change, and ask the front
page again. A HIT costs exactly one query, the generation's.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.demo import SAMPLE_STORY
from articles.ingest.importer import Importer
from articles.ingest.plaintext import parse_plain_text
from articles.models import Article, PreviewLink, Revision, Source
from pagecache.generation import current_generation
from pagecache.models import ContentGeneration
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm_front_page(client, world, author, journalist, editor):
    """A published story on a front page cached for readers; returns a check that it is still a hit.

    The accounts and authors exist first: a new author is news (the staff list shows it).
    """
    ArticleFactory(title="Live story", section=world, authors=[author], tags=["NATO"])

    def still_a_hit(assert_num_queries) -> bool:
        with assert_num_queries(1):  # the content generation, and nothing else: no rendering
            return client.get("/")["X-Cache"] == "HIT"

    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    return still_a_hit


def generation_number() -> int:
    return ContentGeneration.objects.get(pk=1).number


# --- Changes readers cannot see -----------------------------------------------------------------


def test_a_draft_save_leaves_the_front_page_a_hit(
    warm_front_page, world, author, journalist, django_assert_num_queries
):
    draft = ArticleFactory(title="Work in progress", section=world, authors=[author], created_by=journalist, draft=True)
    assert warm_front_page(django_assert_num_queries)
    for keystroke in ("Work in progress.", "Work in progress..", "Work in progress..."):
        draft.body = keystroke
        draft.save()
    assert warm_front_page(django_assert_num_queries)


def test_a_draft_saved_through_the_admin_leaves_the_cache_alone(
    warm_front_page, world, author, journalist, django_assert_num_queries
):
    draft = ArticleFactory(title="Admin draft", section=world, authors=[author], created_by=journalist, draft=True)
    assert warm_front_page(django_assert_num_queries)
    journalist_client = Client()
    journalist_client.force_login(journalist)
    before = generation_number()
    response = journalist_client.post(
        f"/admin/articles/article/{draft.pk}/change/", change_form_data(draft, title="Draft, saved again")
    )
    assert response.status_code == 302
    assert Revision.objects.filter(article=draft).exists()  # the save made a revision, too
    assert generation_number() == before
    assert warm_front_page(django_assert_num_queries)


def test_moves_between_hidden_states_leave_the_cache_alone(
    warm_front_page, world, author, journalist, editor, django_assert_num_queries
):
    story = ArticleFactory(title="Under review", section=world, authors=[author], created_by=journalist, draft=True)
    before = generation_number()
    workflow.submit(story, journalist)
    workflow.send_back(story, editor, note="More sources, please.")
    workflow.submit(story, journalist)
    workflow.withdraw(story, journalist)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT and story.transitions.count() == 4
    assert generation_number() == before
    assert warm_front_page(django_assert_num_queries)


def test_preview_links_and_revisions_leave_the_cache_alone(warm_front_page, world, author, django_assert_num_queries):
    draft = ArticleFactory(title="Previewed", section=world, authors=[author], draft=True)
    before = generation_number()
    PreviewLink.objects.create(article=draft, token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=1))
    Revision.objects.create(article=draft, number=99, content={"title": "Previewed"})
    assert generation_number() == before
    assert warm_front_page(django_assert_num_queries)


def test_an_import_of_a_draft_leaves_the_cache_alone(warm_front_page, world, django_assert_num_queries):
    before = generation_number()
    sources_before = Source.objects.count()
    result = Importer(section=world).import_story(parse_plain_text(SAMPLE_STORY.read_text()), label="sample")
    story = Article.objects.get(pk=result.article.pk)
    assert not story.is_published
    assert Source.objects.count() > sources_before  # new sources and tags are made, but carry no visible story
    assert generation_number() == before
    assert warm_front_page(django_assert_num_queries)


def test_tags_and_bylines_on_a_draft_leave_the_cache_alone(warm_front_page, world, author, django_assert_num_queries):
    draft = ArticleFactory(title="Tagged draft", section=world, authors=[], draft=True)
    before = generation_number()
    draft.tags.add("Brand new tag", "NATO")
    draft.bylines.create(author=author, position=0)
    draft.sources.add(Source.objects.create(name="A wire"))
    assert generation_number() == before
    assert warm_front_page(django_assert_num_queries)


def test_a_scheduled_story_changes_nothing_until_its_time(
    warm_front_page, world, author, time_machine, django_assert_num_queries
):
    time_machine.move_to(timezone.now(), tick=False)
    before = generation_number()
    goes_live = timezone.now() + timedelta(minutes=5)
    ArticleFactory(title="Later today", section=world, authors=[author], published_at=goes_live)
    assert generation_number() == before
    assert ContentGeneration.objects.get(pk=1).next_change_at == goes_live
    assert warm_front_page(django_assert_num_queries)
    time_machine.shift(timedelta(minutes=5, seconds=1))
    assert "Later today" in Client().get("/").content.decode()


# --- Changes readers can see ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "edit",
        "unpublish",
        "tag",
        "byline",
        "correction",
        "section",
        "author",
        "tag rename",
        "delete",
    ],
)
def test_every_change_readers_can_see_moves_the_generation(world, editor, change):
    story = ArticleFactory(title="Seen", section=world, authors=[AuthorFactory(name="Seen Writer")], tags=["Seen"])
    before = current_generation().key
    if change == "edit":
        story.title = "Seen, edited"
        story.save()
    elif change == "unpublish":
        workflow.unpublish(story, editor, reason="Legal")
    elif change == "tag":
        story.tags.add("Another")
    elif change == "byline":
        story.bylines.create(author=AuthorFactory(), position=2)
    elif change == "correction":
        workflow.add_correction(story, editor, kind="correction", note="Fixed.")
    elif change == "section":
        SectionFactory(name="Sport", slug="sport")
    elif change == "author":
        author = story.byline_authors[0]
        author.name = "Renamed Writer"
        author.save()
    elif change == "tag rename":
        tag = story.tags.get()
        tag.name = "Seen again"
        tag.save()
    elif change == "delete":
        story.delete()
    assert current_generation().key != before


def test_a_publish_moves_the_generation(world, journalist, editor):
    story = ArticleFactory(title="Fresh", section=world, created_by=journalist, draft=True)
    workflow.submit(story, journalist)
    before = current_generation()
    workflow.publish(story, editor)
    after = current_generation()
    assert after.number > before.number and after.takedown_number < after.number


def test_a_takedown_is_marked_so_that_no_older_page_is_served(world, editor):
    story = ArticleFactory(title="Taken down", section=world)
    workflow.unpublish(story, editor, reason="Legal")
    generation = current_generation()
    assert generation.takedown_number == generation.number


def test_a_rolled_back_change_moves_nothing(world):
    story = ArticleFactory(title="Seen", section=world)
    before = current_generation().key
    with pytest.raises(RuntimeError), transaction.atomic():
        story.title = "Never saved"
        story.save()
        raise RuntimeError("the editor's request failed after the save")
    assert current_generation().key == before


def test_the_generation_row_is_made_again_if_it_is_gone(client, world):
    ArticleFactory(title="Still served", section=world)
    ContentGeneration.objects.all().delete()
    assert "Still served" in client.get("/").content.decode()
    assert ContentGeneration.objects.filter(pk=1).exists()


# --- Library pictures shown as lead pictures ----------------------------------------------------


def test_changing_a_visible_storys_library_picture_moves_the_generation(world):
    shown, unused = ImageFactory(), ImageFactory()
    ArticleFactory(section=world, lead_picture=shown)
    ArticleFactory(section=world, lead_picture=unused, draft=True)
    before = generation_number()

    unused.caption = "Nobody sees this one"
    unused.save()
    assert generation_number() == before

    shown.caption = "A new caption readers see"
    shown.save()
    assert generation_number() > before


def test_changing_a_picture_a_visible_storys_body_shows_moves_the_generation(world):
    shown, unused = ImageFactory(), ImageFactory()
    ArticleFactory(section=world, body=f"![](image:{shown.pk})")
    ArticleFactory(section=world, body=f"![](image:{unused.pk})", draft=True)
    before = generation_number()

    unused.caption = "Nobody sees this one"
    unused.save()
    assert generation_number() == before

    shown.licence_expires = timezone.localdate()
    shown.save()
    assert generation_number() > before
