"""Who may do what on a live story, and every change to its posts and its coverage.

The story itself goes through ``articles.workflow`` like any other (publish, unpublish…); this is the
posts' part. Editors post, approve, pin, edit and delete any post and close the coverage. Journalists on
the story's byline (``articles.workflow.owns``) post too: directly when an editor switched on
``direct_posting`` for the story and it is published, otherwise their posts wait for an editor's
approval. Every step is recorded as a ``LivePostRevision``; steps readers could notice (a published
post edited, approved or deleted; the coverage closed) also go on the story's timeline (a
``Transition`` that leaves its state as it was).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from articles import revisions
from articles import workflow as story_workflow
from articles.models import Article, Byline, Section, Transition
from articles.workflow import SYSTEM, SystemActor, WorkflowError, is_editor, is_staff_writer, owns

from .models import LiveCoverage, LivePost, LivePostRevision

# Post fields a person edits (authors apart).
POST_FIELDS = ("title", "body", "posted_at", "key_event", "pinned")


def start(
    user: AbstractBaseUser,
    *,
    title: str,
    standfirst: str,
    section: Section,
    key_points: str,
    direct_posting: bool,
    publish: bool,
) -> LiveCoverage:
    """A new story that is a live story (editors), with the starter's byline; published at once if asked.

    The story is written like any other (a revision of its first version) and published through
    ``articles.workflow``, which records the step on its timeline.
    """
    require(is_editor(user), "Only editors can start live coverage.")
    with transaction.atomic():
        article = Article.objects.create(
            title=title, standfirst=standfirst, section=section, created_by=user, updated_by=user
        )
        author = getattr(user, "author", None)
        if author is not None:
            Byline.objects.create(article=article, author=author, position=0)
        revisions.record_revision(article, user, note="Started as a live story.")
        coverage = LiveCoverage.objects.create(article=article, key_points=key_points, direct_posting=direct_posting)
    if publish:
        coverage.article = story_workflow.publish(article, user).article
    return coverage


def _person(user: AbstractBaseUser | SystemActor) -> AbstractBaseUser | None:
    return None if isinstance(user, SystemActor) else user


def may_post(user: AbstractBaseUser | SystemActor, coverage: LiveCoverage) -> bool:
    """Editors, and staff writers on the story's byline (or who created it)."""
    if isinstance(user, SystemActor) or is_editor(user):
        return True
    return bool(user.is_staff and is_staff_writer(user) and owns(user, coverage.article))


def posts_directly(user: AbstractBaseUser | SystemActor, coverage: LiveCoverage) -> bool:
    """Whether ``user``'s new post goes live without an editor's approval."""
    if isinstance(user, SystemActor) or is_editor(user):
        return True
    return coverage.direct_posting and coverage.article.is_published and may_post(user, coverage)


def may_change(user: AbstractBaseUser | SystemActor, post: LivePost) -> bool:
    """Editors any post; a journalist their own post still awaiting approval, or their published one when
    they may post directly."""
    if isinstance(user, SystemActor) or is_editor(user):
        return True
    if post.created_by_id != user.pk or not may_post(user, post.coverage):
        return False
    return post.status == LivePost.Status.PENDING or posts_directly(user, post.coverage)


def require(allowed: bool, reason: str) -> None:
    if not allowed:
        raise WorkflowError(reason)


def snapshot(post: LivePost) -> dict:
    return {
        "title": post.title,
        "body": post.body,
        "posted_at": post.posted_at.isoformat() if post.posted_at else None,
        "key_event": post.key_event,
        "pinned": post.pinned,
        "status": post.status,
        "authors": [author.name for author in post.authors.all()],
    }


def _record(post: LivePost, user, action: str, *, content: dict | None = None, timeline: bool = False) -> None:
    content = snapshot(post) if content is None else content
    LivePostRevision.objects.create(
        coverage_id=post.coverage_id, post=post if post.pk else None, post_number=post.pk or 0,
        action=action, content=content, actor=_person(user),
    )  # fmt: skip
    if timeline:
        _on_timeline(post.coverage.article, user, f"live_post_{action}", f"Post {post.pk or ''}: {post.headline}")


def _on_timeline(article: Article, user, action: str, note: str) -> None:
    # A step that leaves the story's state as it was: the timeline shows who did what to what readers see.
    Transition.objects.create(
        article=article, from_status=article.status, to_status=article.status, action=action[:30],
        note=note[:500], actor=_person(user),
    )  # fmt: skip


