"""ja/en translations from gettext catalogs (Babel), compiled in memory at start-up.

English strings are the message ids. Each capability keeps its own catalog file in
locale/<lang>/LC_MESSAGES/<capability>.po; they are merged into one at start-up.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Locale = Literal["ja", "en"]
LOCALES: tuple[Locale, ...] = ("ja", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    # English needs a catalog only for stored keys shown as words (web_meeting → Web meeting).
    po_paths = sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    if not po_paths:
        return gettext_module.NullTranslations()
    merged = Catalog(locale=locale)
    for po_path in po_paths:
        with po_path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


def gettext_for(locale: str):  # type: ignore[no-untyped-def]
    return translations(locale).gettext


def negotiate(accept_language: str | None, default: Locale = "ja") -> Locale:
    """Pick ja or en from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return default
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for piece in pieces[1:]:
            key, _, value = piece.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((quality, tag))
    for _quality, tag in sorted(ranked, key=lambda item: -item[0]):
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary  # type: ignore[return-value]
    return default
