"""The demo command is safe to run twice; production settings refuse to start without a secret."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Image

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "articles": list(Article.objects.values_list("slug", "headline", "status", "body_html")),
        "images": list(Image.objects.values_list("key", "file", "caption")),
        "users": list(get_user_model().objects.values_list("username", "password")),
        "writer": list(Author.objects.values_list("slug", "user__username")),
    }


def test_demo_command_loads_content_and_is_idempotent(settings, stored_files, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = snapshot()
    printed = capsys.readouterr().out
    assert "editor" in printed and "newsroom-editor" in printed
    assert len(first["articles"]) == 1
    assert stored_files("originals/") == [
        "originals/pbbrest4-demo.jpg",
        "originals/pbfrm3bc-demo.jpg",
        "originals/pbhawk2a-demo.jpg",
    ]
    call_command("load_demo")
    assert snapshot() == first
    assert get_user_model().objects.get(username="editor").groups.filter(name="Editors").exists()
    assert ("igor-savostenko", "writer") in first["writer"]


def test_demo_command_creates_no_accounts_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_demo")
    assert Article.objects.count() == 1
    assert not get_user_model().objects.exists()


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
