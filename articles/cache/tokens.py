"""Where the page cache's version tokens live, so that every process sees the same ones.

A page is stored with the token of everything it showed (articles/cache/dependencies.py); a
write gives what it changed a new random token, and every page that showed it stops
matching. For that to work across processes (gunicorn workers, ``manage.py`` commands, a
second machine) the tokens must live somewhere they all share:

* **A shared cache** (``REDIS_URL``, or any backend that is not process-local): tokens sit
  next to the pages and a hit costs no SQL. Tokens may be evicted, so a missing token is
  created on read and can never equal a stored one: a miss, never a stale hit.
* **The in-process default** (LocMemCache): every process has its own memory, so a token
  renewed by an import command would never reach the server. Tokens then live in the
  database (``PageToken``), the one store every process already shares; pages stay in
  process memory. A hit costs one small query (the epoch). Rows are written only by writes,
  inside the writer's transaction (so they commit with the change), and never deleted, so a
  missing row means "never changed". Chosen over Django's database or file cache as the
  default backend because those put every page body through SQL or the disk on each hit and
  make readers write to SQLite, which editors' saves would then wait for.
* **On SQLite, a change file** beside the database spares that query while nothing was
  written (``ChangeFile``): every commit that renewed tokens appends a byte to it, so its size
  only grows, and a process reads the epoch from the database again only when the file's size
  differs from what it saw at its last read. A stat costs a few microseconds, where the query
  cost about what the rest of a hit does. SQLite means one machine, so every process sees the
  file. PostgreSQL may serve several machines, which would not see each other's file, so
  there the query stays unless ``PAGE_CACHE_CHANGE_FILE`` names a file (one machine only);
  a process asks it at most once per short lease, which writers wait out before answering
  (articles/cache/lease.py).

``EPOCH`` changes with every write: a hit whose stored epoch is still current is fresh with
a single read, however many dependencies the page has.
"""

import functools
import logging
import os
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, connection, transaction
from django.db.models import Min
from django.utils import timezone

from articles.cache import lease
from articles.cache.backends import DegradingRedisCache
from articles.models import Article, Correction, PageToken
from articles.reader.kept import Kept

logger = logging.getLogger("articles.cache")

# Pages fetched from a shared cache, kept in this process's memory with the epoch they were
# fetched under (about 20-60 KB each): a hit within the epoch lease then asks Redis nothing.
LOCAL_PAGES = Kept(300)

EPOCH = "epoch"
# When the next scheduled article or correction goes live (a Unix time; 0 if none). Pages are
# kept no longer than that, so scheduling needs no save and no cron.
NEXT_CHANGE = "next-change"
CACHE_PREFIX = "pagecache:v:"


def new_token():
    return secrets.token_hex(8)


class CacheTokens:
    """Tokens in a shared cache; written at once and again when the writer's transaction
    commits, so a page rendered from the old rows in between is stale too."""

    in_transaction = False

    def __init__(self, cache):
        self.cache = cache

    def lookup(self, cache, key):
        """The stored page at ``key`` and the current epoch: in one round trip, or, with a
        lease on (articles/cache/lease.py), with none while this process holds the epoch and
        has kept the page since that epoch began."""
        if not lease.is_on():
            found = self.cache.get_many([key, CACHE_PREFIX + EPOCH])
            return found.get(key), found.get(CACHE_PREFIX + EPOCH)
        epoch = lease.epoch_lease.epoch(lambda: self.cache.get(CACHE_PREFIX + EPOCH))
        kept = LOCAL_PAGES.get(key)
        if kept is not None and epoch is not None and kept[1] == epoch:
            return kept[0], epoch
        entry = cache.get(key)
        if entry is not None and epoch is not None:
            LOCAL_PAGES.put(key, (entry, epoch))
        return entry, epoch

    def keep(self, cache, key, entry, epoch, timeout):
        """Store a page (``epoch``: the epoch it is fresh for) for every process, and here."""
        cache.set(key, entry, timeout=timeout)
        if lease.is_on():
            LOCAL_PAGES.put(key, (entry, epoch))

    def read(self, names):
        """{name: token}; a missing token reads as None, which matches no stored page."""
        found = self.cache.get_many([CACHE_PREFIX + name for name in names])
        return {name: found.get(CACHE_PREFIX + name) for name in names}

    def current(self, names):
        """{name: token} for storing a page, creating the tokens that do not exist yet."""
        tokens = self.read(names)
        missing = [name for name, token in tokens.items() if token is None]
        for name in missing:
            self.cache.add(CACHE_PREFIX + name, new_token(), timeout=None)
        if missing:
            tokens.update(self.read(missing))
        return tokens

    def write(self, values):
        self.cache.set_many({CACHE_PREFIX + k: v for k, v in values.items()}, timeout=None)
        if EPOCH in values and lease.is_on():
            lease.written()  # called again at the commit: the wait counts from the last
        if isinstance(self.cache, DegradingRedisCache) and self.cache.is_down():
            logger.error(
                "Page cache: %s not renewed (the cache is down); pages stored before the "
                "outage may be served for up to PAGE_CACHE_TIMEOUT once it is back",
                ", ".join(sorted(values)),
            )


