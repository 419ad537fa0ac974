from __future__ import annotations

import pytest

from hatake.core.i18n import gettext_for, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ja"),
        ("", "ja"),
        ("en-US,en;q=0.9", "en"),
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("fr-FR,en;q=0.5,ja;q=0.7", "ja"),
        ("fr-FR,de;q=0.5", "ja"),
        ("en;q=0.2,ja;q=0.1", "en"),
        ("en;q=abc,ja", "ja"),
    ],
)
def test_negotiate_honours_quality(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_negotiate_falls_back_to_the_given_default() -> None:
    assert negotiate("fr", default="en") == "en"


def test_catalogs_of_every_capability_are_merged() -> None:
    ja = gettext_for("ja")
    assert ja("Not found.") == "見つかりません。"  # core.po
    assert ja("Accounts") == "顧客一覧"  # web.po
    assert gettext_for("en")("Accounts") == "Accounts"


def test_every_japanese_message_keeps_its_placeholders() -> None:
    import re

    from babel.messages.pofile import read_po

    from hatake.core.i18n import LOCALE_DIR

    placeholder = re.compile(r"\{[a-z_]+\}")
    for po_path in sorted((LOCALE_DIR / "ja" / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    assert sorted(placeholder.findall(message.id)) == sorted(
                        placeholder.findall(message.string)
                    ), f"{po_path.name}: {message.id}"


def test_no_message_is_translated_two_ways_across_catalogs() -> None:
    from babel.messages.pofile import read_po

    from hatake.core.i18n import LOCALE_DIR

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po_path in sorted((LOCALE_DIR / "ja" / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if not (message.id and message.string):
                    continue
                earlier = seen.setdefault(message.id, (po_path.name, message.string))
                if earlier[1] != message.string:
                    clashes.append((message.id, earlier, (po_path.name, message.string)))
    assert clashes == []


def test_stored_keys_read_as_words_in_english() -> None:
    english = gettext_for("en")
    assert english("web_meeting") == "Web meeting"
    assert english("functional") == "Functional (TS)"
    assert english("Accounts") == "Accounts"  # English msgids pass through unchanged
