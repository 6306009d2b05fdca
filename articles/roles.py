"""The newsroom's roles: which Django group holds which permissions.

``sync_roles()`` makes the groups match this table. Migration 0002 calls it once and a
``post_migrate`` handler calls it after every migrate, so a permission added later reaches
the groups without a new data migration.
"""

from django.apps import apps as global_apps

WRITERS = "Writers"
EDITORS = "Editors"
PHOTO_DESK = "Photo desk"


def _crud(model, *actions):
    return [f"{action}_{model}" for action in actions or ("add", "change", "delete", "view")]


ROLES = {
    # Writers create and edit their own articles; what "own" means is decided in workflow.py.
    WRITERS: [
        *_crud("article"),
        *_crud("articleauthor"),
        "view_articleimage",
        "view_section",
        "view_author",
        "view_image",
        "view_photographer",
        "view_revision",
        "view_workflowevent",
    ],
    EDITORS: [
        *_crud("article"),
        "review_article",
        "publish_article",
        *_crud("articleauthor"),
        "view_articleimage",
        *_crud("section"),
        *_crud("author"),
        # Corrections are append-only once live: editors add them, nobody edits or deletes.
        *_crud("correction", "add", "view"),
        *_crud("sharelink"),
        *_crud("oldslug"),
        "view_revision",
        "view_workflowevent",
        "view_image",
        "view_photographer",
    ],
    PHOTO_DESK: [
        *_crud("image"),
        *_crud("photographer"),
        "view_rendition",
        "view_article",
    ],
}


def sync_roles(apps=global_apps, using="default"):
    """Create the groups and give each exactly the permissions listed in ROLES."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="articles", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Role {name!r} lists unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)


def sync_roles_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    sync_roles(apps=apps, using=using)
