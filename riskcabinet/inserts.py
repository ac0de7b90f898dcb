"""One-row INSERTs whose SQL is compiled once per process, for the report intake's hot path.

``Model.save()`` rebuilds an INSERT's SQL on every call: for a model of fifty columns that costs
the worker more CPU than the database spends storing the row, and every report writes two such
rows (the case and its first history row). Here Django's own insert compiler writes the
statement once per database, so the columns, quoting and RETURNING clause stay the ORM's; each
insert then only converts its values, with each field's ``pre_save`` and ``get_db_prep_save``,
as ``save()`` would.

What ``save()`` also does and this does not: send ``pre_save``/``post_save`` (callers write the
history row themselves with ``history_row_insert``; tests pin the receivers an intake insert
skips) and accept expressions as values.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models.sql import InsertQuery
from django.utils import timezone

_NONE: Mapping[str, Any] = MappingProxyType({})

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


class RowInsert:
    """Inserts new rows of one model, one at a time, with a statement built on first use."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._statements: dict[str, _Statement] = {}
        self._lock = threading.Lock()

    def __call__(self, obj: models.Model, *, using: str = "default") -> models.Model:
        """Insert ``obj`` (a new instance of the model) and set its primary key and generated
        columns from the database, as ``obj.save(force_insert=True)`` would."""
        self.insert(obj, using=using)
        return obj

    def insert(
        self, obj: models.Model, *, using: str = "default", prepared: Mapping[str, Any] = _NONE
    ) -> dict[str, Any]:
        """Insert ``obj`` as ``__call__`` does; return the values written, by attribute name.

        ``prepared`` holds values already converted for this database (what another insert of
        a model with the same columns returned); those fields are taken as they are.
        """
        if type(obj) is not self.model:
            raise TypeError(f"expected a {self.model.__name__}, got {type(obj).__name__}")
        connection = connections[using]
        statement = self._statement(using)
        written = {}
        for field in statement.fields:
            if field.attname in prepared:
                written[field.attname] = prepared[field.attname]
                continue
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.name}: expressions are not supported here")
            written[field.attname] = field.get_db_prep_save(value, connection=connection)
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, list(written.values()))
            row = cursor.fetchone() if statement.returning else ()
        for field, value in zip(statement.returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using
        return written

    def _statement(self, using: str) -> _Statement:
        statement = self._statements.get(using)
        if statement is None:
            with self._lock:
                statement = self._statements.get(using) or self._compile(using)
                self._statements[using] = statement
        return statement

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


def history_row_insert(
    insert: RowInsert,
    instance: models.Model,
    *,
    user,
    written: Mapping[str, Any] = _NONE,
) -> models.Model:
    """Write the "created" history row of a just-inserted ``instance``, as django-simple-history's
    post_save would: every tracked column, the user, the time and type ``+``.

    ``insert`` is a ``RowInsert`` of the model's historical model. ``written`` is what the
    instance's own ``RowInsert.insert`` returned: a tracked column of the same type is copied
    from it rather than converted a second time.
    """
    history_model = insert.model
    tracked = history_model.tracked_fields
    row = history_model(
        history_date=getattr(instance, "_history_date", None) or timezone.now(),
        history_type="+",
        history_user=user,
        history_change_reason=getattr(instance, "_change_reason", None),
        **{field.attname: getattr(instance, field.attname) for field in tracked},
    )
    reusable = _same_columns(history_model, type(instance))
    prepared = {name: value for name, value in written.items() if name in reusable}
    insert.insert(row, using=instance._state.db or "default", prepared=prepared)
    return row


@functools.cache
def _same_columns(history_model: type[models.Model], model: type[models.Model]) -> frozenset:
    """Attribute names stored the same way in both models: same column type, and a history
    field whose pre_save keeps the instance's value."""
    names = set()
    for field in history_model._meta.concrete_fields:
        try:
            source = model._meta.get_field(field.name)
        except FieldDoesNotExist:
            continue
        if (
            source.concrete
            and source.attname == field.attname
            and source.get_internal_type() == field.get_internal_type()
            and _plain_pre_save(field)
        ):
            names.add(field.attname)
    return frozenset(names)


_VALUE_KEEPING_PRE_SAVE = {
    models.Field.pre_save,
    models.DateField.pre_save,
    models.DateTimeField.pre_save,
    models.TimeField.pre_save,
}


def _plain_pre_save(field: models.Field) -> bool:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    return type(field).pre_save in _VALUE_KEEPING_PRE_SAVE
