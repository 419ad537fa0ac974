"""REST API for survey (NPS) responses."""

from __future__ import annotations

from fastapi import APIRouter

from hatake.voc import repository, service
from hatake.voc.schemas import (
    SurveyResponseCreate,
    SurveyResponseFilters,
    SurveyResponseRead,
    SurveyResponseUpdate,
)
from hatake.web.api import Resource, add_routes

router = APIRouter(prefix="/api/v1")

add_routes(
    router,
    Resource(
        path="/survey-responses", tag="survey responses", noun="survey response",
        records=service.SURVEY_RESPONSES, read=SurveyResponseRead, create=SurveyResponseCreate,
        update=SurveyResponseUpdate, filters=SurveyResponseFilters,
        list_rows=repository.list_survey_responses, sorts=list(repository.SURVEY_RESPONSE_SORTS),
    ),
)  # fmt: skip
