"""The German, French and Japanese catalogs are complete: every wrapped string has a translation,
none is fuzzy, and a newly wrapped string that nobody translated fails here."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LANGUAGES = ["de", "fr", "ja"]
LOCALE = Path(settings.BASE_DIR, "locale")
# What makemessages reads: the apps and templates, not the virtualenv, tests or benchmarks.
# %(name)s and %(count)d for gettext, {name} for str.format, and HTML tags kept as they are.
PLACEHOLDER = r"%\(\w+\)[sd]|\{\w+\}|</?\w+"
NOT_SCANNED = {".venv", "tests", "bench", "var", "locale", "node_modules", "static", "docs"}


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entry_key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)

    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for entry in catalog(language).translated_entries():
        wanted = set(polib.re.findall(PLACEHOLDER, entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(polib.re.findall(PLACEHOLDER, form)) == wanted, (language, entry.msgid)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (make test installs it)")
def test_makemessages_finds_no_string_missing_from_the_catalogs(tmp_path, settings):
    """makemessages runs on a copy of the project tree (links to the sources, a copy of the
    catalog): the strings it extracts must be exactly those of the committed catalog."""
    for child in Path(settings.BASE_DIR).iterdir():
        if child.name not in NOT_SCANNED and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    copied = tmp_path / "locale" / "de" / "LC_MESSAGES"
    copied.mkdir(parents=True)
    shutil.copy(LOCALE / "de" / "LC_MESSAGES" / "django.po", copied)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["de"], symlinks=True, verbosity=0)
    finally:
        os.chdir(cwd)

    extracted = {entry_key(e) for e in polib.pofile(str(copied / "django.po")) if not e.obsolete}
    committed = {entry_key(e) for e in catalog("de") if not e.obsolete}
    assert sorted(extracted - committed) == [], "wrapped but not in the catalogs: run makemessages"
    assert sorted(committed - extracted) == [], "in the catalogs but no longer wrapped"


def test_the_docker_image_and_make_run_compile_the_catalogs():
    """The .mo files are not committed: whatever serves the portal compiles them first."""
    base = Path(settings.BASE_DIR)
    dockerfile = (base / "Dockerfile").read_text()
    assert dockerfile.index("compilemessages") > dockerfile.index("COPY . .")
    ignored = (base / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "**/*.mo" in ignored
    makefile = (base / "Makefile").read_text()
    assert "run: $(RUN_STAMP) messages" in makefile
    assert "manage.py compilemessages" in makefile
