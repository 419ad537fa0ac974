"""Every import message has a Japanese translation with the same placeholders."""

from __future__ import annotations

import string

import pytest

from hatake.core.i18n import gettext_for
from hatake.imports import messages

MESSAGES = {name: value for name, value in vars(messages).items() if name.isupper()}


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_translated_with_the_same_placeholders(name: str) -> None:
    english = MESSAGES[name]
    japanese = gettext_for("ja")(english)
    assert japanese != english, f"{name} has no Japanese translation"
    assert placeholders(japanese) == placeholders(english)
