"""Paginating long story lists so that page 500 costs about what page 1 does.

Two things make deep pages cheap:

- the page's ids are found first, from the index alone (``ORDER BY published_at
  DESC, id DESC`` matches the story indexes, so the database walks the index and
  never reads the rows it skips), and only those stories are then loaded in full;
- the total, which every page needs for "page 3 of 1,500", is counted once per
  content generation (see ``pagecache.store``) rather than on every request.
"""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
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
    """Pages found as ids from the index, then loaded by ``load`` (e.g. ``for_listing``).

    ``with_ids``: more columns read beside each id (a joined tag's name), kept from the page's first
    row in ``first_row`` so that a view needs no query of its own for them. ``directly``: the page is
    loaded in one query, for lists already bounded by their filter (an author's stories, by id).
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        load: Callable[[QuerySet], QuerySet] = lambda s: s,
        with_ids: tuple[str, ...] = (),
        directly: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
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
            return self._get_page(list(self.load(self.object_list)[bottom:top]), number, self)
        rows = list(self.object_list.values_list("pk", *self.with_ids)[bottom:top])
        ids = [row[0] for row in rows]
        self.first_row = rows[0][1:] if rows else ()
        # By primary key alone: the ids were just chosen by the list's own filters, and repeating
        # them here can lead the planner to walk the list's index instead of fetching 20 rows.
        stories = {story.pk: story for story in self.load(self.object_list.model._default_manager.filter(pk__in=ids))}
        return self._get_page([stories[pk] for pk in ids if pk in stories], number, self)
