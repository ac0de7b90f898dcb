"""A new case in one PostgreSQL statement: its reference number, the case and its history row.

Written one step at a time, a report holds a transaction open across five round trips to the
database (BEGIN, the year's counter, the case, its "created" history row, COMMIT), and every
report of the year queues on the counter's row lock meanwhile. On PostgreSQL the three writes
go in one statement, with data-modifying ``WITH`` queries; a report without photos or clocks
then needs no transaction of its own, since one statement is one. The case's columns and
values are ``RowInsert``'s and the history's are ``HistoryRowCopy``'s, so the rows are the same
as the step-by-step writes give (tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, models

from incidents.models import Incident, ReferenceSequence
from riskcabinet.inserts import CompiledPerDatabase, HistoryRowCopy, RowInsert


@dataclass(frozen=True)
class _Statement:
    sql: str
    reference_position: int  # Where the reference's value sits among the case's values.
    returning: tuple[models.Field, ...]  # Read back from the stored case, in this order.


class CaseInsert(CompiledPerDatabase):
    def __init__(self, incident_insert: RowInsert, history_copy: HistoryRowCopy) -> None:
        super().__init__()
        self.incident_insert = incident_insert
        self.history_copy = history_copy

    def __call__(self, incident: Incident, *, year: int, prefix: str, user) -> bool:
        """Take the year's next number, store ``incident`` as ``prefix`` + the number (at least
        six digits) with its "created" history row by ``user``, and set its reference, key and
        generated columns, as ``save()`` would.

        False, with nothing written, when the year has no counter row yet. A client UUID that is
        already stored raises IntegrityError, with nothing written either.
        """
        if type(incident) is not Incident:
            raise TypeError(f"expected an Incident, got {type(incident).__name__}")
        using = incident._state.db or "default"
        statement = self._statement(using)
        values = self.incident_insert.values(incident, using=using)
        values[statement.reference_position] = prefix
        history = self.history_copy.own_values_for(incident, user=user, using=using)
        with connections[using].cursor() as cursor:
            cursor.execute(statement.sql, [year, *values, *history])
            row = cursor.fetchone()
        if row is None:
            return False
        for field, value in zip(statement.returning, row, strict=True):
            setattr(incident, field.attname, value)
        incident._state.adding = False
        incident._state.db = using
        return True

    def _compile(self, using: str) -> _Statement:
        connection = connections[using]
        if connection.vendor != "postgresql":
            raise NotImplementedError(f"{connection.vendor}: one statement needs PostgreSQL")
        quote = connection.ops.quote_name
        counter = ReferenceSequence._meta
        number = quote(counter.get_field("last_number").column)
        fields = self.incident_insert.fields(using=using)
        selected = ["%s"] * len(fields)
        position = [field.name for field in fields].index("reference")
        digits = f"counter.{number}::text"
        selected[position] = f"%s || lpad({digits}, greatest(6, length({digits})), '0')"
        history_columns, history_selected = self.history_copy.select_list("stored", using=using)
        meta = Incident._meta
        returning = (fields[position], *meta.db_returning_fields)
        # Each WITH query that writes runs once and to the end, read or not.
        sql = (
            f"WITH counter AS (UPDATE {quote(counter.db_table)} SET {number} = {number} + 1 "
            f"WHERE {quote(counter.get_field('year').column)} = %s RETURNING {number}), "
            f"stored AS (INSERT INTO {quote(meta.db_table)} "
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"SELECT {', '.join(selected)} FROM counter RETURNING *), "
            f"history AS (INSERT INTO {quote(self.history_copy.history_model._meta.db_table)} "
            f"({history_columns}) SELECT {history_selected} FROM stored) "
            f"SELECT {', '.join(f'stored.{quote(field.column)}' for field in returning)} "
            "FROM stored"
        )
        return _Statement(sql=sql, reference_position=position, returning=returning)
