"""docs/import-formats.md documents every column of every entity."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatake.imports.specs import SPECS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"


@pytest.mark.parametrize("entity", list(SPECS))
def test_every_column_is_in_the_entity_table(entity: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"### {entity} ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = {
        line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| `")
    }
    for field in SPECS[entity].fields:
        assert f"`{field.key}`" in rows, field.key
        assert f"| {field.label_ja} |" in rows[f"`{field.key}`"], field.key
        assert ("| yes |" in rows[f"`{field.key}`"]) == field.required, field.key