class DatabaseTokens:
    """Tokens in the ``PageToken`` table; written inside the writer's transaction."""

    in_transaction = True
    NEVER_CHANGED = ""

    def lookup(self, cache, key):
        """The page stored at ``key`` in this process, and the epoch if there is one."""
        entry = cache.get(key)
        return entry, (None if entry is None else self.epoch())

    @staticmethod
    def keep(cache, key, entry, epoch, timeout):
        cache.set(key, entry, timeout=timeout)

    def epoch(self):
        """The current epoch: from the database, or, on SQLite while the change file says no
        token was renewed since this process last read it, as read then."""
        changes = ChangeFile.of(connection)
        if connection.in_atomic_block:
            # Inside a transaction the epoch may be this transaction's own, uncommitted one,
            # which neither the change file nor a lease knows of (they hear commits only).
            return self.read([EPOCH])[EPOCH]
        if changes is None:
            if lease.is_on():  # articles/cache/lease.py
                return lease.epoch_lease.epoch(lambda: self.read([EPOCH])[EPOCH])
            return self.read([EPOCH])[EPOCH]
        state = changes.state()
        known = changes.seen
        if state is not None and known is not None and known[0] == state:
            return known[1]
        epoch = self.read([EPOCH])[EPOCH]
        # The file is looked at before the read: a commit between the two leaves a state
        # that the next request sees as changed, never the reverse.
        changes.seen = None if state is None else (state, epoch)
        return epoch

    def read(self, names):
        # Every page-cache hit runs this. Through the ORM (queryset, compiler) it was two
        # thirds of a hit's time and made a hit slower than a trivial view; the statement
        # is built once from the model's own table and columns.
        names = list(names)
        sql = self.select(len(names))
        if not self._serves_as_health_check():
            found = self._fetch(sql, names)
        else:
            try:
                found = self._fetch(sql, names)
            except DatabaseError:  # the persistent connection broke: as the check would have
                connection.close()
                found = self._fetch(sql, names)
        return {name: found.get(name, self.NEVER_CHANGED) for name in names}

    @staticmethod
    def _serves_as_health_check():
        """On a hit the token read is the request's only query. With CONN_HEALTH_CHECKS,
        Django would first ask a reused connection "SELECT 1" (on PostgreSQL a round trip,
        half a hit's time); instead the read itself is the check: if it fails, the
        connection is replaced once and the read asked again, as the check would have."""
        usable_unknown = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
        )
        if usable_unknown and not connection.in_atomic_block:
            connection.health_check_done = True
            return True
        return False

    @staticmethod
    def _fetch(sql, names):
        with connection.cursor() as cursor:
            cursor.execute(sql, names)
            return dict(cursor.fetchall())

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def select(count):
        quote, meta = connection.ops.quote_name, PageToken._meta
        columns = [quote(meta.get_field(field).column) for field in ("name", "value")]
        return (
            f"SELECT {columns[0]}, {columns[1]} FROM {quote(meta.db_table)}"
            f" WHERE {columns[0]} IN ({', '.join(['%s'] * count)})"
        )

    current = read

    def write(self, values):
        PageToken.objects.bulk_create(
            [PageToken(name=name, value=value) for name, value in values.items()],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["value"],
        )
        changes = ChangeFile.of(connection)
        if changes is not None:
            # After the commit (at once outside a transaction; never after a rollback), and
            # before the writer's request or command ends, so the next request sees it.
            transaction.on_commit(changes.announce)
        elif EPOCH in values and lease.is_on():  # a renewal (not only NEXT_CHANGE)
            transaction.on_commit(lease.written)


