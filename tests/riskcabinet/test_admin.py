"""The admin works for every model: each list and add page opens for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from riskcabinet.roles import Role
from tests.factories import IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_registers_every_model_of_the_project_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    from django.apps import apps

    ours = {
        model._meta.label
        for app in ("riskcabinet", "incidents", "reports")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
    }
    missing = ours - registered - {"incidents.ReferenceSequence"}
    assert not missing


def test_it_opens_the_list_and_add_page_of_every_model_for_an_administrator(client):
    IncidentFactory()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert client.get(add).status_code in (200, 403), add


def test_it_keeps_everyone_but_administrators_out_of_the_admin(client):
    client.force_login(user_with_role(Role.RISK_MANAGER))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
