"""The newsroom's roles: which Django group holds which permissions.

``sync_roles()`` makes the groups match this table. Migration 0002 calls it once and a
``post_migrate`` handler calls it after every migrate, so a permission added later reaches
the groups without a new data migration.
"""

from django.apps import apps as global_apps
from django.db.models import Q

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
        "add_image",  # a photo dropped into the body editor goes into the library
        "view_photographer",
        "view_revision",
        "view_workflowevent",
        "taggit.view_tag",  # to pick tags from the autocomplete
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
        "add_image",  # a photo dropped into the body editor goes into the library
        "view_photographer",
        *(f"taggit.{name}" for name in _crud("tag")),  # editors merge and rename tags
    ],
    PHOTO_DESK: [
        *_crud("image"),
        *_crud("photographer"),
        "taggit.view_tag",
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
        # "codename" means an articles permission; "app_label.codename" another app's.
        wanted = {code if "." in code else f"articles.{code}" for code in codenames}
        matches = Q()
        for qualified in wanted:
            app_label, codename = qualified.split(".")
            matches |= Q(content_type__app_label=app_label, codename=codename)
        permissions = Permission.objects.using(using).filter(matches)
        found = {
            f"{app_label}.{codename}"
            for app_label, codename in permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        missing = wanted - found
        if missing:
            raise LookupError(f"Role {name!r} lists unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)


def sync_roles_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    sync_roles(apps=apps, using=using)
