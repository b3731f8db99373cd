"""Lists made by the newsroom's own actions, for editors: the review queue, corrections, preview links, imports."""

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince

from common.admin import RecordAdminMixin

from .. import workflow
from ..models import (
    Article,
    Correction,
    ImportedItem,
    PreviewLink,
    StoryInReview,
)
from ..review_queue import waiting_entries
from .lists import ArchiveListMixin, StoryChangeList


class EditorsRecordAdmin(RecordAdminMixin, admin.ModelAdmin):
    """A list for editors to read, made by the newsroom's own actions: nobody adds, changes or deletes."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return workflow.is_editor(request.user)


class ReviewQueueChangeList(StoryChangeList):
    """The queue's stories, and on its first page what else waits for an editor (``articles.review_queue``):
    a live story's posts awaiting approval, in the same table, narrowed by the same section and search."""

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.here = request.get_full_path()  # where an approval from the queue comes back to
        self.waiting = []
        if self.page_num == 1:
            section = request.GET.get("section__id__exact", "")
            self.waiting = waiting_entries(
                request, section_id=int(section) if section.isdigit() else None, search=self.query.strip()
            )


@admin.register(StoryInReview)
class ReviewQueueAdmin(ArchiveListMixin, EditorsRecordAdmin):
    """Stories waiting for an editor, oldest first (from the ``article_review_queue`` index), and the other
    things waiting for the same editors (live posts) above them."""

    list_display = ["story", "writer", "section", "submitted_at", "waiting"]
    list_display_links = None
    list_select_related = ["section", "created_by"]
    list_filter = ["section"]
    search_fields = ["title"]  # shows the search box; ArchiveListMixin searches the full-text index
    ordering = ["submitted_at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).in_review()

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ReviewQueueChangeList]:
        return ReviewQueueChangeList

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
