from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Contact
from hatake.voc.models import SurveyResponse


def survey_responses_of(
    session: Session, account_id: int, limit: int = 20
) -> Sequence[tuple[SurveyResponse, str | None]]:
    rows = session.execute(
        select(SurveyResponse, Contact.name)
        .outerjoin(Contact, Contact.id == SurveyResponse.contact_id)
        .where(SurveyResponse.account_id == account_id)
        .order_by(SurveyResponse.responded_on.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]
