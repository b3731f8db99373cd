"""Every use of Django's private API in the project, in one place, each pinned by tests.

Checked on Django 5.2.x (5.2.19). On a Django upgrade, run ``tests/common/test_django_internals.py``
on SQLite and PostgreSQL first: it fails here, not on a reader page, when an internal changes.

- ``union_all_rows`` compiles querysets with ``Query.get_compiler().as_sql()``: ``QuerySet.union()``
  refuses sliced parts on SQLite ("LIMIT/OFFSET not allowed in subqueries of compound statements"),
  and the public alternatives cost more: one query per part multiplies the round trips of the story
  page (whose query count the tests assert), and ``pk__in`` around each sliced part makes the database
  look every row up twice.
- ``union_all_rows_at`` keeps ``union_all_rows``'s SQL and parameters, and swaps the parameters a
  sentinel moment became (``DateTimeField.get_db_prep_value``) for another moment's, and sentinel
  integers (ids) for the run's own.
- ``rows_by_ids`` keeps a ``values_list()`` query's SQL from ``Query.get_compiler().as_sql()`` and its
  column converters from ``SQLCompiler.get_converters()`` (applied as ``SQLCompiler.apply_converters``
  does), and runs that SQL again with other ids: the story cards' two queries have one shape per number
  of stories, and building and compiling them was a tenth of a list page's instructions.
- ``instances_at`` keeps a model queryset's compiler (its SQL from ``SQLCompiler.as_sql()``, its
  ``select``/``klass_info`` from ``pre_sql_setup()``) and hands it to ``ModelIterable`` through the
  query's ``get_compiler`` (an instance attribute), with ``as_sql`` answering the kept SQL with the
  run's parameters: the story page's own query (the story, its section, lead picture and live
  coverage joined in) cost 3M instructions a render to build and compile.
- ``already_stored`` reads ``FieldFile._committed``, the only mark Django keeps of whether a file
  field holds a new upload (not yet saved to storage) or a file already in storage; its public
  alternative, opening the file from storage, reads the whole file on every save.

Elsewhere the project uses public API only (``transaction.on_commit`` for work after a commit, the
``_meta`` API for models).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, models, router


def union_all_rows(querysets: list[models.QuerySet]) -> list[tuple[int, tuple]]:
    """The rows of several (sliced) ``values_list()`` querysets in one query, as (part number, row).

    Each part keeps its own ordering and slice; the parts come back in the order given. Each sliced
    part is wrapped as a derived table, valid SQL on SQLite and PostgreSQL alike. Values come back as
    the database driver gives them (no field conversions), so keep to ids and dates.
    """
    if not querysets:
        return []
    using = querysets[0].db
    sql, params = _union_all(querysets, using)
    return _run_union(using, sql, params)


def _union_all(querysets: list[models.QuerySet], using: str) -> tuple[str, list]:
    compiled = [queryset.query.get_compiler(using=using).as_sql() for queryset in querysets]
    sql = " UNION ALL ".join(
        f"SELECT {number}, part_{number}.* FROM ({part}) AS part_{number}" for number, (part, _) in enumerate(compiled)
    )
    return sql, [param for _, params in compiled for param in params]


def _run_union(using: str, sql: str, params: list) -> list[tuple[int, tuple]]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1:]) for row in cursor.fetchall()]


def _kept_where(name: str, model: type[models.Model], key: tuple, values: tuple, sentinels: tuple) -> tuple:
    """The database alias, connection and full key a kept query of ``model`` is kept under."""
    if len(values) > len(sentinels):
        raise ValueError(f"{name}: at most {len(sentinels)} values, not {len(values)}.")
    using = router.db_for_read(model)
    connection = connections[using]
    # The connection's own (one per thread): the kept parameters are prepared for it.
    return using, connection, (key, len(values), using, id(connection))


@dataclass(frozen=True)
class _Swaps:
    """Where a kept query's parameters take the run's moment and values."""

    params: list
    moments: list[int]
    # (parameter position, which value)
    values: list[tuple[int, int]]

    @classmethod
    def found(cls, params: list, sentinels: tuple, connection) -> "_Swaps":
        sentinel = models.DateTimeField().get_db_prep_value(_SENTINEL, connection)
        number_of = {value: number for number, value in enumerate(sentinels)}
        kinds = {type(value) for value in sentinels}
        return cls(
            list(params),
            [position for position, param in enumerate(params) if param == sentinel],
            [
                (position, number_of[param])
                for position, param in enumerate(params)
                if type(param) in kinds and param in number_of
            ],
        )

    def params_for(self, at: datetime, values: tuple, connection) -> list:
        params = list(self.params)
        moment = models.DateTimeField().get_db_prep_value(at, connection)
        for position in self.moments:
            params[position] = moment
        for position, number in self.values:
            params[position] = values[number]
        return params


# A moment no query asks about, built into the SQL kept by ``union_all_rows_at`` where the moment goes.
_SENTINEL = datetime(1971, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
# Ids no query asks about (no primary key is negative), one per value ``union_all_rows_at`` swaps.
_SENTINEL_IDS = tuple(-987_654_321_000 - number for number in range(64))
_UNIONS: dict[tuple, tuple[str, "_Swaps"]] = {}
_UNIONS_LIMIT = 100


def union_all_rows_at(
    build: Callable[..., list[models.QuerySet]],
    at: datetime,
    *,
    model: type[models.Model],
    key: tuple,
    values: tuple[int, ...] = (),
) -> list[tuple[int, tuple]]:
    """``union_all_rows(build(at, *values))``, built and compiled once per ``key`` (and database connection).

    ``build(moment, *values)`` must give the same SQL for the same ``key`` whatever the moment and
    values, and use the moment only as datetime parameters (``published(at=moment)``) and each value
    (an integer: ids) only as a parameter of its own: it is built once with a sentinel moment and
    sentinel integers, whose parameters are swapped for ``at``'s and ``values``' on every run. The
    front page's dozen parts cost more to build and compile than the rest of the page's queries together.
    """
    using, connection, full_key = _kept_where("union_all_rows_at", model, key, values, _SENTINEL_IDS)
    kept = _UNIONS.get(full_key)
    if kept is None:
        sentinel_ids = _SENTINEL_IDS[: len(values)]
        querysets = build(_SENTINEL, *sentinel_ids)
        if not querysets:
            return []
        sql, params = _union_all(querysets, using)
        kept = (sql, _Swaps.found(params, sentinel_ids, connection))
        if len(_UNIONS) >= _UNIONS_LIMIT:
            _UNIONS.clear()
        _UNIONS[full_key] = kept
    sql, swaps = kept
    params = swaps.params_for(at, values, connection)
    return _run_union(using, sql, params)


# Texts no query asks about, one per text value ``instances_at`` swaps.
_SENTINEL_TEXTS = tuple(f"kept-query-sentinel-{number}-e3b0c442" for number in range(8))
_INSTANCES: dict[tuple, tuple[models.QuerySet, _Swaps]] = {}
_INSTANCES_LIMIT = 100


def instances_at(
    build: Callable[..., models.QuerySet],
    at: datetime,
    *,
    model: type[models.Model],
    key: tuple,
    values: tuple[str, ...],
) -> list[models.Model]:
    """The model instances of ``build(at, *values)``, built and compiled once per ``key`` (and connection).

    ``build(moment, *values)`` must give the same SQL for the same ``key`` whatever the moment and the
    texts in ``values``, and use each only as parameters of its own (``published(at=moment)``,
    ``filter(slug=value)``). Instances are made as the queryset makes them (``select_related`` too).
    """
    using, connection, full_key = _kept_where("instances_at", model, key, values, _SENTINEL_TEXTS)
    kept = _INSTANCES.get(full_key)
    if kept is None:
        sentinel_texts = _SENTINEL_TEXTS[: len(values)]
        queryset = build(_SENTINEL, *sentinel_texts)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # also sets the compiler's select and klass_info, kept with it
        compiler.kept_params = list(params)

        def kept_as_sql(*args, **kwargs) -> tuple[str, tuple]:
            return sql, tuple(compiler.kept_params)

        compiler.as_sql = kept_as_sql
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        kept = (queryset, _Swaps.found(params, sentinel_texts, connection))
        if len(_INSTANCES) >= _INSTANCES_LIMIT:
            _INSTANCES.clear()
        _INSTANCES[full_key] = kept
    queryset, swaps = kept
    params = swaps.params_for(at, values, connection)
    compiler = queryset.query.get_compiler()
    compiler.kept_params = params
    return list(models.query.ModelIterable(queryset))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # (column position, its converters, the column's expression), as ``SQLCompiler.get_converters()`` gives them.
    converters: list[tuple[int, list, object]]


_COMPILED: dict[tuple, _Compiled] = {}
_COMPILED_LIMIT = 1_000


def rows_by_ids(name: str, model: type[models.Model], ids: list[int], build: Callable[[list], models.QuerySet]):
    """The rows of ``build(ids)``, a ``values_list()`` queryset whose only parameters are ``ids`` (``pk__in``).

    Built and compiled once per ``name``, database and number of ids, then only executed: values come
    back converted as ``values_list()`` converts them (dates on SQLite…). Duplicate ids count once.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    using = router.db_for_read(model)
    connection = connections[using]
    # The connection's own (one per thread): converters are bound to its operations.
    key = (name, using, id(connection), connection.vendor, len(ids))
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiler = build(ids).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if list(params) != ids:
            raise ValueError(f"rows_by_ids({name!r}): the query's parameters must be the ids alone, not {params!r}.")
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        converters = [
            (position, convs, column) for position, (convs, column) in compiler.get_converters(columns).items()
        ]
        compiled = _Compiled(sql, converters)
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, ids)
        rows = cursor.fetchall()
    if not compiled.converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for position, convs, column in compiled.converters:
            value = row[position]
            for converter in convs:
                value = converter(value, column, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def already_stored(file: object) -> bool:
    """Whether ``file`` is a file field's value that is already in storage (not a new upload).

    False for a new upload assigned to a file field (Django stores it during the model's save) and for
    anything that is not a file field's value (an ``UploadedFile`` straight from a form).
    """
    return bool(getattr(file, "_committed", False))
