"""Comments in the admin: a story's discussion page (threads, replies, resolve, reopen) and the list of all."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles.models import Article

from .comments import add_comment, set_resolved
from .models import Comment
from .permissions import may_comment, stories_commentable_by


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), help_text="@username tells a colleague."
    )
    quote = forms.CharField(
        label="About this passage (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Paste the words of the body you mean, exactly.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "story_link", "author", "created_at", "resolved"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["body"]

    # Staff read the comments of the stories they may comment on; they write through the story's page.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return self.has_module_permission(request) and (obj is None or may_comment(request.user, obj.story))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        stories = stories_commentable_by(request.user, Article.objects.all())
        return super().get_queryset(request).filter(story__in=stories).select_related("story", "author")

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description="Story")
    def story_link(self, comment: Comment) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:coordination_comment_story", args=[comment.story_id]), comment.story
        )

    @admin.display(description="Resolved", boolean=True)
    def resolved(self, comment: Comment) -> bool:
        return comment.is_resolved

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("story/<int:pk>/", view(self.story_view), name="coordination_comment_story"),
            path("<int:pk>/resolve/", view(self.resolve_view), name="coordination_comment_resolve"),
            *super().get_urls(),
        ]

    def story_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A story's discussion: every thread, a form for a new comment and one to reply to each thread."""
        story = get_object_or_404(Article.objects.with_bylines(), pk=pk)
        if not may_comment(request.user, story):
            raise PermissionDenied
        page = reverse("admin:coordination_comment_story", args=[story.pk])
        form = CommentForm()
        if request.method == "POST":
            parent = None
            if request.POST.get("parent"):
                parent = get_object_or_404(Comment, pk=request.POST["parent"], story=story)
            form = (ReplyForm if parent else CommentForm)(request.POST)
            if form.is_valid():
                try:
                    comment = add_comment(story, request.user, parent=parent, **form.cleaned_data)
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
                else:
                    return HttpResponseRedirect(f"{page}#comment-{comment.parent_id or comment.pk}")
            if parent:
                messages.error(request, "Write a reply.")
                form = CommentForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Comments on “{story.title}”",
            "story": story,
            "threads": Comment.objects.filter(story=story).threads(),
            "form": form,
            "reply_form": ReplyForm(),
            "opts": self.opts,
        }
        return TemplateResponse(request, "coordination/story_comments.html", context)

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = get_object_or_404(Comment.objects.select_related("story", "parent"), pk=pk)
        if request.method == "POST":
            set_resolved(comment, request.user, resolved=request.POST.get("resolved") == "1")
        elif not may_comment(request.user, comment.story):
            raise PermissionDenied
        thread = comment.parent_id or comment.pk
        return HttpResponseRedirect(
            f"{reverse('admin:coordination_comment_story', args=[comment.story_id])}#comment-{thread}"
        )
