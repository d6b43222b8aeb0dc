"""Translations: every message id in each Renda app's code and templates has a Chinese translation
in that app's own zh_Hans catalogue (no missing, empty or fuzzy entry), and pages render in Chinese.

The message ids are extracted the way `make messages` does (Django's makemessages, i.e. GNU
xgettext) from a temporary copy of each app, so the real catalogues are never touched.

Django merges all apps' catalogues into one, so a message id (with the same context) must have the
same translation in every app's catalogue; short ambiguous words get a context instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src"
APPS = sorted(p.parent.name for p in (SRC / "renda").glob("*/apps.py"))


def _catalogue_path(src: Path, app: str) -> Path:
    return src / "renda" / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _require_gettext() -> None:
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        pytest.fail(
            "GNU gettext is missing (xgettext not found), so message ids cannot be extracted. "
            "Install it with: apt-get install gettext"
        )


def _extract(app: str, workdir: Path) -> polib.POFile:
    """Run makemessages on a copy of the app and return the fresh catalogue (all msgstr empty)."""
    copy = workdir / app
    shutil.copytree(
        SRC / "renda" / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
    )
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        PYTHONPATH=str(SRC), RENDA_VAR_DIR=str(workdir / "var"), DJANGO_SETTINGS_MODULE="renda.settings"
    )
    # -P: do not put the app directory on sys.path (its calendar.py/selectors.py would shadow the stdlib).
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "renda.cli",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(fresh)) if fresh.exists() else polib.POFile()


def problems_of(app: str, workdir: Path) -> list[str]:
    fresh = _extract(app, workdir)
    path = _catalogue_path(SRC, app)
    ids = [(e.msgctxt, e.msgid) for e in fresh if e.msgid]
    if not ids:
        return []
    entries = polib.pofile(str(path)) if path.exists() else []
    catalogue = {(e.msgctxt, e.msgid): e for e in entries if not e.obsolete}
    found = []
    for key in ids:
        entry = catalogue.get(key)
        label = repr(key[1]) + (f" (context {key[0]!r})" if key[0] else "")
        if entry is None:
            found.append(f"missing: {label}")
        elif "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
        elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
            found.append(f"untranslated plural: {label}")
        elif not entry.msgid_plural and not entry.msgstr:
            found.append(f"untranslated: {label}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_message_id_has_a_chinese_translation(app, tmp_path):
    _require_gettext()
    found = problems_of(app, tmp_path)
    where = f"src/renda/{app}/locale/zh_Hans/LC_MESSAGES/django.po"
    assert not found, (
        f"renda.{app}: {len(found)} message ids lack a translation in {where} "
        "(refresh it with `make messages`, then translate every entry):\n  " + "\n  ".join(found)
    )


def test_the_check_finds_a_new_untranslated_id(tmp_path, monkeypatch):
    """The extraction really sees new strings: add one to a copy of core and it is reported."""
    _require_gettext()
    fake_src = tmp_path / "src"
    shutil.copytree(SRC, fake_src, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    view = fake_src / "renda" / "core" / "views.py"
    view.write_text(view.read_text() + '\n_NEW = _("A message id nobody has translated yet")\n')
    monkeypatch.setattr(sys.modules[__name__], "SRC", fake_src)
    found = problems_of("core", tmp_path / "work")
    assert found == ["missing: 'A message id nobody has translated yet'"]


def collisions_in(src: Path) -> list[str]:
    """Message ids (with the same context) that two apps' catalogues translate differently.

    Django merges every app's catalogue into one at run time, so such an id gets only one of the
    translations, on every page of every app."""
    by_key: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in sorted(src.glob("renda/*/locale/zh_Hans/LC_MESSAGES/django.po")):
        app = path.parents[3].name
        for entry in polib.pofile(str(path)):
            if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                text = " / ".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            else:
                text = entry.msgstr
            if text.strip(" /"):
                by_key.setdefault((entry.msgctxt, entry.msgid), {})[app] = text
    found = []
    for (context, msgid), texts in sorted(by_key.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
        if len(set(texts.values())) > 1:
            where = ", ".join(f"{app} {text!r}" for app, text in sorted(texts.items()))
            label = repr(msgid) + (f" (context {context!r})" if context else " (no context)")
            found.append(f"{label}: {where}")
    return found


def test_no_message_id_has_two_translations():
    found = collisions_in(SRC)
    assert not found, (
        f"{len(found)} message ids are translated differently in two apps' catalogues; Django merges "
        "the catalogues, so only one translation would show on every page. Where the meanings differ, "
        'give the usages a context (pgettext_lazy("...", "X") or {% translate "X" context "..." %}); '
        "where they are the same, use the same Chinese:\n  " + "\n  ".join(found)
    )


def test_the_collision_check_names_the_id_and_the_apps(tmp_path):
    for app, close, next_ in (("alpha", "关闭", "下一页"), ("beta", "办结", "下一页")):
        path = _catalogue_path(tmp_path, app)
        path.parent.mkdir(parents=True)
        po = polib.POFile()
        po.append(polib.POEntry(msgid="Close", msgstr=close))
        po.append(polib.POEntry(msgid="Next", msgstr=next_))
        po.append(polib.POEntry(msgctxt=app, msgid="Show", msgstr=app))
        po.save(str(path))
    assert collisions_in(tmp_path) == ["'Close' (no context): alpha '关闭', beta '办结'"]


def test_login_page_renders_in_chinese():
    html = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("core:login")).content.decode()
    assert "登录" in html and "人大信息平台" in html
    assert "Log in" not in html
    assert '<html lang="zh-Hans">' in html


def test_workbench_renders_in_chinese(client_for):
    html = client_for("staff").get(reverse("core:workbench")).content.decode()
    assert "工作台" in html and "待办事项" in html and "退出登录" in html
    assert "Workbench" not in html


def test_missing_gettext_fails_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install gettext"):
        _require_gettext()
