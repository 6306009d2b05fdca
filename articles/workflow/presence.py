"""Who else has an article open in the admin, so two people do not edit it unknowingly.

The change page reports in when it opens and every ``HEARTBEAT_SECONDS`` while it stays open
(articles/static/articles/admin/presence.js), and reports leaving when it closes; someone who
stops reporting (a crashed browser) drops off after ``PRESENCE_SECONDS``.
"""

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_SECONDS = 10
PRESENCE_SECONDS = 30


def _key(article_pk):
    return f"article-open-{article_pk}"


def _present(article_pk, now):
    return {
        name: when
        for name, when in (cache.get(_key(article_pk)) or {}).items()
        if (now - when).total_seconds() < PRESENCE_SECONDS
    }


def note_open(article, user) -> list[tuple[str, object]]:
    """Remember that ``user`` has the article open; return who else has it open, by name."""
    now = timezone.now()
    seen = _present(article.pk, now)
    others = sorted((name, when) for name, when in seen.items() if name != user.get_username())
    seen[user.get_username()] = now
    cache.set(_key(article.pk), seen, PRESENCE_SECONDS)
    return others


def note_left(article, user) -> None:
    """``user`` closed the article: others stop seeing their name at their next heartbeat."""
    seen = _present(article.pk, timezone.now())
    seen.pop(user.get_username(), None)
    cache.set(_key(article.pk), seen, PRESENCE_SECONDS)
