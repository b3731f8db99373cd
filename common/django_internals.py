"""Every use of Django's private API in the project, in one place, each pinned by tests.

Checked on Django 5.2.x (5.2.19). On a Django upgrade, run ``tests/common/test_django_internals.py``
on SQLite and PostgreSQL first: it fails here, not on a reader page, when an internal changes.

- ``union_all_rows`` compiles querysets with ``Query.get_compiler().as_sql()``: ``QuerySet.union()``
  refuses sliced parts on SQLite ("LIMIT/OFFSET not allowed in subqueries of compound statements"),
  and the public alternatives cost more: one query per part multiplies the round trips of the story
  page (whose query count the tests assert), and ``pk__in`` around each sliced part makes the database
  look every row up twice.
- ``handed_over_on_fetch`` sets ``QuerySet._iterable_class`` (the class Django itself swaps for
  ``values()``) so that a queryset's model instances are handed, as one list per fetch, to its
  ``on_fetch()`` before anyone sees them, however the queryset is chained (``order_by()``, slices,
  ``first()``, ``get()``, pagination). Story cards get their byline names so, from one query of names;
  ``Prefetch(to_attr=…)`` gives the same in the same number of queries but builds an object per byline,
  which costs listing pages 2–5 % more instructions (front page 110.2M → 115.1M per render).
- ``already_stored`` reads ``FieldFile._committed``, the only mark Django keeps of whether a file
  field holds a new upload (not yet saved to storage) or a file already in storage; its public
  alternative, opening the file from storage, reads the whole file on every save.

Elsewhere the project uses public API only (``transaction.on_commit`` for work after a commit, the
``_meta`` API for models).
"""

from django.db import connections, models


def union_all_rows(querysets: list[models.QuerySet]) -> list[tuple[int, tuple]]:
    """The rows of several (sliced) ``values_list()`` querysets in one query, as (part number, row).

    Each part keeps its own ordering and slice; the parts come back in the order given. Each sliced
    part is wrapped as a derived table, valid SQL on SQLite and PostgreSQL alike. Values come back as
    the database driver gives them (no field conversions), so keep to ids and dates.
    """
    if not querysets:
        return []
    using = querysets[0].db
    compiled = [queryset.query.get_compiler(using=using).as_sql() for queryset in querysets]
    sql = " UNION ALL ".join(
        f"SELECT {number}, part_{number}.* FROM ({part}) AS part_{number}" for number, (part, _) in enumerate(compiled)
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [param for _, params in compiled for param in params])
        return [(row[0], row[1:]) for row in cursor.fetchall()]


class _HandedOver(models.query.ModelIterable):
    """Model instances, handed to their queryset's ``on_fetch(instances)`` before they are yielded."""

    def __iter__(self):
        instances = list(super().__iter__())
        if instances:
            self.queryset.on_fetch(instances)
        yield from instances


def handed_over_on_fetch(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` (of a class with an ``on_fetch(instances)`` method) calling it once per non-empty fetch.

    Survives chaining, as ``values()`` does not: ``values()``/``values_list()`` rows are not handed over.
    ``iterator()`` hands everything over at once too, whatever its chunk size: not for huge querysets.
    """
    # Set on ``queryset`` itself, which callers give fresh from a chained method: one more clone
    # would be measurable on listing pages.
    queryset._iterable_class = _HandedOver
    return queryset


def already_stored(file: object) -> bool:
    """Whether ``file`` is a file field's value that is already in storage (not a new upload).

    False for a new upload assigned to a file field (Django stores it during the model's save) and for
    anything that is not a file field's value (an ``UploadedFile`` straight from a form).
    """
    return bool(getattr(file, "_committed", False))
