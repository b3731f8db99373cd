"""Coordination in the admin: a story's discussion page (threads, replies, resolve, reopen), plans and the budget."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import workflow
from articles.models import Article, Section

from .assignments import assigned
from .budget import GROUPS, as_csv, budget_rows, by_section
from .comments import add_comment, set_resolved
from .models import Comment, Plan
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


class BudgetFilters(forms.Form):
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(
        coerce=int, required=False, choices=[(1, "1 day"), (2, "2 days"), (3, "3 days"), (7, "a week")]
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("name"), required=False, empty_label="All sections"
    )
    journalist = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Everyone"
    )
    state = forms.ChoiceField(choices=[("", "Every state"), *GROUPS.items()], required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
        self.fields["journalist"].queryset = users


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "slug_line",
            "section",
            "assignees",
            "deadline",
            "publish_at",
            "expected_words",
            "priority",
            "notes",
            "story",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "assignees" in self.fields:
            self.fields["assignees"].queryset = (
                get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
            )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ["slug_line", "section", "assigned_to", "deadline", "state", "priority"]
    list_filter = ["section", "priority"]
    search_fields = ["slug_line"]
    autocomplete_fields = ["story"]  # found by its headline, as stories are picked everywhere else
    filter_horizontal = ["assignees"]
    date_hierarchy = "deadline"

    # Editors plan; journalists see the plans they are assigned to.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or workflow.is_editor(request.user) or obj.assignees.filter(pk=request.user.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return workflow.is_editor(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return workflow.is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return workflow.is_editor(request.user)

    def get_queryset(self, request: HttpRequest):
        plans = super().get_queryset(request).select_related("section", "story").prefetch_related("assignees")
        if workflow.is_editor(request.user):
            return plans
        return plans.filter(assignees=request.user)

    @admin.display(description="Assigned to")
    def assigned_to(self, plan: Plan) -> str:
        return ", ".join(user.get_username() for user in plan.assignees.all()) or "—"

    @admin.display(description="State")
    def state(self, plan: Plan) -> str:
        return plan.state

    def save_model(self, request: HttpRequest, obj: Plan, form, change: bool) -> None:
        if obj.assigned_by_id is None:
            obj.assigned_by = request.user
        obj._assignees_before = set(obj.assignees.values_list("pk", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        plan = form.instance
        new = [user for user in plan.assignees.all() if user.pk not in plan._assignees_before]
        if new:
            assigned(plan, new, by=request.user)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [path("budget/", view(self.budget_view), name="coordination_budget"), *super().get_urls()]

    def budget_view(self, request: HttpRequest) -> HttpResponse:
        """The story budget: editors' page for the morning meeting, on screen, on paper (A4) and as CSV."""
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        filters = BudgetFilters(request.GET or None)
        data = filters.cleaned_data if filters.is_valid() else {}
        day = data.get("day") or timezone.localdate()
        days = data.get("days") or 1
        rows = budget_rows(
            day,
            days,
            section=data["section"].pk if data.get("section") else None,
            assignee=data["journalist"].pk if data.get("journalist") else None,
            group=data.get("state") or None,
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="budget-{day.isoformat()}.csv"'
            return response
        query = request.GET.copy()
        query["format"] = "csv"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Story budget, {day:%A %-d %B %Y}"
            + (f" and the next {days - 1} day{'s' if days > 2 else ''}" if days > 1 else ""),
            "sections": by_section(rows),
            "filters": filters,
            "csv_query": query.urlencode(),
            "count": len(rows),
            "opts": self.opts,
        }
        return TemplateResponse(request, "coordination/budget.html", context)
