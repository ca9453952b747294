"""Hand-written SQL for the hottest reads and writes, with the ORM's own conversions.

On a booking or a scan the ORM spent more CPU building and loading a query than the
database spent answering it (bench/profile_hot_paths.py). `ModelColumns` names some
fields of several models for one SELECT written by hand, and turns a result row back
into model instances, with each value converted as the ORM converts it on this database
(SQLite's text times, its 0/1 booleans). Fields not read load on access, as with
`.only()`. `rows_insert` writes new instances with one INSERT whose text is built once;
on PostgreSQL `rows_insert_together` writes several models' rows and an UPDATE at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from django.db import connection
from django.db.models import Model
from django.db.models.constants import OnConflict

# The largest primary key a table holds (BigAutoField). An id beyond it in a request is
# refused as invalid input: SQLite cannot even take it as a query parameter.
ID_MAX = 2**63 - 1


class ModelColumns:
    def __init__(self, *parts: tuple[type[Model], str, Sequence[str] | None]):
        """`parts`: (model, its alias in the query, its field names or None for all)."""
        self.parts = []
        for model, alias, names in parts:
            order = model._meta.concrete_fields
            fields = [model._meta.get_field(name) for name in names] if names else order
            # `Model.from_db` takes a partial row's values in the model's field order.
            self.parts.append((model, alias, sorted(fields, key=order.index)))

    def table(self, model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    @cached_property
    def select(self) -> str:
        """The quoted column list, for after SELECT."""
        quote = connection.ops.quote_name
        return ", ".join(
            f"{alias}.{quote(field.column)}"
            for _model, alias, fields in self.parts
            for field in fields
        )

    @cached_property
    def _converters(self) -> list[tuple]:
        """(position, column, functions) of each value this database needs converted."""
        converters, position = [], 0
        for _model, alias, fields in self.parts:
            for field in fields:
                column = field.get_col(alias)
                functions = [
                    *connection.ops.get_db_converters(column),
                    *column.get_db_converters(connection),
                ]
                if functions:
                    converters.append((position, column, functions))
                position += 1
        return converters

    @cached_property
    def _layout(self) -> list[tuple]:
        """(model, alias, its first and past-last position, attribute names, pk's index)."""
        layout, start = [], 0
        for model, alias, fields in self.parts:
            names = [field.attname for field in fields]
            pk_index = names.index(model._meta.pk.attname)
            layout.append((model, alias, start, start + len(fields), names, pk_index))
            start += len(fields)
        return layout

    @property
    def width(self) -> int:
        return self._layout[-1][3]

    def instances(self, row: Sequence) -> dict[str, Model | None]:
        """By alias, each model's instance from the row's first `width` values; None
        where the primary key is NULL (its LEFT JOIN found nothing)."""
        values = list(row[: self.width])
        for position, column, functions in self._converters:
            value = values[position]
            for function in functions:
                value = function(value, column, connection)
            values[position] = value
        found = {}
        for model, alias, start, end, names, pk_index in self._layout:
            own = values[start:end]
            found[alias] = (
                None if own[pk_index] is None else model.from_db(connection.alias, names, own)
            )
        return found


@cache
def _insert_statement(model: type[Model], rows: int, ignore_conflicts: bool, with_pk: bool = False):
    """The INSERT's text, the fields it writes in order, and whether it returns ids.

    `with_pk`: the rows come with their primary keys (drawn beforehand), so nothing is
    returned.
    """
    meta = model._meta
    fields = [field for field in meta.concrete_fields if with_pk or field is not meta.auto_field]
    quote, ops = connection.ops.quote_name, connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    parts = [
        ops.insert_statement(on_conflict=on_conflict),
        quote(meta.db_table),
        "(" + ", ".join(quote(field.column) for field in fields) + ")",
        "VALUES",
        ", ".join([row] * rows),
        ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    ]
    # A skipped row would shift the ids.
    returning = meta.auto_field is not None and not ignore_conflicts and not with_pk
    if returning:
        parts.append(f"RETURNING {quote(meta.auto_field.column)}")
    return " ".join(part for part in parts if part), fields, returning


def _insert_params(instances: Sequence[Model], fields) -> list:
    return [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in instances
        for field in fields
    ]


def _inserted(instances: Sequence[Model], ids) -> None:
    for instance, primary_key in zip(instances, ids, strict=True):
        instance.pk = primary_key
        instance._state.adding = False
        instance._state.db = connection.alias


def rows_insert(instances: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """INSERT new instances of one model in one statement, as `bulk_create` would.

    Values are prepared by each field as the ORM prepares them (defaults, `auto_now_add`,
    JSON, this database's time format). The instances get their ids, except with
    `ignore_conflicts` (a skipped row would shift them). No signals are sent.
    """
    statement, fields, returning = _insert_statement(
        type(instances[0]), len(instances), ignore_conflicts
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, _insert_params(instances, fields))
        if returning:
            ids = [row[0] for row in cursor.fetchall()]
        else:
            ids = [instance.pk for instance in instances]
    _inserted(instances, ids)


@dataclass(frozen=True)
class Rows:
    """New instances of one model for `rows_insert_together`."""

    instances: Sequence[Model]
    ignore_conflicts: bool = False
    with_pk: bool = False  # their primary keys were drawn beforehand (`next_id_sql`)


def next_id_sql(model: type[Model]) -> str:
    """PostgreSQL: an expression drawing the next primary key of `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    return f"nextval(pg_get_serial_sequence('{table}', '{model._meta.pk.column}'))"


@cache
def _together_statement(shapes: tuple, then: str | None) -> str:
    """One statement: each INSERT, then `then`, as data-modifying WITH queries.

    The outer SELECT reads them in that order, which is the order they run in: `then`
    (the UPDATE that locks a contended row) runs last, and its lock is held the least.
    The value read from an INSERT is its returned ids, or its row count (unused).
    """
    quote = connection.ops.quote_name
    parts, results = [], []
    for index, (model, rows, ignore_conflicts, with_pk) in enumerate(shapes):
        statement, _fields, returning = _insert_statement(model, rows, ignore_conflicts, with_pk)
        if returning:
            column = quote(model._meta.auto_field.column)
            results.append(f"ARRAY(SELECT {column} FROM w{index})")  # noqa: S608 - names
        else:
            statement += " RETURNING 1"
            results.append(f"(SELECT count(*) FROM w{index})")  # noqa: S608 - names
        parts.append(f"w{index} AS ({statement})")
    if then is not None:
        parts.append(f"u AS ({then} RETURNING 1)")
        results.append("(SELECT count(*) FROM u)")
    return f"WITH {', '.join(parts)} SELECT {', '.join(results)}"


def rows_insert_together(*groups: Rows, then: tuple[str, list] | None = None) -> int:
    """PostgreSQL: INSERT several models' rows and run `then` (an UPDATE) in one statement.

    One round trip where there were one per statement. Rows are prepared as
    `rows_insert` prepares them and get their ids; the rows `then` changed are returned.
    A row that refers to another group's row names it by a primary key drawn beforehand:
    the whole statement is checked against its constraints once it has run.
    """
    assert connection.vendor == "postgresql", "data-modifying WITH queries are PostgreSQL's"
    shapes = tuple(
        (type(group.instances[0]), len(group.instances), group.ignore_conflicts, group.with_pk)
        for group in groups
    )
    params = []
    for group, shape in zip(groups, shapes, strict=True):
        params += _insert_params(group.instances, _insert_statement(*shape)[1])
    then_sql, then_params = then if then is not None else (None, [])
    with connection.cursor() as cursor:
        cursor.execute(_together_statement(shapes, then_sql), params + list(then_params))
        *written, changed = cursor.fetchone() + ((0,) if then is None else ())
    for group, shape, ids in zip(groups, shapes, written, strict=True):
        returning = _insert_statement(*shape)[2]
        _inserted(group.instances, ids if returning else [i.pk for i in group.instances])
    return changed
