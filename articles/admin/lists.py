"""What keeps the back office's story lists fast at a million stories (the story list and the review queue)."""

from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .. import search
from ..pagination import ArchivePaginator

# Story fields no list shows, left in the database when a list loads its rows.
LIST_DEFERRED = ("body", "body_html")


class StoryChangeList(ChangeList):
    """The story lists' rows without the text they never show: a body can be tens of kilobytes."""

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet:
        return super().get_queryset(request, exclude_parameters).defer(*LIST_DEFERRED)

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if isinstance(self.result_list, QuerySet):  # one page, or "show all": Django skipped the paginator
            self.result_list = self.model_admin.list_rows(self.result_list)

    def get_ordering(self, request: HttpRequest, queryset: QuerySet) -> list:
        ordering = super().get_ordering(request, queryset)
        # Django breaks ties with "-pk" whatever the direction of the column clicked; following the
        # column's direction instead lets one index (date, id) serve the list both ways.
        if len(ordering) >= 2 and ordering[-1] == "-pk" and isinstance(ordering[-2], str):
            ordering[-1] = "-pk" if ordering[-2].startswith("-") else "pk"
        return ordering


class ArchiveListMixin:
    """What keeps a list of stories fast at a million: no second count, deep pages by id, full-text search.

    The list's default order (``-published_at, -pk``) has an index of its own (``article_newest``).
    """

    paginator = ArchivePaginator
    show_full_result_count = False
    search_help_text = "Words of the headline, standfirst, body, tags or bylines, or a story's exact slug."

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return StoryChangeList

    def get_paginator(
        self, request: HttpRequest, queryset: QuerySet, per_page: int, orphans: int = 0, allow_empty_first_page=True
    ) -> ArchivePaginator:
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, rows=self.list_rows)

    def list_rows(self, rows: QuerySet) -> QuerySet:
        """The page's rows with what the list shows beside their own columns (left out of finding them)."""
        return rows

    def action_checkbox(self, obj) -> SafeString:
        """Django's row checkbox, the same HTML, written directly: Django renders it through the form
        widget templates, a template render per row, about a third of a 100-row list's time."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        if request.path == reverse("admin:autocomplete"):
            # A picker (a plan's story): the headline's words as they are being typed.
            return search.headline_starting_words(queryset, search_term), False
        return search.matching_any_state(queryset, search_term), False
