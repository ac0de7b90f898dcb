"""The five roles, as Django groups with permissions, and how to tell which role a user has."""

from enum import StrEnum

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission


class Role(StrEnum):
    EMPLOYEE = "employee"
    SAFETY_OFFICER = "safety officer"
    RISK_MANAGER = "risk manager"
    CABINET_MEMBER = "cabinet member"
    ADMINISTRATOR = "administrator"


# Permission codenames ("app_label.codename") each role's group holds.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.EMPLOYEE: ("incidents.report_incident",),
    Role.SAFETY_OFFICER: (
        "incidents.report_incident",
        "incidents.triage_incident",
        "incidents.view_incident",
        "incidents.change_incident",
        "incidents.add_correctiveaction",
        "incidents.change_correctiveaction",
        "incidents.view_claim",
    ),
    Role.RISK_MANAGER: (
        "incidents.report_incident",
        "incidents.triage_incident",
        "incidents.triage_all_departments",
        "incidents.view_incident",
        "incidents.change_incident",
        "incidents.add_correctiveaction",
        "incidents.change_correctiveaction",
        "incidents.view_claim",
        "reports.read_packet",
        "reports.build_packet",
        "riskcabinet.view_departmentscore",
        "riskcabinet.add_exposuremonth",
        "riskcabinet.change_exposuremonth",
        "incidents.add_claim",
        "incidents.change_claim",
    ),
    Role.CABINET_MEMBER: ("reports.read_packet", "riskcabinet.view_departmentscore"),
    Role.ADMINISTRATOR: (),
}

# Most privileged first: a user in several groups acts in the strongest role.
ROLE_PRECEDENCE = (
    Role.ADMINISTRATOR,
    Role.RISK_MANAGER,
    Role.SAFETY_OFFICER,
    Role.CABINET_MEMBER,
    Role.EMPLOYEE,
)


def roles_ensure() -> None:
    """Create the role groups and give them exactly their permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if role is Role.ADMINISTRATOR:
            permissions = list(Permission.objects.all())
        group.permissions.set(permissions)


def roles_ensure_after_migrate(sender, using="default", verbosity=0, **kwargs) -> None:
    # Permissions are created per app after migrate; make sure all of them exist first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_ensure()


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = _group_names(user)
    for role in ROLE_PRECEDENCE:
        if role.value in names:
            return role
    return None


def has_role(user, *roles: Role) -> bool:
    return role_of(user) in roles


def users_to_email(*roles: Role):
    """Active users in any of `roles` who have an email address, each once, oldest first."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[role.value for role in roles])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: role checks run several times per request.
    cached = getattr(user, "_riskcabinet_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._riskcabinet_group_names = cached
    return cached
