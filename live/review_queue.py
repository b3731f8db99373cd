"""Live posts awaiting approval, as entries of the stories' review queue (``articles.review_queue``).

Journalists' posts wait for an editor in the same queue as stories: this is the source the queue asks
(registered in ``apps.py``), in one query for any number of posts.
"""

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from articles import workflow as story_workflow
from articles.review_queue import WaitingEntry

from .models import LivePost


def waiting_posts(
    request: HttpRequest, *, section_id: int | None = None, search: str = "", limit: int = 50
) -> list[WaitingEntry]:
    """The posts awaiting approval (the longest-waiting first), for an editor: nobody else approves them."""
    if not story_workflow.is_editor(request.user):
        return []
    posts = LivePost.objects.awaiting_approval().select_related("coverage__article__section", "created_by")
    if section_id is not None:
        posts = posts.filter(coverage__article__section_id=section_id)
    if search:
        posts = posts.filter(
            Q(title__icontains=search) | Q(body__icontains=search) | Q(coverage__article__title__icontains=search)
        )
    return [_entry(post) for post in posts.order_by("created_at", "pk")[:limit]]


def _entry(post: LivePost) -> WaitingEntry:
    article = post.coverage.article
    user = post.created_by
    return WaitingEntry(
        kind="Live post",
        title=post.headline,
        open_url=reverse("admin:live_livecoverage_edit_post", args=[post.coverage_id, post.pk]),
        approve_url=reverse("admin:live_livecoverage_post_step", args=[post.coverage_id, post.pk, "approve"]),
        story=article.title,
        story_url=reverse("admin:live_livecoverage_change", args=[post.coverage_id]),
        section=article.section.name,
        by=(user.get_full_name() or user.get_username()) if user else "—",
        since=post.created_at,
    )