def _unpin_others(post: LivePost) -> None:
    if post.pinned:
        LivePost.objects.filter(coverage_id=post.coverage_id, pinned=True).exclude(pk=post.pk).update(pinned=False)


@transaction.atomic
def add_post(coverage: LiveCoverage, user: AbstractBaseUser | SystemActor, *, authors=(), **fields) -> LivePost:
    """A new post by ``user``: published at once if they may post directly, else waiting for approval."""
    require(may_post(user, coverage), "Only editors and the journalists on this story's byline can post on it.")
    if fields.get("pinned") and not is_editor(user):
        raise WorkflowError("Only editors can pin a post.")
    direct = posts_directly(user, coverage)
    post = LivePost(
        coverage=coverage, created_by=_person(user),
        status=LivePost.Status.PUBLISHED if direct else LivePost.Status.PENDING, **fields,
    )  # fmt: skip
    if "posted_at" not in fields:
        post.posted_at = timezone.now()
    if post.pinned:
        LivePost.objects.filter(coverage=coverage, pinned=True).update(pinned=False)
    post.save()
    post.authors.set(authors or _own_author(user))
    _record(post, user, LivePostRevision.Action.CREATED if direct else LivePostRevision.Action.SUBMITTED)
    if direct:
        post_published(post)
    return post


def _own_author(user) -> list:
    author = getattr(_person(user), "author", None) if _person(user) is not None else None
    return [author] if author is not None else []


@transaction.atomic
def edit_post(post: LivePost, user: AbstractBaseUser | SystemActor, *, authors=None, **changes) -> LivePost:
    require(may_change(user, post), "You cannot change this post: it is published, or not yours.")
    if changes.get("pinned") and not post.pinned and not is_editor(user):
        raise WorkflowError("Only editors can pin a post.")
    for field, value in changes.items():
        setattr(post, field, value)
    _unpin_others(post)
    post.save()
    if authors is not None:
        post.authors.set(authors)
    was_public = post.status == LivePost.Status.PUBLISHED
    _record(post, user, LivePostRevision.Action.EDITED, timeline=was_public)
    if was_public:
        post_published(post)
    return post


@transaction.atomic
def approve(post: LivePost, user: AbstractBaseUser | SystemActor) -> LivePost:
    """An editor lets a waiting post go live, timed now (when readers first see it)."""
    require(is_editor(user), "Only editors can approve posts.")
    require(post.status == LivePost.Status.PENDING, "This post is already published.")
    post.status = LivePost.Status.PUBLISHED
    post.posted_at = timezone.now()
    post.save()
    _record(post, user, LivePostRevision.Action.APPROVED, timeline=True)
    post_published(post)
    return post


@transaction.atomic
def delete_post(post: LivePost, user: AbstractBaseUser | SystemActor) -> None:
    """Remove a post for good: readers see nothing of it; the desk keeps its last text in the revisions."""
    require(may_change(user, post), "You cannot delete this post: it is published, or not yours.")
    was_public = post.status == LivePost.Status.PUBLISHED
    _record(post, user, LivePostRevision.Action.DELETED, timeline=was_public)
    post.delete()


def post_published(post: LivePost) -> None:
    """A post readers see changed: the story's update time moves (feeds, sitemaps and cards show it)."""
    article = post.coverage.article
    if article.is_published:
        moment = timezone.now()
        # update(): the story's own save would record a revision of a story nobody edited.
        Article.objects.filter(pk=article.pk).update(revised_at=moment)
        article.revised_at = moment


@transaction.atomic
def close(coverage: LiveCoverage, user: AbstractBaseUser | SystemActor) -> LiveCoverage:
    """End the coverage: the page stops asking for updates and says so; it stays as an archived page."""
    require(is_editor(user), "Only editors can close live coverage.")
    require(coverage.ended_at is None, "This live coverage has already ended.")
    coverage.ended_at = timezone.now()
    coverage.ended_by = _person(user)
    coverage.save()
    _on_timeline(coverage.article, user, "live_closed", "Live coverage closed.")
    return coverage


@transaction.atomic
def reopen(coverage: LiveCoverage, user: AbstractBaseUser | SystemActor) -> LiveCoverage:
    require(is_editor(user), "Only editors can reopen live coverage.")
    coverage.ended_at = None
    coverage.ended_by = None
    coverage.save()
    _on_timeline(coverage.article, user, "live_reopened", "Live coverage reopened.")
    return coverage


__all__ = ["SYSTEM", "WorkflowError", "add_post", "approve", "close", "delete_post", "edit_post", "reopen", "start"]
