"""Gunicorn defaults for Newsroom: `gunicorn -c gunicorn.conf.py newsroom.wsgi`.

Every value can be overridden by an environment variable (or gunicorn's own command line).
Without REDIS_URL the cache lives in process memory, so one worker process with threads serves
everything: the page cache would be right with several (its version tokens are in the database),
but other cached values, such as "who has this article open", would not be shared. With Redis,
several worker processes (and several machines) share one cache.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

_cpus = multiprocessing.cpu_count()
# One process is needed only to share a process-local cache's values: with Redis, or with every
# cache off (CACHE_DISABLED, as the benchmark's uncached run), workers are processes.
_cache_disabled = os.environ.get("CACHE_DISABLED", "").strip().lower() in {"1", "true", "yes", "on"}
_shared_cache = bool(os.environ.get("REDIS_URL")) or _cache_disabled
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cpus + 1 if _shared_cache else 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2 if _shared_cache else 4 * _cpus))

# A request that takes this long is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# With several worker processes, a kept-alive connection stays with the process that accepted
# it, so a few busy clients can pin all their requests on one process and leave the other
# cores idle (measured: an uncached page at half the throughput, depending on where its 8
# connections landed). Closing after each response lets every request go to a free process,
# which is also what nginx's default proxying to an upstream does. One process keeps it on.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5 if workers == 1 else 0))

# Recycle workers after this many requests (0 = never); jitter avoids all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 0))

# Access log to stdout by default; GUNICORN_ACCESS_LOG="" turns it off (benchmarks).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The proxy in front (nginx, a load balancer) sets X-Forwarded-Proto; trust it from the same
# TRUSTED_PROXIES as Django does (newsroom/proxies.py), localhost by default.
forwarded_allow_ips = os.environ.get(
    "FORWARDED_ALLOW_IPS", os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
)
