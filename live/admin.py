"""The live desk: live stories with their posting form at the top, and the posts awaiting approval.

Every rule is ``live.workflow``'s (who posts directly, who approves, who closes); these pages ask it.
Posting is one form at the top of the live story's page: with ``static/live/posting.js`` it is sent
without leaving the page and the list of posts under it is refreshed; without the script it is an
ordinary form that comes back to the same page.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from articles import workflow as story_workflow
from articles.models import Article
from common.admin import RecordAdminMixin

from . import workflow
from .forms import PostForm, StartLiveForm
from .models import LiveCoverage, LivePost, LivePostRevision

# Posts listed under the form; older ones are on the live page itself.
DESK_POSTS = 30


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    list_display = ["story", "section", "state", "coverage", "published_posts", "waiting_posts"]
    list_select_related = ["article__section"]
    search_fields = ["article__title"]
    fields = ["key_points", "direct_posting"]
    change_form_template = "admin/live/livecoverage/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        stories = story_workflow.visible_to(request.user, Article.objects.all())
        return (
            super()
            .get_queryset(request)
            .filter(article__in=stories.values("pk"))
            .annotate(
                published_count=Count("posts", filter=Q(posts__status=LivePost.Status.PUBLISHED)),
                waiting_count=Count("posts", filter=Q(posts__status=LivePost.Status.PENDING)),
            )
        )

    # Journalists open live stories (to post); editors change the key points and the switches.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return story_workflow.is_staff_writer(request.user) or story_workflow.is_editor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return story_workflow.is_editor(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return story_workflow.is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the story is deleted (or unpublished) through the story admin

    @admin.display(description="Story", ordering="article__title")
    def story(self, coverage: LiveCoverage) -> str:
        return coverage.article.title

    @admin.display(description="Section")
    def section(self, coverage: LiveCoverage) -> str:
        return coverage.article.section.name

    @admin.display(description="Story state")
    def state(self, coverage: LiveCoverage) -> str:
        return coverage.article.state_label

    @admin.display(description="Coverage")
    def coverage(self, coverage: LiveCoverage) -> str:
        return "Running" if coverage.is_open else "Ended"

    @admin.display(description="Posts")
    def published_posts(self, coverage: LiveCoverage) -> int:
        return coverage.published_count

    @admin.display(description="Awaiting approval")
    def waiting_posts(self, coverage: LiveCoverage) -> int:
        return coverage.waiting_count

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/posts/add/", view(self.add_post_view), name="live_livecoverage_add_post"),
            path("<int:pk>/posts/", view(self.posts_view), name="live_livecoverage_posts"),
            path("<int:pk>/posts/<int:post_id>/edit/", view(self.edit_post_view), name="live_livecoverage_edit_post"),
            path(
                "<int:pk>/posts/<int:post_id>/<str:step>/",
                view(self.post_step_view),
                name="live_livecoverage_post_step",
            ),
            *(
                path(
                    f"<int:pk>/{step}/", view(self.coverage_step_view), {"step": step}, name=f"live_livecoverage_{step}"
                )
                for step in ("publish", "close", "reopen")
            ),
            *super().get_urls(),
        ]

    # --- Starting a live story ------------------------------------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartLiveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            coverage = workflow.start(request.user, **form.cleaned_data)
            messages.success(request, f"Live story “{coverage.article.title}” started.")
            return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[coverage.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Start a live story",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/live/livecoverage/start.html", context)

    # --- The live story's page: the posting form at the top ------------------------------------

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        coverage = self._coverage(request, object_id)
        extra_context = {
            **(extra_context or {}),
            **self._desk_context(request, coverage, PostForm(may_pin=self._editor(request))),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _editor(self, request: HttpRequest) -> bool:
        return story_workflow.is_editor(request.user)

    def _coverage(self, request: HttpRequest, pk) -> LiveCoverage:
        coverage = get_object_or_404(self.get_queryset(request).select_related("article__section"), pk=pk)
        return coverage

    def _desk_context(self, request: HttpRequest, coverage: LiveCoverage, form: PostForm) -> dict:
        user = request.user
        return {
            "coverage": coverage,
            "post_form": form,
            "may_post": workflow.may_post(user, coverage),
            "posts_directly": workflow.posts_directly(user, coverage),
            "is_editor": story_workflow.is_editor(user),
            "desk_posts": self._posts_html(request, coverage),
            "story_url": reverse("admin:articles_article_change", args=[coverage.pk]),
            "public_url": coverage.article.get_absolute_url() if coverage.article.is_published else "",
        }

    def _posts_html(self, request: HttpRequest, coverage: LiveCoverage) -> str:
        posts = list(
            coverage.posts.select_related("created_by")
            .prefetch_related("authors")
            .order_by("-posted_at", "-pk")[:DESK_POSTS]
        )
        for post in posts:
            post.may_change = workflow.may_change(request.user, post)
        return render_to_string(
            "admin/live/livecoverage/posts.html",
            {"posts": posts, "coverage": coverage, "is_editor": story_workflow.is_editor(request.user)},
            request=request,
        )

    def posts_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponse(self._posts_html(request, self._coverage(request, pk)))

    def add_post_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        coverage = self._coverage(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))
        form = PostForm(request.POST, may_pin=self._editor(request))
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "authors"}
            try:
                post = workflow.add_post(coverage, request.user, authors=list(form.cleaned_data["authors"]), **data)
            except workflow.WorkflowError as refusal:
                form.add_error(None, str(refusal))
            else:
                message = "Posted." if post.status == LivePost.Status.PUBLISHED else "Sent for an editor's approval."
                if wants_json:
                    return JsonResponse({"ok": True, "message": message, "posts": self._posts_html(request, coverage)})
                messages.success(request, message)
                return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))
        if wants_json:
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return self._desk_page(request, coverage, form)

    def _desk_page(self, request: HttpRequest, coverage: LiveCoverage, form: PostForm) -> HttpResponse:
        # The live story's page again, keeping what was typed beside the errors.
        request.method = "GET"  # the coverage's own form is not what was sent
        return super().change_view(request, str(coverage.pk), extra_context=self._desk_context(request, coverage, form))

    def edit_post_view(self, request: HttpRequest, pk: int, post_id: int) -> HttpResponse:
        coverage = self._coverage(request, pk)
        post = get_object_or_404(coverage.posts.all(), pk=post_id)
        if not workflow.may_change(request.user, post):
            raise PermissionDenied("You cannot change this post: it is published, or not yours.")
        form = PostForm(request.POST or None, instance=post, may_pin=self._editor(request))
        if request.method == "POST" and form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "authors"}
            workflow.edit_post(post, request.user, authors=list(form.cleaned_data["authors"]), **changes)
            messages.success(request, "Post saved.")
            return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))
        revisions = post.revisions.select_related("actor")[:20]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Edit post: {post.headline}",
            "form": form,
            "post": post,
            "coverage": coverage,
            "revisions": revisions,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/live/livecoverage/edit_post.html", context)

    def post_step_view(self, request: HttpRequest, pk: int, post_id: int, step: str) -> HttpResponse:
        coverage = self._coverage(request, pk)
        post = get_object_or_404(coverage.posts.all(), pk=post_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))
        steps = {
            "approve": (workflow.approve, "Post approved: readers see it now."),
            "delete": (workflow.delete_post, "Post deleted."),
            "pin": (
                lambda p, u: workflow.edit_post(p, u, pinned=not p.pinned),
                "Post pinned." if not post.pinned else "Post unpinned.",
            ),
            "key-event": (
                lambda p, u: workflow.edit_post(p, u, key_event=not p.key_event),
                "Marked as a key event." if not post.key_event else "No longer a key event.",
            ),
        }
        if step not in steps:
            raise PermissionDenied("No such step.")
        function, message = steps[step]
        function(post, request.user)  # a WorkflowError is a 403 with its reason (newsroom.refusals)
        messages.success(request, message)
        return HttpResponseRedirect(self._back(request, reverse("admin:live_livecoverage_change", args=[pk])))

    def _back(self, request: HttpRequest, default: str) -> str:
        """Where a step comes back to: the page it was taken from (the review queue), if on this site."""
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return back
        return default

    def coverage_step_view(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        coverage = self._coverage(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))
        if step == "close":
            workflow.close(coverage, request.user)
            messages.success(request, "Live coverage closed: readers see that it has ended.")
        elif step == "reopen":
            workflow.reopen(coverage, request.user)
            messages.success(request, "Live coverage reopened.")
        elif step == "publish":
            story_workflow.publish(coverage.article, request.user)
            messages.success(request, "Live story published.")
        else:
            raise PermissionDenied("No such step.")
        return HttpResponseRedirect(reverse("admin:live_livecoverage_change", args=[pk]))


class EditorsLiveRecords(RecordAdminMixin, admin.ModelAdmin):
    """A list for editors only, read-only to Django: posts are written and changed from the live story's
    page, through the workflow, and their records by the workflow alone."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return story_workflow.is_editor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return story_workflow.is_editor(request.user)


