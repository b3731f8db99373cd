"""A newsroom with a story in every hidden state, for the crawls of the public site."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from coordination.models import Comment
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
    return {"visible": visible, "hidden": hidden, "author": author, "pictures": pictures}
