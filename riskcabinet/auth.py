"""Authentication backend: Django's model backend, loading the person with the user."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models.query import get_related_populators

# A placeholder primary key for compiling the query; each load passes the real one.
_ANY_PK = 0


class PersonModelBackend(ModelBackend):
    """Loads the signed-in user with their person and home department in one query.

    Nearly every request reads them (the language preference, the report form's department),
    and each was a query of its own.
    """

    def get_user(self, user_id):
        user = user_with_person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@dataclass(frozen=True)
class _CompiledLoad:
    sql: str
    converters: dict
    init_list: list[str]
    fields: slice
    populators: list


_compiled: dict[str, _CompiledLoad] = {}
_lock = threading.Lock()


def user_with_person(user_id, *, using: str = "default"):
    """The user with `user_id` (any state), their person and department, or None.

    The same as ``User.objects.select_related("person__department").get(pk=user_id)``, which
    every signed-in request runs: Django builds that SELECT anew each time, at several times the
    database's cost to answer it. Here it is compiled once per process and database, and rows
    become objects through the ORM's own converters and related-object populators, so the user
    comes back exactly as the queryset would return it (tests compare the two).
    """
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    load = _compiled.get(using) or _compile(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(load.sql, [user_model._meta.pk.get_db_prep_value(user_id, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    # The ORM's converters (dates on SQLite, say), applied as its compiler does, but with this
    # thread's connection rather than the one the statement was compiled on.
    for position, (converters, expression) in load.converters.items():
        value = row[position]
        for converter in converters:
            value = converter(value, expression, connection)
        row[position] = value
    user = user_model.from_db(using, load.init_list, row[load.fields])
    for populator in load.populators:
        populator.populate(row, user)
    return user


def _compile(using: str) -> _CompiledLoad:
    with _lock:
        if using in _compiled:
            return _compiled[using]
        user_model = get_user_model()
        queryset = user_model._default_manager.select_related("person__department")
        compiler = queryset.filter(pk=_ANY_PK).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if list(params) != [_ANY_PK]:
            raise RuntimeError(f"unexpected parameters in the user query: {params!r}")
        select_fields = compiler.klass_info["select_fields"]
        fields = slice(select_fields[0], select_fields[-1] + 1)
        load = _CompiledLoad(
            sql=sql,
            converters=compiler.get_converters([column[0] for column in compiler.select]),
            init_list=[column[0].target.attname for column in compiler.select[fields]],
            fields=fields,
            populators=get_related_populators(compiler.klass_info, compiler.select, using),
        )
        _compiled[using] = load
        return load
