"""One-row INSERTs whose SQL is compiled once per process, for the report intake's hot path.

``Model.save()`` rebuilds an INSERT's SQL on every call: for a model of fifty columns that costs
the worker more CPU than the database spends storing the row, and every report writes two such
rows (the case and its first history row). Here Django's own insert compiler writes the
statement once per database, so the columns, quoting and RETURNING clause stay the ORM's; each
insert then only converts its values, with each field's ``pre_save`` and ``get_db_prep_save``,
as ``save()`` would. The history row is not converted at all: ``HistoryRowCopy`` copies the
stored row's tracked columns inside the database.

What ``save()`` also does and this does not: send ``pre_save``/``post_save`` (callers write the
history row themselves with ``HistoryRowCopy``; tests pin the receivers an intake insert skips)
and accept expressions as values.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connections, models
from django.db.models.sql import InsertQuery
from django.utils import timezone

# What a RETURNING column may be: these come back from every backend as plain integers.
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[models.Field, ...]
    returning: tuple[models.Field, ...]


class CompiledPerDatabase:
    """Builds a statement with ``_compile(using)`` on first use for each database, and keeps it."""

    def __init__(self) -> None:
        self._statements: dict = {}
        self._lock = threading.Lock()

    def _statement(self, using: str):
        statement = self._statements.get(using)
        if statement is None:
            with self._lock:
                statement = self._statements.get(using) or self._compile(using)
                self._statements[using] = statement
        return statement

    def _compile(self, using: str):
        raise NotImplementedError


class RowInsert(CompiledPerDatabase):
    """Inserts new rows of one model, one at a time, with a statement built on first use."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__()
        self.model = model

    def __call__(self, obj: models.Model, *, using: str = "default") -> models.Model:
        """Insert ``obj`` (a new instance of the model) and set its primary key and generated
        columns from the database, as ``obj.save(force_insert=True)`` would."""
        if type(obj) is not self.model:
            raise TypeError(f"expected a {self.model.__name__}, got {type(obj).__name__}")
        connection = connections[using]
        statement = self._statement(using)
        values = self.values(obj, using=using)
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, values)
            row = cursor.fetchone() if statement.returning else ()
        for field, value in zip(statement.returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using
        return obj

    def fields(self, *, using: str = "default") -> tuple[models.Field, ...]:
        """The inserted fields, in the order of the statement's columns and of ``values``."""
        return self._statement(using).fields

    def values(self, obj: models.Model, *, using: str = "default") -> list:
        """``obj``'s values for the insert, each field's ``pre_save`` and database conversion
        applied as ``save()`` would."""
        connection = connections[using]
        values = []
        for field in self._statement(using).fields:
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.name}: expressions are not supported here")
            values.append(field.get_db_prep_save(value, connection=connection))
        return values

    def _compile(self, using: str) -> _Statement:
        meta = self.model._meta
        connection = connections[using]
        # As save() does for a new row: every stored column, except an automatic primary key
        # (the database numbers it) and generated columns (the database computes them).
        fields = tuple(
            field
            for field in meta.local_concrete_fields
            if not field.generated and field is not meta.auto_field
        )
        returning = tuple(meta.db_returning_fields)
        if not connection.features.can_return_columns_from_insert:
            raise NotImplementedError(f"{connection.vendor} cannot return columns from INSERT")
        for field in returning:
            kind = getattr(field, "output_field", field).get_internal_type()
            if kind not in _INTEGER_TYPES:
                raise NotImplementedError(f"{field.name}: only integer columns are returned")
        query = InsertQuery(self.model)
        # Compiling needs a row; any new instance gives the same SQL, the values are not kept.
        query.insert_values(fields, [self.model()], raw=False)
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = list(returning)
        [(sql, _params)] = compiler.as_sql()
        return _Statement(sql=sql, fields=fields, returning=returning)


# The columns django-simple-history adds to a historical model, besides its own primary key.
_HISTORY_OWN_FIELDS = ("history_date", "history_type", "history_user", "history_change_reason")


@dataclass(frozen=True)
class _Copy:
    sql: str
    columns: tuple[str, ...]  # The history table's columns, quoted: copied ones, then its own.
    sources: tuple[str, ...]  # The source table's columns copied into them, quoted.
    own_fields: tuple[models.Field, ...]


