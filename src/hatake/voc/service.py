"""Survey-response use cases for the API. Services flush; the boundary commits."""

from __future__ import annotations

from hatake.accounts.service import ACCOUNT, CONTACT
from hatake.core.records import Records
from hatake.voc import repository
from hatake.voc.models import SurveyResponse

SURVEY_RESPONSES = Records(
    SurveyResponse,
    not_found="No survey response with external id {external_id}.",
    taken="A survey response with external id {external_id} already exists.",
    load=repository.SURVEY_RESPONSE_LOAD,
    required=frozenset({"responded_on", "nps"}),
    references={"account_external_id": ACCOUNT, "contact_external_id": CONTACT},
)
