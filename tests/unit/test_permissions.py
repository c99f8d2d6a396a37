"""The permission table (no database)."""

from basisbaan.auth.permissions import PERMISSIONS, allowed
from basisbaan.models import ROLES


def test_every_permission_names_known_roles_only():
    for permission, roles in PERMISSIONS.items():
        assert roles <= set(ROLES), permission
        assert roles, permission


def test_admin_only_permissions():
    for permission in ("reference.write", "audit.read", "tokens.manage", "users.manage", "settings.manage"):
        assert allowed({"admin"}, permission)
        for role in set(ROLES) - {"admin"}:
            assert not allowed({role}, permission), (role, permission)


def test_unknown_permission_is_denied():
    assert not allowed(set(ROLES), "no.such.permission")
    assert not allowed(set(), "tenant.read")
