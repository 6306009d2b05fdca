"""python manage.py import_articles PATH [PATH ...]: raw copy into draft articles."""

import argparse
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from articles.importer import (
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportOptions,
    RawFile,
    import_many,
    iter_raw_files,
    photos_by_number,
    record_import_run,
)
from articles.importer.sources import MAX_RAW_BYTES
from articles.models import Article, Section

BAR_INTERVAL = 0.1  # seconds between redraws of the progress bar, as tqdm's own default


class Command(BaseCommand):
    help = (
        "Import raw article text files (and every .txt file in given folders) as articles. "
        "Each file is one article, imported in its own transaction; importing the same file "
        "name again updates that article. Photos become 'needs photo' placeholders unless "
        "--images supplies the files, named after the text file: for story.txt, "
        "story-1.jpg is its first photo, story-2.jpg its second (.jpg, .jpeg, .png, .webp)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument("--section", help="Section slug or name for the articles.")
        parser.add_argument("--tags", default="", help="Comma-separated tags to add.")
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            default=Article.Status.DRAFT,
            help="draft (default: imported copy goes through review) or published (the Posted "
            "time becomes the publish time).",
        )
        parser.add_argument("--images", metavar="DIR", help="Folder of photo files (see above).")
        parser.add_argument("--encoding", default="utf-8", help="Text encoding (default UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; write nothing."
        )
        parser.add_argument("--user", help="Username recorded as the importer of the articles.")
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            help="Show a progress bar on stderr (default: when stderr is a terminal).",
        )

    def handle(self, *args, paths, **options):
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        images_dir = Path(options["images"]) if options["images"] else None
        if images_dir is not None and not images_dir.is_dir():
            raise CommandError(f"--images {images_dir} is not a folder")
        importer = Importer(self.options_from(options))
        self.dry_run = options["dry_run"]
        photo_names = sorted(p.name for p in images_dir.iterdir()) if images_dir else []
        started = time.monotonic()
        counts = dict.fromkeys([CREATED, UPDATED, UNCHANGED, FAILED], 0)
        raw_files = (self.read(path, images_dir, photo_names) for path in iter_raw_files(paths))
        results = import_many(importer, raw_files)
        show_bar = options["progress"]
        if show_bar is None:
            show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        if show_bar:
            results = tqdm(results, total=sum(1 for _ in iter_raw_files(paths)), unit="file")
        first = []  # the security log names the first files; memory stays flat at 100,000
        self.above_bar, self.bar_drawn = [], time.monotonic()
        for result in results:
            counts[result.outcome] += 1
            self.report(result, options["verbosity"], show_bar)
            if len(first) < 20:
                first.append((result.outcome, result.name))
        self.write_above_bar()
        if not options["dry_run"]:
            record_import_run(
                first, counts=counts, user=importer.options.user, source="import_articles"
            )
        elapsed = time.monotonic() - started
        summary = (
            f"{'Dry run: ' if options['dry_run'] else ''}{counts[CREATED]} created, "
            f"{counts[UPDATED]} updated, {counts[UNCHANGED]} unchanged, {counts[FAILED]} failed "
            f"in {elapsed:.1f}s"
        )
        if counts[FAILED]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def options_from(self, options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")
        section = None
        if options["section"]:
            wanted = options["section"]
            section = Section.objects.filter(Q(slug=wanted) | Q(name__iexact=wanted)).first()
            if section is None:
                known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"No section {wanted!r} (sections: {known})")
        tags = tuple(dict.fromkeys(t.strip() for t in options["tags"].split(",") if t.strip()))
        return ImportOptions(
            status=options["status"],
            section=section,
            tags=tags,
            dry_run=options["dry_run"],
            encoding=options["encoding"],
            user=user,
        )

    def read(self, path, images_dir, photo_names):
        """The file's bytes (refusing oversized files unread) and its photos from --images."""
        if path.stat().st_size > MAX_RAW_BYTES:
            with path.open("rb") as file:  # enough to say it is too large
                data = file.read(MAX_RAW_BYTES + 1)
        else:
            data = path.read_bytes()
        photos = []
        if images_dir is not None:
            numbered = photos_by_number(path.stem, photo_names)
            for number in range(1, max(numbered, default=0) + 1):
                name = numbered.get(number)
                photos.append((name, (images_dir / name).read_bytes()) if name else None)
        return RawFile(name=str(path), data=data, photos=photos)

    def write_above_bar(self):
        """Report lines since the last call, above the bar, to the command's own streams
        (call_command(stdout=...) too): the bar is cleared and drawn again once for them all,
        not once a line (a fifth of the import's own time at 300 files a second)."""
        if self.above_bar:
            with tqdm.external_write_mode(file=sys.stderr):
                for stream, line in self.above_bar:
                    stream.write(line)
        self.above_bar.clear()
        self.bar_drawn = time.monotonic()

    def report(self, result, verbosity, show_bar):
        if result.failed:
            line = self.style.ERROR(f"failed     {result.error}")
        elif verbosity < 1:
            return
        elif result.outcome == UNCHANGED:
            line = f"{result.outcome:<10} {result.name}"
        else:
            needing = result.photos - result.photo_files
            where = "not saved: dry run" if self.dry_run else f"id {result.article.pk}"
            line = (
                f"{result.outcome:<10} {result.name} -> {result.article.headline!r} ({where}, "
                f"{result.photos} photo(s), {needing} needing files)"
            )
            if result.note:
                line += "\n" + self.style.WARNING(f"           {result.note}")
        if show_bar:
            self.above_bar.append((self.stderr if result.failed else self.stdout, line))
            if time.monotonic() - self.bar_drawn >= BAR_INTERVAL:
                self.write_above_bar()
        elif result.failed:
            self.stderr.write(line)
        else:
            self.stdout.write(line)
