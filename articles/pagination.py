"""Paginating long story lists so that page 500 costs about what page 1 does.

Two things make deep pages cheap:

- the page's ids are found first, from the index alone (``ORDER BY published_at
  DESC, id DESC`` matches the story indexes, so the database walks the index and
  never reads the rows it skips), and only those stories are then loaded in full;
- the total, which every page needs for "page 3 of 1,500", is counted once per
  content generation (see ``pagecache.store``) rather than on every request.
"""

import re
from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from pagecache.store import remember


class CountCachingPaginator(Paginator):
    """A paginator that counts its list once per content generation (when given a ``count_key``)."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count_key: str | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        return remember(f"count:{self.count_key}", self.object_list.count)


class StoryPaginator(CountCachingPaginator):
    """Pages found as ids from the index, then loaded by ``load`` (e.g. ``cards()``: a list or a queryset).

    ``with_ids``: more columns read beside each id (a joined tag's name), kept from the page's first
    row in ``first_row`` so that a view needs no query of its own for them. ``directly``: the page is
    loaded in one query, for lists already bounded by their filter (an author's stories, by id).
    ``load_by_id``: loads a page's ids (to a dict by id) instead of ``load`` (``cards_by_id``).
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        load: Callable[[QuerySet], Iterable] = lambda s: s,
        load_by_id: Callable[[list], dict] | None = None,
        with_ids: tuple[str, ...] = (),
        directly: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        self.load_by_id = load_by_id
        self.with_ids = with_ids
        self.first_row: tuple = ()
        self.directly = directly

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.directly:
            return self._get_page(list(self.load(self.object_list[bottom:top])), number, self)
        rows = list(self.object_list.values_list("pk", *self.with_ids)[bottom:top])
        ids = [row[0] for row in rows]
        self.first_row = rows[0][1:] if rows else ()
        # By primary key alone: the ids were just chosen by the list's own filters, and repeating
        # them here can lead the planner to walk the list's index instead of fetching 20 rows.
        if self.load_by_id is not None:
            stories = self.load_by_id(ids)
        else:
            model = self.object_list.model
            stories = {story.pk: story for story in self.load(model._default_manager.filter(pk__in=ids))}
        return self._get_page([stories[pk] for pk in ids if pk in stories], number, self)


# Lists longer than this are counted by the planner's estimate rather than row by row.
ESTIMATE_ABOVE = 10_000
_ESTIMATED_ROWS = re.compile(r"\brows=(\d+)")


def estimated_count(queryset: QuerySet, *, exact_below: int | None = None) -> int:
    """How many rows ``queryset`` has: PostgreSQL's estimate when that is large, else counted exactly.

    Counting a million stories reads every entry of an index (about 100 ms); the estimate is the
    planner's, from the table's statistics, in well under a millisecond, and good to a few per cent
    for the lists the admin shows. Small lists, where an exact figure matters, are counted.
    """
    return counted(queryset, exact_below=exact_below)[0]


def counted(queryset: QuerySet, *, exact_below: int | None = None) -> tuple[int, bool]:
    """``estimated_count``, and whether the figure is exact."""
    exact_below = ESTIMATE_ABOVE if exact_below is None else exact_below
    if connections[queryset.db].vendor == "postgresql":
        match = _ESTIMATED_ROWS.search(queryset.order_by().explain())
        if match and int(match.group(1)) >= exact_below:
            return int(match.group(1)), False
    return queryset.count(), True


class ArchivePaginator(Paginator):
    """Pages of a long admin list: its length estimated when long, each page's ids found first, then loaded.

    Deep pages then cost about what the first does: the ids come from the ordering's index (the rows
    skipped are never read), and only the page's rows are loaded, with everything the list shows.
    A page past the end of an estimated list is simply empty.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        rows: Callable[[QuerySet], QuerySet] = lambda rows: rows,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        # What the list shows beside each row's own columns (joins, subqueries): added to the page's
        # rows only, so that finding the page's ids is a walk of the ordering's index and nothing else.
        self.rows = rows

    @cached_property
    def count(self) -> int:
        return estimated_count(self.object_list)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        # Unordered, so the planner fetches these rows by primary key rather than walking the list's index.
        rows = {row.pk: row for row in self.rows(self.object_list.order_by().filter(pk__in=ids))} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
