"""Bounded load test: readers and editors at once, on PostgreSQL + Redis, 127.0.0.1 only.

`python benchmarks/load_test.py [--seconds 20] [--readers 6] [--editors 3]`

Builds a throwaway newsroom (benchmarks/site.py) in a PostgreSQL database it may drop, starts
gunicorn with several worker processes sharing Redis, then for a bounded time:
- readers fetch the home, section and article pages as anonymous visitors (page cache on);
- editors log in to the admin and edit live articles through the real change form, each edit
  writing a unique standfirst and pressing "Publish changes"; every other time an editor
  takes an article off the site with "Unpublish" instead.
It then checks: no 5xx answers; every published edit the admin acknowledged is in the database
(each article has one editor, so the last acknowledged text must be the stored one); no reader
request that started after an article was taken off the site still showed it.
Exits non-zero if any check fails.
"""

import argparse
import http.cookiejar
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import (  # noqa: E402
    PYTHON,
    ROOT,
    base_environment,
    recreate_postgres,
    run,
    wait_until_up,
)

SETUP = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.contrib.auth import get_user_model
from articles.models import Article
get_user_model().objects.create_superuser("loadtest", "load@example.com", "load-test-pw")
live = Article.objects.published().order_by("-published_at")[: int(sys.argv[1])]
print(json.dumps([[a.pk, a.headline, a.get_absolute_url(), a.section.slug] for a in live]))
"""
CHECK = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from articles.models import Article
ids = json.loads(sys.argv[1])
print(json.dumps({str(a.pk): a.standfirst for a in Article.objects.filter(pk__in=ids)}))
"""


class Form(HTMLParser):
    """The fields of the admin change form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append([name, a.get("value", "on" if a.get("type") == "checkbox" else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append([self._select, a.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses, self.failures = {}, []
        self.hidden = {}  # headline -> time the admin acknowledged taking it off the site
        self.saves = {}  # article id -> last acknowledged standfirst

    def status(self, code):
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1

    def fail(self, message):
        with self.lock:
            self.failures.append(message)


def fetch(opener, url, data=None):
    try:
        with opener.open(url, data=data, timeout=30) as response:
            return response.status, response.read().decode(), response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), url


def reader(base, articles, tally, stop):
    opener = urllib.request.build_opener()
    rng = random.Random()
    while not stop.is_set():
        pick = rng.choice(articles)
        url = base + rng.choice(["/", f"/section/{pick[3]}/", pick[2]])
        started = time.monotonic()
        status, body, _ = fetch(opener, url)
        tally.status(status)
        if status >= 500:
            tally.fail(f"{status} on {url}")
        with tally.lock:
            hidden = [(h, at) for h, at in tally.hidden.items() if at < started]
        for headline, _ in hidden:
            if headline in body:
                tally.fail(f"{url} still showed {headline!r} after it was taken off the site")


TRANSITION_LABELS = {"publish_changes": "Publish changes", "unpublish": "Unpublish"}


def editor(base, own, tally, stop, number):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, page, _ = fetch(opener, base + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    login = {
        "username": "loadtest",
        "password": "load-test-pw",
        "csrfmiddlewaretoken": token,
        "next": "/admin/",
    }
    fetch(opener, base + "/admin/login/", urllib.parse.urlencode(login).encode())
    saves = 0
    while not stop.is_set() and own:
        pk, headline, _, _ = article = random.choice(own)
        change = f"{base}/admin/articles/article/{pk}/change/"
        status, page, _ = fetch(opener, change)
        tally.status(status)
        if status != 200:
            tally.fail(f"editor got {status} opening {change}")
            continue
        form = Form()
        form.feed(page)
        fields = dict(form.fields)
        hide = saves % 2 == 1
        text = f"Edit {number}-{saves} at {time.time():.3f}."
        if hide:  # take it off the site, with the reason the workflow asks for
            fields["_transition"] = "unpublish"
            fields["workflow-comment"] = "Load test: taken down."
        else:  # an edit to a live article goes live when its changes are published
            fields["standfirst"] = text
            fields["_transition"] = "publish_changes"
        status, answer, _ = fetch(opener, change, urllib.parse.urlencode(fields).encode())
        tally.status(status)
        saves += 1
        done = TRANSITION_LABELS[fields["_transition"]] + ": "
        if status >= 500 or f'class="success">{done}' not in answer:
            errors = re.findall(r'class="(?:errorlist|error)[^"]*"[^>]*>(.*?)</', answer, re.S)
            tally.fail(f"{fields['_transition']} of {pk} not acknowledged ({status}): {errors[:2]}")
            continue
        with tally.lock:
            if hide:
                tally.hidden[headline] = time.monotonic()
            else:
                tally.saves[pk] = text
        if hide:
            own.remove(article)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--editors", type=int, default=3)
    parser.add_argument("--port", type=int, default=18_766)
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/newsroom_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-load-") as folder:
        recreate_postgres(args.postgres_url)
        env = base_environment(Path(folder), args.postgres_url, args.port)
        env.update(REDIS_URL=args.redis_url, CACHE_KEY_PREFIX="newsroom-load", SECURE_COOKIES="0")
        run([PYTHON, "benchmarks/site.py", "generate", "2000"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        live = json.loads(run([PYTHON, "-c", SETUP, "60"], env))
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
            env=env,
            cwd=ROOT,
        )
        tally, stop = Tally(), threading.Event()
        try:
            base = f"http://127.0.0.1:{args.port}"
            wait_until_up(base)
            shares = [live[n :: args.editors] for n in range(args.editors)]
            threads = [
                threading.Thread(target=reader, args=(base, live, tally, stop))
                for _ in range(args.readers)
            ] + [
                threading.Thread(target=editor, args=(base, list(own), tally, stop, n))
                for n, own in enumerate(shares)
            ]
            for thread in threads:
                thread.start()
            time.sleep(args.seconds)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = json.loads(run([PYTHON, "-c", CHECK, json.dumps(list(tally.saves))], env))
        lost = [pk for pk, text in tally.saves.items() if stored[str(pk)] != text]
    print(f"answers: {dict(sorted(tally.statuses.items()))}")
    print(f"editor saves acknowledged: {len(tally.saves)} articles, lost: {len(lost)}")
    print(f"articles taken off the site during the run: {len(tally.hidden)}")
    problems = tally.failures + [f"save of article {pk} lost" for pk in lost]
    for problem in problems[:20]:
        print("FAIL:", problem)
    print("OK: no 5xx, no lost saves, no leaks" if not problems else f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