class ChangeFile:
    """A file beside a SQLite database whose size grows by one byte at every commit that
    renewed page-cache tokens, so every process on the machine can tell, with a stat and no
    query, that the epoch it read last may be out of date.

    Growing, never rewritten: a size is never seen twice, so "the same size" is exact where a
    modification time (kept in coarse clock ticks) is not. A thousand publishing writes a day
    add a few hundred kilobytes a year. A missing or unreadable file means "ask the database".
    """

    SUFFIX = "-pagecache"
    _by_path = {}

    def __init__(self, path):
        self.path = path
        self.seen = None  # (state, epoch) at this process's last read of the epoch

    @classmethod
    def of(cls, connection):
        """The change file of ``connection``'s database, or None when it has none:
        ``PAGE_CACHE_CHANGE_FILE`` if set, else beside a SQLite database kept in a file."""
        path = settings.PAGE_CACHE_CHANGE_FILE
        if not path:
            if connection.vendor != "sqlite":
                return None
            name = str(connection.settings_dict["NAME"])
            if not name or name == ":memory:" or "mode=memory" in name:
                return None
            path = name + cls.SUFFIX
        elif path == "off":
            return None
        found = cls._by_path.get(path)
        if found is None:
            found = cls._by_path.setdefault(path, cls(path))
        return found

    def state(self):
        """The file's size, with its inode and modification time: a file deleted and made
        anew may grow back to a size seen before, but not as the same file at the same time."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_size, found.st_ino, found.st_mtime_ns

    def announce(self):
        try:
            with open(self.path, "ab") as changes:
                changes.write(b".")
        except OSError:
            logger.exception(
                "Page cache: could not write %s; other processes may serve pages from before "
                "this write for up to PAGE_CACHE_TIMEOUT. The file must be writable by every "
                "process that writes to the database.",
                self.path,
            )


def store():
    """The token store for the configured default cache."""
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        return DatabaseTokens()
    return CacheTokens(cache)


def renew(names, *, next_change=False):
    """Give each name a new token (and a new epoch): every page that used one is stale.

    With ``next_change``, also recompute when the next scheduled change goes live.
    """
    tokens = store()

    def apply():
        values = {name: new_token() for name in names}
        if next_change:
            values[NEXT_CHANGE] = str(next_scheduled_change())
        values[EPOCH] = new_token()  # last, so a reader never sees the new epoch first
        tokens.write(values)

    apply()
    if not tokens.in_transaction and transaction.get_connection().in_atomic_block:
        transaction.on_commit(apply)


def next_scheduled_change():
    """When the next scheduled article or correction goes live, or a live article's
    unpublish time comes (Unix time), or 0 if none."""
    now = timezone.now()
    times = [
        Article.objects.scheduled(now=now).aggregate(at=Min("published_at"))["at"],
        Article.objects.expiring(now=now).aggregate(at=Min("expires_at"))["at"],
        Correction.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"],
    ]
    upcoming = [at.timestamp() for at in times if at is not None]
    return min(upcoming) if upcoming else 0


def announce_after_migrate(using, **kwargs):
    """Migrations and ``flush`` (which sends post_migrate too) change tokens without renewing
    them (``flush`` deletes them all): every process must read them again. Also makes the
    change file of a new site, so its hits need no query from the start."""
    from django.db import connections

    changes = ChangeFile.of(connections[using])
    if changes is not None:
        changes.announce()
    elif lease.is_on():
        lease.written()  # the command exits once other processes' leases ran out
