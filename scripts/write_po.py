"""Merge translations into a Japanese catalog: `python scripts/write_po.py NAME < new.json`.

Reads a JSON object {msgid: msgstr} on standard input and merges it into
src/hatake/locale/ja/LC_MESSAGES/NAME.po, saving typing when many strings are added at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

name = sys.argv[1]
path = Path("src/hatake/locale/ja/LC_MESSAGES") / f"{name}.po"
catalog = Catalog(locale="ja")
if path.exists():
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="ja")
for msgid, msgstr in json.load(sys.stdin).items():
    catalog.add(msgid, msgstr)
with path.open("wb") as handle:
    write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
