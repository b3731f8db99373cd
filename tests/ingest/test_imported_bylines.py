"""Finding 2: a feed cannot put a staff member's byline on wire copy, nor hand the story to them."""

import pytest

from articles import workflow
from articles.ingest.importer import Importer
from articles.models import Article, Byline
from articles.workflow import Action
from authors.models import Author

pytestmark = pytest.mark.django_db

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel><title>Wire</title><link>https://wire.example/</link>
    <item><title>Minister resigns</title><link>https://wire.example/1</link><guid>wire-1</guid>
      <dc:creator>David Wyatt</dc:creator><description>The minister resigned on Monday.</description></item>
  </channel>
</rss>"""


def import_feed(section, user):
    importer = Importer(section=section, user=user)
    importer.import_bytes("wire.xml", FEED)
    [result] = importer.report.results
    return Article.objects.get(pk=result.article.pk)


def test_a_feed_byline_never_resolves_to_an_author_with_an_account(world, editor, journalist):
    story = import_feed(world, editor)
    [author] = story.byline_authors
    assert author.name == "David Wyatt"
    assert author.user_id is None
    assert author != journalist.author


def test_a_contributor_of_that_name_is_reused(world, editor, journalist):
    first = import_feed(world, editor).byline_authors[0]
    assert Author.objects.filter(name="David Wyatt", user__isnull=True).count() == 1
    importer = Importer(section=world, user=editor)
    importer.import_bytes("wire2.xml", FEED.replace(b"wire-1", b"wire-2").replace(b"resigns", b"returns"))
    assert importer.report.results[0].article.byline_authors == [first]


def test_the_imported_story_stays_with_the_desk(world, editor, journalist):
    story = import_feed(world, editor)
    assert story in Article.objects.in_review()
    assert not workflow.can(journalist, Action.WITHDRAW, story)  # back to “their” drafts
    assert not workflow.can(journalist, Action.VIEW, story)
    assert story not in workflow.visible_to(journalist, Article.objects.all())


def test_even_with_the_journalist_confirmed_on_the_byline_it_stays_with_the_desk(world, editor, journalist):
    story = import_feed(world, editor)
    Byline.objects.filter(article=story).update(author=journalist.author)  # an editor confirms the byline
    story = Article.objects.get(pk=story.pk)
    assert journalist.author in story.byline_authors
    assert not workflow.owns(journalist, story)
    assert not workflow.can(journalist, Action.CHANGE, story)
    assert story not in workflow.visible_to(journalist, Article.objects.all())
