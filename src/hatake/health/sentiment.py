"""CSM sentiment: the CSM's own 1-5 rating of how the customer feels, entered on the account
page or through the API, one row per rating (never edited), read by the `csm_sentiment`
factor as the latest rating on or before the as-of day.

The few queries live here with the use cases so the health repository stays as the lead
engineer restructures it; they are the only `select(` outside a repository module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.service import account_by_id
from hatake.core.db import utcnow
from hatake.core.errors import Forbidden, InvalidInput
from hatake.health.models import CsmSentiment
from hatake.team.models import User
from hatake.team.service import org_today

RATINGS = (1, 2, 3, 4, 5)
# English msgids; the ja catalog (sentiment.po) gives とても不満 … とても満足.
RATING_LABELS: Mapping[int, str] = {
    1: "Very unhappy",
    2: "Unhappy",
    3: "Neutral",
    4: "Happy",
    5: "Very happy",
}
WRITER_ROLES = ("admin", "manager", "csm")
NOTE_LIMIT = 2000
RECENT_LIMIT = 10


class RatingInvalid(InvalidInput):
    message_key = "The rating must be a whole number from 1 to 5."


class NotedOnInvalid(InvalidInput):
    message_key = "The date is not valid."


class NoteTooLong(InvalidInput):
    message_key = "The note is too long."


class SentimentForbidden(Forbidden):
    message_key = "Viewers cannot record a CSM sentiment."


@dataclass(frozen=True)
class SentimentEntry:
    """One rating as the account page and the API show it."""

    id: int
    account_id: int
    rating: int
    label: str  # English msgid of the rating
    noted_on: date
    note: str | None
    author_id: int | None
    author_name: str | None
    created_at: datetime


def check_writer(role: str) -> None:
    if role not in WRITER_ROLES:
        raise SentimentForbidden()


def parse_rating(value: object) -> int:
    """1..5 from an int or the text of a form field; anything else is refused."""
    if isinstance(value, bool):
        raise RatingInvalid(
            "The rating must be a whole number from 1 to 5, not {value}.", value=value
        )
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise RatingInvalid("Choose a rating from 1 to 5.")
        if not text.isdigit():
            raise RatingInvalid(
                "The rating must be a whole number from 1 to 5, not {value}.", value=text
            )
        value = int(text)
    if not isinstance(value, int) or value not in RATINGS:
        raise RatingInvalid(
            "The rating must be a whole number from 1 to 5, not {value}.", value=value
        )
    return value


def parse_noted_on(value: date | str | None, *, today: date) -> date:
    """The day the rating describes: today when not given, never after today."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise NotedOnInvalid(
                "The date {value} is not a date (YYYY-MM-DD).", value=value.strip()
            ) from None
    if value > today:
        raise NotedOnInvalid(
            "The date {noted_on} is in the future: today is {today}.",
            noted_on=value.isoformat(),
            today=today.isoformat(),
        )
    return value


def record_sentiment(
    session: Session,
    *,
    account_id: int,
    rating: object,
    noted_on: date | str | None,
    note: str | None,
    author_id: int | None,
    today: date | None = None,
) -> SentimentEntry:
    """Validate and store one rating; flush only (the boundary commits)."""
    account_by_id(session, account_id)
    checked_rating = parse_rating(rating)
    day = parse_noted_on(noted_on, today=today or org_today(session))
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_LIMIT:
        raise NoteTooLong(
            "The note has {length} characters; at most {limit} are allowed.",
            length=len(text),
            limit=NOTE_LIMIT,
        )
    row = CsmSentiment(
        account_id=account_id,
        rating=checked_rating,
        noted_on=day,
        note=text,
        author_id=author_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    author = session.get(User, author_id) if author_id is not None else None
    return _entry(row, author.name if author is not None else None)


def recent_sentiments(
    session: Session, account_id: int, *, limit: int = RECENT_LIMIT
) -> list[SentimentEntry]:
    """The account's ratings, latest first (by the day they describe, then by entry)."""
    rows = session.execute(
        select(CsmSentiment, User.name)
        .outerjoin(User, User.id == CsmSentiment.author_id)
        .where(CsmSentiment.account_id == account_id)
        .order_by(CsmSentiment.noted_on.desc(), CsmSentiment.id.desc())
        .limit(limit)
    ).all()
    return [_entry(row, name) for row, name in rows]


def _entry(row: CsmSentiment, author_name: str | None) -> SentimentEntry:
    return SentimentEntry(
        id=row.id,
        account_id=row.account_id,
        rating=row.rating,
        label=RATING_LABELS[row.rating],
        noted_on=row.noted_on,
        note=row.note,
        author_id=row.author_id,
        author_name=author_name,
        created_at=row.created_at,
    )
