"""What an import hands back: a report on success, an ImportFailed carrying every issue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hatake.core.errors import HatakeError, InvalidInput
from hatake.core.i18n import gettext_for
from hatake.imports import messages


def render(locale: str, message_key: str, params: Mapping[str, Any]) -> str:
    text = gettext_for(locale)(message_key)
    return text.format(**params) if params else text


@dataclass(frozen=True)
class ImportIssue:
    """One problem, located as the spreadsheet shows it: the header is row 1, the first data
    row is row 2. `row` is None for a problem with the whole file or a whole column; `column`
    is the header as written in the file (or the field key of a missing column)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message_key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def reason(self, locale: str) -> str:
        return render(locale, self.message_key, self.params)

    def to_dict(self, locale: str) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason(locale),
        }


@dataclass(frozen=True)
class ImportReport:
    entity: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool

    def summary(self, locale: str) -> str:
        key = messages.DRY_RUN_SUMMARY if self.dry_run else messages.SUMMARY
        return render(
            locale,
            key,
            {
                "file": self.file,
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
            },
        )


class ImportFailed(HatakeError):
    """The file has problems and nothing was written; `issues` lists every one of them."""

    status_code = 422
    message_key = messages.FAILED

    def __init__(self, file: str, issues: Sequence[ImportIssue]) -> None:
        self.file = file
        self.issues = sorted(issues, key=lambda issue: issue.row or 0)
        super().__init__(messages.FAILED, count=len(self.issues), file=file)


class UnknownEntity(InvalidInput):
    message_key = messages.UNKNOWN_ENTITY
