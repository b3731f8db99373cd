"""A newsroom with a story in every hidden state, for the crawls of the public site."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from coordination.models import Comment
from live import workflow as live_workflow
from live.models import LiveCoverage
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.helpers.crawl import HIDDEN_STATES, marker


@pytest.fixture
def newsroom(world, editor, journalist, committed):
    """One visible story, and one story in every hidden state sharing its section, author and tag.

    Built as committed work, so on PostgreSQL every story is in the search index too.
    """
    with committed():
        return _build_newsroom(world, editor, journalist)


def _build_newsroom(world, editor, journalist):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    author = AuthorFactory(name="Shared Author", slug="shared-author")
    visible = ArticleFactory(
        title="Visible story", section=europe, authors=[author], tags=["Shared"], created_by=editor,
        published_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    workflow.add_correction(visible, editor, kind="correction", note="A visible correction.")
    now = timezone.now()
    hidden = {}
    pictures = {}
    for state in HIDDEN_STATES:
        picture = pictures[state] = ImageFactory(
            alt_text=f"Alt {marker(state, 'picture')}",
            caption=f"Caption {marker(state, 'picture')}",
            credit=f"Credit {marker(state, 'picture')}",
        )
        fields = {
            "draft": {"status": "draft", "published_at": None},
            "in_review": {"status": "in_review", "published_at": None},
            "sent_back": {"status": "sent_back", "published_at": None},
            "scheduled": {"status": "published", "published_at": now + timedelta(days=3)},
            "embargoed": {"status": "published", "published_at": now - timedelta(days=1),
                          "embargo_until": now + timedelta(days=3)},
            "unpublished": {"status": "unpublished", "published_at": now - timedelta(days=1)},
        }[state]  # fmt: skip
        story = ArticleFactory(
            title=f"Hidden {marker(state, 'headline')}",
            standfirst=f"Standfirst {marker(state, 'standfirst')}",
            body=f"Body {marker(state, 'body')} text.\n\n![](image:{picture.pk})",
            section=europe,
            authors=[author],
            tags=["Shared", marker(state, "tag")],
            lead_picture=ImageFactory(alt_text="A picture", caption=f"Caption {marker(state, 'caption')}"),
            created_by=journalist,
            **fields,
        )
        # Corrections recorded before unpublishing must not surface either.
        if state == "unpublished":
            story.status = "published"
            story.save()
            workflow.add_correction(story, editor, kind="update", note=f"Update {marker(state, 'body')}")
            workflow.unpublish(story, editor, reason="Legal")
        hidden[state] = Article.objects.get(pk=story.pk)
    for state, story in [("visible", visible), *hidden.items()]:
        Comment.objects.create(story=story, author=editor, body=f"Comment {marker(state, 'comment')}", quote="Body")
    live = _build_live_stories(europe, author, editor, journalist)
    return {"visible": visible, "hidden": hidden, "author": author, "pictures": pictures, "live": live}


def _build_live_stories(europe, author, editor, journalist):
    """A visible live story with a post waiting for approval and a deleted one, and a draft live story with a
    published post: none of those posts may show anywhere (``HIDDEN_POST_STATES``)."""

    def hidden_post(coverage, user, state):
        return live_workflow.add_post(
            coverage, user, title=f"Title {marker(state, 'posttitle')}", body=f"Post {marker(state, 'post')} text."
        )

    visible = ArticleFactory(title="Visible live story", section=europe, authors=[author, journalist.author])
    coverage = LiveCoverage.objects.create(article=visible, key_points="- Visible key point.")
    shown = live_workflow.add_post(coverage, editor, body="A visible live post.", key_event=True)
    waiting = hidden_post(coverage, journalist, "waiting")
    deleted = hidden_post(coverage, editor, "deleted")
    deleted_id = deleted.pk
    live_workflow.delete_post(deleted, editor)
    draft = ArticleFactory(title="Draft live story", section=europe, authors=[author], draft=True)
    on_draft = hidden_post(LiveCoverage.objects.create(article=draft), editor, "onhiddenstory")
    return {"visible": visible, "hidden": draft, "post_ids": [shown.pk, waiting.pk, deleted_id, on_draft.pk]}