class HistoryRowCopy(CompiledPerDatabase):
    """Writes the "created" history row of a row just inserted, as django-simple-history's
    post_save would (every tracked column, the user, the time and type ``+``), by copying the
    stored row inside the database: one ``INSERT ... SELECT`` whose only parameters are the
    history's own columns and the row's primary key.

    Building the historical instance and converting its fifty values again cost the worker
    about 1 ms per report; the copy costs a quarter of that.
    """

    def __init__(self, history_model: type[models.Model]) -> None:
        super().__init__()
        self.history_model = history_model
        self.model = history_model.instance_type

    def __call__(self, instance: models.Model, *, user) -> None:
        if type(instance) is not self.model:
            raise TypeError(f"expected a {self.model.__name__}, got {type(instance).__name__}")
        using = instance._state.db or "default"
        statement = self._statement(using)
        values = self.own_values_for(instance, user=user, using=using)
        with connections[using].cursor() as cursor:
            cursor.execute(statement.sql, [*values, instance.pk])
            copied = cursor.rowcount
        if copied != 1:
            raise RuntimeError(f"{self.model.__name__} {instance.pk!r} is not stored: no history")

    def copy_rows(
        self, pks, *, user, change_reason: str | None = None, using: str = "default"
    ) -> int:
        """Write the "created" history rows of many stored rows at once (an import), all with
        the same time, user and change reason, in statements of at most 500 keys; return how
        many were written."""
        source = self.model._meta
        quote = connections[using].ops.quote_name
        columns, selected = self.select_list(quote(source.db_table), using=using)
        own = self.own_values(
            date=timezone.now(), user=user, change_reason=change_reason, using=using
        )
        pks = list(pks)
        written = 0
        with connections[using].cursor() as cursor:
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                cursor.execute(
                    f"INSERT INTO {quote(self.history_model._meta.db_table)} ({columns}) "
                    f"SELECT {selected} FROM {quote(source.db_table)} "
                    f"WHERE {quote(source.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                    [*own, *chunk],
                )
                written += cursor.rowcount
        return written

    def copy_all(
        self, *, date_from: str, user_from: str | None = None, using: str = "default"
    ) -> int:
        """Write the "created" history row of every stored row in one statement (a seeded
        database), each dated by the row's own field ``date_from`` and made by the user in its
        field ``user_from`` (nobody when None); return how many were written."""
        statement = self._statement(using)
        source = self.model._meta
        quote = connections[using].ops.quote_name
        own = {
            "history_date": quote(source.get_field(date_from).column),
            "history_type": "'+'",
            "history_user": quote(source.get_field(user_from).column) if user_from else "NULL",
            "history_change_reason": "NULL",
        }
        selected = [*statement.sources, *(own[field.name] for field in statement.own_fields)]
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(self.history_model._meta.db_table)} "
                f"({', '.join(statement.columns)}) "
                f"SELECT {', '.join(selected)} FROM {quote(source.db_table)}"
            )
            return cursor.rowcount

    def select_list(self, source: str, *, using: str = "default") -> tuple[str, str]:
        """The history table's column list and the SELECT list that fills it from ``source`` (a
        table or a ``WITH`` query holding the row's columns under their own names), for a copy
        written as part of another statement. The SELECT list ends with one placeholder per
        value of ``own_values``."""
        statement = self._statement(using)
        columns = ", ".join(statement.columns)
        selected = [f"{source}.{column}" for column in statement.sources]
        selected += ["%s"] * len(statement.own_fields)
        return columns, ", ".join(selected)

    def own_values_for(self, instance: models.Model, *, user, using: str = "default") -> list:
        """``own_values`` for ``instance``'s "created" row: the time and reason set on it as
        django-simple-history reads them (``_history_date``, ``_change_reason``), or now."""
        return self.own_values(
            date=getattr(instance, "_history_date", None) or timezone.now(),
            user=user,
            change_reason=getattr(instance, "_change_reason", None),
            using=using,
        )

    def own_values(self, *, date, user, change_reason: str | None, using: str = "default") -> list:
        """The history's own columns for a "created" row (type ``+``), in the statement's
        order."""
        connection = connections[using]
        own = {
            "history_date": date,
            "history_type": "+",
            "history_user": getattr(user, "pk", None),
            "history_change_reason": change_reason,
        }
        return [
            field.get_db_prep_save(own[field.name], connection=connection)
            for field in self._statement(using).own_fields
        ]

    def _compile(self, using: str) -> _Copy:
        quote = connections[using].ops.quote_name
        meta = self.history_model._meta
        source_meta = self.model._meta
        tracked = {field.attname: field for field in self.history_model.tracked_fields}
        targets, sources, own_fields = [], [], []
        for field in meta.concrete_fields:
            if field is meta.pk:
                continue  # The database numbers history rows.
            if field.attname in tracked:
                targets.append(field.column)
                sources.append(tracked[field.attname].column)
            elif field.name in _HISTORY_OWN_FIELDS:
                own_fields.append(field)
            else:
                raise NotImplementedError(f"{meta.label}.{field.name}: not a copied column")
        columns = tuple(quote(column) for column in [*targets, *(f.column for f in own_fields)])
        sources = tuple(quote(column) for column in sources)
        selected = [*sources, *["%s"] * len(own_fields)]
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)} FROM {quote(source_meta.db_table)} "
            f"WHERE {quote(source_meta.pk.column)} = %s"
        )
        return _Copy(sql=sql, columns=columns, sources=sources, own_fields=tuple(own_fields))
