"""A short lease on the page-cache epoch where reading it costs a round trip, and the commit
wait that keeps it exact.

On PostgreSQL without a change file (articles/cache/tokens.py), every cache hit asked the
database for the epoch, and with Redis every hit fetched the page and the epoch: one round
trip, which on the benchmark machine cost about as much as the whole trivial Django view it is
measured against (cached pages at 0.84-0.92 of it on PostgreSQL, 0.89-0.96 with Redis).

* **Readers** (``EpochLease``): a process that read the epoch (from the database on
  PostgreSQL without a change file, or from Redis) keeps using it for
  ``PAGE_CACHE_LEASE`` seconds (0.1 by default), counted from *before* the query was sent;
  hits within the lease ask the database nothing. At most one epoch query per lease per
  process, however busy the site. With Redis, a process also keeps the pages it fetched, each
  with the epoch it was fetched under (``tokens.LOCAL_PAGES``), so a hit within the lease
  asks Redis nothing either.
* **Writers** (``written``, ``WaitOutLeasesMiddleware``): a request or command whose commit
  renewed page-cache tokens answers, or exits, no sooner than one lease after that commit.
  Its own process drops its lease at the commit, so it reads the new epoch at once.

Why readers still see every write at their next request: a lease taken at t0 read every
commit made before t0. A commit at t1 >= t0 is answered no sooner than t1 + lease >= t0 +
lease, when that lease has run out; so any request made after the writer's answer (an
editor's "Published", an import command's exit) reads the epoch again. Only durations on each
machine's own monotonic clock are compared, so machines need not agree on the time, only
tick at the same rate; writers wait 10% longer to cover drift. A request that arrives while
the write is still being answered may get the page as it was, as a request already in flight
at the commit could before.

Costs and limits: a write readers see (publish, unpublish, a live edit, an import) answers
one lease later; work on drafts renews no token and waits for nothing. A writer killed
between its commit and its answer (whose client never heard it succeed) leaves readers up to
one lease behind. ``PAGE_CACHE_LEASE=0`` turns the lease off (a query at every hit; writers
never wait). Inside a transaction the epoch is always read: it may be the transaction's own.
"""

import atexit
import threading
import time

from django.conf import settings

DRIFT = 1.1  # writers wait this much longer than a lease: clocks may tick at slightly other rates


class EpochLease:
    """This process's epoch and until when it may be used without asking again."""

    def __init__(self):
        self._held = None  # (epoch, monotonic deadline)

    def epoch(self, read):
        """The leased epoch, or ``read()``'s, leased from before it was asked."""
        held = self._held
        if held is not None and time.monotonic() < held[1]:
            return held[0]
        asked_at = time.monotonic()
        epoch = read()
        if epoch is not None:  # None: the shared cache is down or lost it; ask again next time
            self._held = (epoch, asked_at + settings.PAGE_CACHE_LEASE)
        return epoch

    def drop(self):
        self._held = None


epoch_lease = EpochLease()
_request = threading.local()  # .until: when this thread's request may answer
_process = {"until": 0.0, "at_exit": False}  # when this process may exit


def is_on():
    return settings.PAGE_CACHE_LEASE > 0


def written():
    """Called when a commit renewed page-cache tokens: this process reads the epoch again at
    once, and the request or command that wrote waits out every lease before answering."""
    epoch_lease.drop()
    until = time.monotonic() + settings.PAGE_CACHE_LEASE * DRIFT
    _request.until = max(until, getattr(_request, "until", 0.0))
    _process["until"] = max(until, _process["until"])
    if not _process["at_exit"]:  # a management command: done when the process exits
        _process["at_exit"] = True
        atexit.register(lambda: wait_until(_process["until"]))


def wait_until(deadline):
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


class WaitOutLeasesMiddleware:
    """A request whose writes renewed page-cache tokens answers once every reader's lease
    taken before them has run out (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.until = 0.0
        response = self.get_response(request)
        wait_until(_request.until)
        _request.until = 0.0
        return response
