"""Data migration: create the Writers, Editors and Photo desk groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.workflow.roles import sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now so the
    # groups can be given them in this same migrate.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    sync_roles(apps=apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=["Writers", "Editors", "Photo desk"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
