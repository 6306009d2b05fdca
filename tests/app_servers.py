"""Real app servers for the several-servers test: gunicorn processes with production settings,
each in a working folder of its own, and a browser-like HTTP client that logs in to the admin."""

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

from tests.s3_server import free_ports

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# What the test process may carry that a production server must not inherit.
NOT_INHERITED = {
    "DEBUG",
    "PAGE_CACHE",
    "CACHE_DISABLED",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PHOTO_STORAGE",
}


def environment(**settings):
    """A production environment (DEBUG off) for manage.py and gunicorn, plus ``settings``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_INHERITED and not key.startswith(("AWS_", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        GUNICORN_ACCESS_LOG="",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    env.update(settings)
    return env


@contextlib.contextmanager
def own_postgres_database(prefix):
    """A PostgreSQL database of the test's own, on the server the suite runs on; its URL.
    Skips unless the suite runs on PostgreSQL. Dropped afterwards."""
    import psycopg
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("run with the suite on PostgreSQL")
    database = f"{prefix}_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    server_url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as postgres:
        postgres.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"{server_url}/{database}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as postgres:
            postgres.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def manage(env, *args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


class AppServer:
    """One gunicorn with its own folder (static files, MEDIA_ROOT, log) on a free port."""

    def __init__(self, name, folder, env):
        self.folder = Path(folder) / name
        self.media_root = self.folder / "media"
        self.media_root.mkdir(parents=True)
        (port,) = free_ports(1)
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **env,
            "MEDIA_ROOT": str(self.media_root),
            "STATIC_ROOT": str(self.folder / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }
        self.log = self.folder / "gunicorn.log"
        self.process = None

    def start(self):
        manage(self.env, "collectstatic", "--noinput", "-v", "0", cwd=self.folder)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "newsroom.wsgi"],
                env=self.env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2).close()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def disk_files(self):
        return [path for path in self.media_root.rglob("*") if path.is_file()]


class Browser:
    """Cookies and CSRF like a browser; answers (status, body bytes, content type)."""

    def __init__(self, base):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path, fields, files=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": content_type, "Referer": self.base + path},
        )
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), response.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get("Content-Type")

    def page(self, path):
        status, body, _ = self.get(path)
        assert status == 200, (path, status, body[-3000:])
        return body.decode()

    def log_in(self, username, password):
        token = csrf_token(self.page("/admin/login/"))
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, body, _ = self.post("/admin/login/?next=/admin/", {**fields, "next": "/admin/"})
        assert status == 200 and "Log out" in body.decode(), body[-2000:]


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormFields(HTMLParser):
    """The fields a browser would submit from a page's forms (no file inputs, no buttons)."""

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
        if tag == "textarea" and self._textarea is not None:
            # As a browser does, drop the newline Django writes after <textarea>.
            self._textarea[1] = self._textarea[1].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return dict(parser.fields)
