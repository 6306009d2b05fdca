from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.cache import invalidation, tokens
        from articles.images import cleanup
        from articles.search.sqlite import restore_index_after_migrate
        from articles.security import events
        from articles.workflow.roles import sync_roles_after_migrate

        # Connected after django.contrib.auth's handler (auth is listed first), so the
        # permissions exist by the time the groups are given them.
        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="articles.sync_roles"
        )
        # A later migration that rebuilds the articles table drops the search index's triggers.
        post_migrate.connect(
            restore_index_after_migrate, sender=self, dispatch_uid="articles.search_index"
        )
        post_migrate.connect(
            tokens.announce_after_migrate, sender=self, dispatch_uid="articles.page_tokens"
        )
        invalidation.connect()  # page-cache invalidation
        events.connect()  # sign-ins, failures and lockouts into the security log
        cleanup.connect()  # stored files follow their rows
