"""Fixtures shared by the triage tests; a module's own fixture of the same name wins."""

import pytest

from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def officer(department):
    """A safety officer covering the department."""
    return user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
