"""Record scheduled articles going live. Cron-friendly: safe to run every minute, or never.

Readers see a scheduled article at its time without this command (the reader gate compares
with now); running it makes the timeline and first-published times exact.
"""

from django.core.management.base import BaseCommand

from articles.workflow import transitions as workflow


class Command(BaseCommand):
    help = "Record every scheduled article whose publish time has come as live."

    def handle(self, *args, **options):
        count = 0
        for article in workflow.due_scheduled():
            workflow.record_went_live(article)
            count += 1
            self.stdout.write(f"Live: {article.headline} ({article.published_at:%Y-%m-%d %H:%M})")
        self.stdout.write(self.style.SUCCESS(f"{count} scheduled article(s) went live."))
