"""The back office. Who may do what is decided in ``workflow.py``; this module only asks it."""

import re
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from .. import previews, revisions, workflow
from ..forms import ArticleAdminForm, ImportStoriesForm, WorkflowActionForm
from ..ingest.importer import Format, Importer, Outcome
from ..models import (
    Article,
    Byline,
    Correction,
    ImportedItem,
    PreviewLink,
    Revision,
    Section,
    Source,
    StoryInReview,
    Transition,
)
from ..views import render_story
from ..workflow import Action, WorkflowError

# Actions offered on a story's page, in the order they are shown, with their button labels.
ACTION_LABELS = {
    Action.SUBMIT: "Submit for review",
    Action.WITHDRAW: "Withdraw from review",
    Action.SEND_BACK: "Send back with a note",
    Action.PUBLISH: "Approve and publish now",
    Action.SCHEDULE: "Schedule…",
    Action.LIFT_EMBARGO: "Lift embargo now",
    Action.UNPUBLISH: "Unpublish…",
    Action.CORRECT: "Add a correction…",
    Action.PREVIEW_LINK: "Create a preview link…",
}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"

    def has_change_permission(self, request, obj=None):
        return obj is None or workflow.can(request.user, Action.CHANGE, obj)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "section", "state", "published_at", "byline", "featured", "latest_note", "updated_at"]
    list_filter = ["status", "featured", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sources"]
    inlines = [BylineInline]
    readonly_fields = ["created_by", "created_at", "updated_at", "updated_by", "revised_at"]
    actions = ["submit_selected", "publish_selected", "feature_selected", "unfeature_selected"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "standfirst", "body", "opened_version"]}),
        ("Placement", {"fields": ["section", "tags", "sources", "featured"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        ("Publication", {"fields": ["status", "published_at", "embargo_until"]}),
        (
            "History",
            {
                "classes": ["collapse"],
                "fields": ["created_by", "created_at", "updated_by", "updated_at", "revised_at"],
            },
        ),
    ]

    # --- What each person sees and may touch: all of it asked of workflow.py ---

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        latest_note = Transition.objects.filter(article=OuterRef("pk")).exclude(note="").order_by("-at", "-pk")
        stories = (
            super().get_queryset(request).with_bylines().annotate(latest_note=Subquery(latest_note.values("note")[:1]))
        )
        return workflow.visible_to(request.user, stories)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and workflow.can(request.user, Action.ADD)

    def has_view_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.VIEW, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.CHANGE, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.DELETE, obj)
        )

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None) -> list:
        if obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        # A read-only view has no form to guard against edit conflicts.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "opened_version"]})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        return [*self.readonly_fields, *sorted(workflow.locked_form_fields(request.user))]

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            # Split widgets post "field_0" and "field_1"; they count as the field itself.
            posted = {re.sub(r"_[01]$", "", key) for key in request.POST}
            forged = workflow.locked_form_fields(request.user).intersection(posted)
            if forged:
                raise WorkflowError(
                    f"You cannot set {', '.join(sorted(forged))} in the story form; use the workflow actions."
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        section = Section.objects.order_by("position").first()
        if section and "section" not in initial:
            initial["section"] = section.pk
        return initial

    # --- Saving: creator, updated-by, “Updated” stamp, default byline, revision ---

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj.note_content_change(form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        own_author = getattr(request.user, "author", None)
        if not change and own_author is not None and not article.bylines.exists():
            # A journalist's story carries their byline unless they credit someone else.
            Byline.objects.create(article=article, author=own_author, position=0)
        revisions.record_revision(article, request.user, note="Created" if not change else "")

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        workflow.require(request.user, Action.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        refused = [article.title for article in queryset if not workflow.can(request.user, Action.DELETE, article)]
        if refused:
            raise WorkflowError(f"You may not delete: {'; '.join(refused)}.")
        super().delete_queryset(request, queryset)

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None) -> HttpResponse:
        return self._then_workflow(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        return self._then_workflow(request, obj) or super().response_change(request, obj)

    def _then_workflow(self, request: HttpRequest, obj: Article) -> HttpResponse | None:
        """“Save and submit for review” and friends: save first, then confirm the transition."""
        action = request.POST.get("_workflow")
        if action in Action.__members__.values():
            return HttpResponseRedirect(reverse("admin:articles_article_workflow", args=[obj.pk, action]))
        return None

    # --- List columns ---

    @admin.display(description="Byline")
    def byline(self, article: Article) -> str:
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="State", ordering="status")
    def state(self, article: Article) -> str:
        return article.state_label

    @admin.display(description="Latest note")
    def latest_note(self, article: Article) -> str:
        return article.latest_note or ""

    # --- Bulk actions: the same rules, story by story ---

    def _bulk(self, request: HttpRequest, queryset: QuerySet, verb: str, apply) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                apply(article)
                done += 1
            except WorkflowError as error:
                refused.append(f"“{article.title}”: {error}")
        if done:
            self.message_user(request, f"{verb}: {done} {'story' if done == 1 else 'stories'}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not {verb.lower()} {reason}", messages.ERROR)

    @admin.action(description="Submit selected stories for review")
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Submitted", lambda a: workflow.submit(a, request.user))

    @admin.action(description="Approve and publish selected stories now")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Published", lambda a: workflow.publish(a, request.user))

    @admin.action(description="Feature selected stories on the front page")
    def feature_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Featured", lambda a: workflow.set_featured(a, request.user, featured=True))

    @admin.action(description="Stop featuring selected stories")
    def unfeature_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Unfeatured", lambda a: workflow.set_featured(a, request.user, featured=False))

    # Each bulk action and the workflow step it takes, offered only to whoever the workflow lets take it.
    BULK_ACTIONS = {
        "submit_selected": Action.SUBMIT,
        "publish_selected": Action.PUBLISH,
        "feature_selected": Action.FEATURE,
        "unfeature_selected": Action.FEATURE,
    }

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        for name, action in self.BULK_ACTIONS.items():
            if not workflow.can(request.user, action):
                actions.pop(name, None)
        return actions

    # --- The story page's workflow panel, action pages, previews and revisions ---

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_article_import"),
            path("<int:pk>/workflow/<str:action>/", view(self.workflow_view), name="articles_article_workflow"),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:pk>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_link_view),
                name="articles_article_revoke_link",
            ),
            *super().get_urls(),
        ]

    def _story_for(self, request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Article:
        article = get_object_or_404(Article.objects.with_bylines(), pk=pk)
        workflow.require(request.user, action, article)
        return article

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context.update(
                workflow_state=obj.state_label,
                workflow_actions=[
                    (action, label) for action, label in ACTION_LABELS.items() if workflow.can(user, action, obj)
                ],
                can_feature=workflow.can(user, Action.FEATURE, obj),
                timeline=obj.transitions.select_related("actor").order_by("-at", "-pk"),
                corrections=obj.corrections.select_related("created_by"),
                revision_count=obj.revisions.count(),
                preview_links=obj.preview_links.select_related("created_by").prefetch_related("uses")[:20]
                if workflow.is_editor(user)
                else [],
            )
        context["can_submit"] = workflow.can(request.user, Action.SUBMIT, obj) if obj else True
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        try:
            action = Action(action)
        except ValueError:
            raise Http404("No such workflow action.") from None
        if action == Action.IMPORT:
            raise Http404("Importing has its own page.")
        article = self._story_for(request, pk)
        if action == Action.FEATURE:
            if request.method != "POST":
                raise PermissionDenied
            outcome = workflow.set_featured(article, request.user, featured=request.POST.get("featured") == "1")
            return self._done(request, article, outcome.message)
        try:
            workflow.require(request.user, action, article)
        except WorkflowError as error:
            if not workflow.is_editor(request.user):
                raise
            # An editor may do anything a story's state allows, so this is a race (another editor
            # unpublished it first) or a stale page: say why, on the story, rather than "Forbidden".
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        form = WorkflowActionForm(action, request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                message = self._perform(request, article, action, data)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                return self._done(request, article, message)
        context = {
            **self.admin_site.each_context(request),
            "title": ACTION_LABELS.get(action, action).rstrip("…"),
            "subtitle": article.title,
            "opts": self.opts,
            "original": article,
            "form": form,
            "action": action,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/workflow_action.html", context)

    def _perform(self, request: HttpRequest, article: Article, action: Action, data: dict) -> str:
        user, note = request.user, data.get("note", "")
        if action == Action.SUBMIT:
            return workflow.submit(article, user, note=note).message
        if action == Action.WITHDRAW:
            return workflow.withdraw(article, user, note=note).message
        if action == Action.SEND_BACK:
            return workflow.send_back(article, user, note=note).message
        if action == Action.PUBLISH:
            return workflow.publish(article, user, note=note).message
        if action == Action.SCHEDULE:
            return workflow.publish(article, user, at=data["publish_at"], note=note).message
        if action == Action.UNPUBLISH:
            return workflow.unpublish(article, user, reason=note).message
        if action == Action.LIFT_EMBARGO:
            return workflow.lift_embargo(article, user, note=note).message
        if action == Action.CORRECT:
            correction = workflow.add_correction(article, user, kind=data["kind"], note=note)
            return f"{correction.get_kind_display()} added; the story now shows “Updated”."
        if action == Action.PREVIEW_LINK:
            link, token = previews.create_link(
                article, user, label=data["label"], lifetime=timedelta(hours=data["hours"])
            )
            url = request.build_absolute_uri(reverse("articles:preview_link", args=[token]))
            messages.warning(
                request,
                format_html(
                    "Preview link, valid until {}. Copy it now: it will not be shown again. <code>{}</code>",
                    timezone.localtime(link.expires_at).strftime("%d %b %Y %H:%M"),
                    url,
                ),
            )
            return "Preview link created."
        raise WorkflowError("This action is not available here.")

    def _done(self, request: HttpRequest, article: Article, message: str) -> HttpResponse:
        self.log_change(request, article, message)
        self.message_user(request, message, messages.SUCCESS)
        target = "admin:articles_article_change" if self.has_view_permission(request, article) else None
        return HttpResponseRedirect(reverse(target, args=[article.pk]) if target else reverse("admin:index"))

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._story_for(request, pk)
        banner = "Preview — this story is live" if article.is_published else "Preview — not published"
        return render_story(request, article, preview=banner)

    def revisions_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._story_for(request, pk)
        history = list(article.revisions.select_related("created_by"))
        changes, older, newer = None, None, None
        numbers = {revision.number: revision for revision in history}
        try:
            a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
        except ValueError:
            a = b = 0
        if a in numbers and b in numbers:
            older, newer = sorted([numbers[a], numbers[b]], key=lambda revision: revision.number)
            changes = revisions.compare(older, newer)
        elif len(history) >= 2:
            newer, older = history[0], history[1]
            changes = revisions.compare(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "title": "Revisions",
            "subtitle": article.title,
            "opts": self.opts,
            "original": article,
            "history": history,
            "older": older,
            "newer": newer,
            "changes": changes,
            "can_restore": workflow.can(request.user, Action.RESTORE, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        if request.method != "POST":
            raise PermissionDenied
        article = self._story_for(request, pk, Action.RESTORE)
        revision = get_object_or_404(Revision, article=article, number=number)
        new = revisions.restore(revision, request.user)
        return self._done(request, article, f"Restored revision {number} as revision {new.number}.")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": workflow.can(request.user, Action.IMPORT)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Editors upload stories (plain text, ninjs, feeds); each item is reported, with a link to its story."""
        workflow.require(request.user, Action.IMPORT)
        form = ImportStoriesForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            importer = Importer(
                section=form.cleaned_data["section"], user=request.user, fmt=Format(form.cleaned_data["format"])
            )
            for upload in form.cleaned_data["files"]:
                importer.import_upload(upload)
            report = importer.report
            for result in report.results:
                if result.outcome == Outcome.CREATED:
                    self.log_addition(request, result.article, f"Imported from {result.label}.")
                elif result.outcome == Outcome.UPDATED:
                    self.log_change(request, result.article, f"Updated from {result.label}.")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import stories",
            "opts": self.opts,
            "form": form,
            "report": report,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/import.html", context)

    def revoke_link_view(self, request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
        if request.method != "POST":
            raise PermissionDenied
        article = self._story_for(request, pk, Action.PREVIEW_LINK)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        previews.revoke_link(link, request.user)
        return self._done(request, article, "Preview link revoked.")


class EditorsRecordAdmin(admin.ModelAdmin):
    """A list for editors to read, made by the newsroom's own actions: nobody adds, changes or deletes."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return workflow.is_editor(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StoryInReview)
class ReviewQueueAdmin(EditorsRecordAdmin):
    """Stories waiting for an editor, oldest first."""

    list_display = ["story", "writer", "section", "submitted_at", "waiting"]
    list_display_links = None
    list_select_related = ["section", "created_by"]
    list_filter = ["section"]
    search_fields = ["title"]
    ordering = ["submitted_at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).in_review()

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return workflow.is_editor(request.user)

    @admin.display(description="Story")
    def story(self, article: Article) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title
        )

    @admin.display(description="Filed by", ordering="created_by__username")
    def writer(self, article: Article) -> str:
        user = article.created_by
        return (user.get_full_name() or user.username) if user else "—"

    @admin.display(description="Waiting")
    def waiting(self, article: Article) -> str:
        return timesince(article.submitted_at) if article.submitted_at else "—"


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The corrections record: added from a story's page, kept as published."""

    list_display = ["article", "kind", "note", "created_at", "created_by"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["note", "article__title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = ["article", "label", "created_by", "created_at", "expires_at", "revoked_at", "use_count"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "label", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(use_count=models.Count("uses"))

    @admin.display(description="Opened", ordering="use_count")
    def use_count(self, link: PreviewLink) -> int:
        return link.use_count

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return workflow.is_editor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return workflow.is_editor(request.user)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_editable = ["position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ImportedItem)
class ImportedItemAdmin(EditorsRecordAdmin):
    """The record of imported copy, for editors: what came from where, and which story it became."""

    list_display = ["identity", "origin", "story", "original", "source_published_at", "created_at", "updated_at"]
    list_filter = ["origin", "created_at"]
    list_select_related = ["article"]
    search_fields = ["identity", "original_url", "article__title"]
    readonly_fields = [
        "article", "origin", "identity", "content_hash", "original_url", "source_published_at", "created_at",
        "updated_at",
    ]  # fmt: skip

    @admin.display(description="Story", ordering="article__title")
    def story(self, item: ImportedItem) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[item.article_id]), item.article.title
        )

    @admin.display(description="Original link")
    def original(self, item: ImportedItem) -> str:
        if not item.original_url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', item.original_url, item.original_url)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return workflow.is_editor(request.user)
