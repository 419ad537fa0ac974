from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hatake.accounts.models import Contact
from hatake.core.pagination import PageRequest, paginate
from hatake.core.records import scoped
from hatake.voc.models import SurveyResponse
from hatake.voc.schemas import SurveyResponseFilters


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


SURVEY_RESPONSE_LOAD = (selectinload(SurveyResponse.account), selectinload(SurveyResponse.contact))
SURVEY_RESPONSE_SORTS = {
    "id": SurveyResponse.id,
    "responded_on": SurveyResponse.responded_on,
    "nps": SurveyResponse.nps,
    "updated_at": SurveyResponse.updated_at,
}


def list_survey_responses(
    session: Session, page: PageRequest, filters: SurveyResponseFilters
) -> tuple[list[SurveyResponse], str | None]:
    """A page of NPS answers; both days of the range are included."""
    statement = scoped(
        select(SurveyResponse).options(*SURVEY_RESPONSE_LOAD),
        SurveyResponse,
        filters,
        since=[(SurveyResponse.responded_on, filters.responded_from)],
        until=[(SurveyResponse.responded_on, filters.responded_to)],
    )
    sorts = SURVEY_RESPONSE_SORTS
    return paginate(session, statement, sorts=sorts, id_column=SurveyResponse.id, page=page)