@admin.register(LivePost)
class LivePostAdmin(EditorsLiveRecords):
    """Every live story's posts, for editors: the ones awaiting approval first, approved from here too."""

    list_display = ["posted_at", "headline", "story", "status", "created_by"]
    list_filter = ["status"]
    list_select_related = ["coverage__article", "created_by"]
    ordering = ["-status", "-posted_at"]  # "pending" sorts after "published": awaiting approval first
    actions = ["approve_posts"]

    @admin.display(description="Live story")
    def story(self, post: LivePost) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:live_livecoverage_change", args=[post.coverage_id]),
            post.coverage.article.title,
        )

    @admin.action(description="Approve the selected posts")
    def approve_posts(self, request: HttpRequest, queryset: QuerySet) -> None:
        approved = 0
        for post in queryset.awaiting_approval().select_related("coverage__article"):
            workflow.approve(post, request.user)
            approved += 1
        messages.success(request, f"{approved} post(s) approved.")

    def get_actions(self, request: HttpRequest):
        # The list is read-only for Django (no change permission); approving is the workflow's to allow.
        return {name: action for name, action in super().get_actions(request).items() if name != "delete_selected"}


@admin.register(LivePostRevision)
class LivePostRevisionAdmin(EditorsLiveRecords):
    """What happened to every post (deleted ones included): for editors, read-only."""

    list_display = ["at", "story", "post_number", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["coverage__article", "actor"]

    @admin.display(description="Live story")
    def story(self, revision: LivePostRevision) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:live_livecoverage_change", args=[revision.coverage_id]),
            revision.coverage.article.title,
        )
