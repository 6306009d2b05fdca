"""Roles are Django groups made by a data migration and kept in sync after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles.workflow.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def qualified(group_name):
    permissions = Group.objects.get(name=group_name).permissions
    return {
        codename if app_label == "articles" else f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }


def test_migrations_create_the_three_roles_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Writers",
        "Editors",
        "Photo desk",
    }
    for name, expected in ROLES.items():
        assert qualified(name) == set(expected)


def test_only_editors_may_review_and_publish():
    assert {"review_article", "publish_article"} <= codenames("Editors")
    assert not {"review_article", "publish_article"} & codenames("Writers")
    assert not {"review_article", "publish_article", "change_article"} & codenames("Photo desk")


def test_photo_desk_manages_images_and_photographers():
    assert {"add_image", "change_image", "delete_image", "change_photographer"} <= codenames(
        "Photo desk"
    )


def test_migrate_puts_back_a_permission_removed_from_a_role():
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(Permission.objects.get(codename="publish_article"))
    call_command("migrate", verbosity=0)
    assert "publish_article" in codenames("Editors")


def test_sync_roles_refuses_a_role_naming_an_unknown_permission(monkeypatch):
    monkeypatch.setitem(ROLES, "Writers", ["add_article", "fly_article"])
    with pytest.raises(LookupError, match="fly_article"):
        sync_roles()
