"""Load the demo newsroom: the sample article with its people, photos, section and tags."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Author

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# Demo logins, created only when DEBUG is on. (username, password, group, superuser)
DEMO_ACCOUNTS = [
    ("admin", "newsroom-admin", None, True),
    ("editor", "newsroom-editor", "Editors", False),
    ("writer", "newsroom-writer", "Writers", False),
    ("photodesk", "newsroom-photo", "Photo desk", False),
]


class Command(BaseCommand):
    help = (
        "Load the demo content (fixtures/demo.json and its photos into the photo storage). "
        "With DEBUG on, also create demo accounts and print their passwords. Safe to run again."
    )

    def handle(self, *args, **options):
        copied = self.copy_media()
        call_command("loaddata", FIXTURES_DIR / "demo.json", verbosity=0)
        self.stdout.write(
            f"Demo content loaded ({copied} photo file(s) copied into the photo storage)."
        )
        if settings.DEBUG:
            self.create_accounts()
        else:
            self.stdout.write("DEBUG is off: no demo accounts created.")

    def copy_media(self):
        """Copy the demo photos into the photo storage (disk or bucket), never overwriting."""
        source = FIXTURES_DIR / "media"
        copied = 0
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(source).as_posix()
            if not default_storage.exists(name):
                with path.open("rb") as handle:
                    saved = default_storage.save(name, File(handle))
                if saved != name:  # a storage that renames would break the fixture's links
                    raise CommandError(f"The photo storage stored {name} as {saved}.")
                copied += 1
        return copied

    @transaction.atomic
    def create_accounts(self):
        User = get_user_model()
        self.stdout.write("Demo accounts (DEBUG only; log in at /admin/):")
        for username, password, group_name, is_superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": is_superuser,
                    "email": f"{username}@newsroom.example",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            if group_name:
                user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            state = "created" if created else "exists"
            self.stdout.write(f"  {username:10} password: {password:16} ({state})")
        writer = User.objects.get(username="writer")
        Author.objects.filter(slug="igor-savostenko", user__isnull=True).update(user=writer)
