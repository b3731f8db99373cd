"""What keeps the back office's story lists fast at a million stories (the story list and the review queue)."""

from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from .. import search
from ..pagination import ArchivePaginator

# Story fields no list shows, left in the database when a list loads its rows.
LIST_DEFERRED = ("body", "body_html")


class StoryChangeList(ChangeList):
    """The story lists' rows without the text they never show: a body can be tens of kilobytes."""

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet:
        return super().get_queryset(request, exclude_parameters).defer(*LIST_DEFERRED)

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

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        if request.path == reverse("admin:autocomplete"):
            # A picker (a plan's story): the headline's words as they are being typed.
            return search.headline_starting_words(queryset, search_term), False
        return search.matching_any_state(queryset, search_term), False
