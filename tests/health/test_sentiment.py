"""CSM sentiment: validation in ja and en, the factor as of a day (no leakage), the API round
trip and the account-page form with its roles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy.orm import Session

from hatake.core.errors import Forbidden, HatakeError, NotFound
from hatake.core.i18n import gettext_for
from hatake.health import facts, sentiment
from hatake.health.definition import default_definition
from hatake.health.models import CsmSentiment
from hatake.health.scoring import score_account
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_subscription, create_user
from tests.live import LiveServer, csrf_from, sign_in

TODAY = date(2026, 11, 23)


def _rate(session: Session, account_id: int, rating: int, noted_on: date) -> None:
    session.add(CsmSentiment(account_id=account_id, rating=rating, noted_on=noted_on))
    session.flush()


class _Facts:
    def __init__(self, csm_sentiment: float | None) -> None:
        self.csm_sentiment = csm_sentiment


def _facts(session: Session, as_of: date) -> dict[str, _Facts]:
    table = facts.account_day_facts(
        session, start=as_of, end=as_of, time_zone="Asia/Tokyo", stale_ticket_days=14
    )
    return {
        row["account_id"]: _Facts(row["csm_sentiment"])
        for row in table.select(["account_id", "csm_sentiment"]).to_pylist()
    }


def test_the_factor_is_the_latest_rating_on_or_before_the_day(session: Session) -> None:
    account = create_account(session, external_id="SENT-1")
    create_subscription(session, account, start_date=date(2026, 1, 1))
    quiet = create_account(session, external_id="SENT-2")
    create_subscription(session, quiet, start_date=date(2026, 1, 1))
    _rate(session, account.id, 2, date(2026, 10, 1))
    _rate(session, account.id, 4, date(2026, 10, 15))
    _rate(session, account.id, 5, date(2026, 10, 15))  # same day, entered later: it wins
    _rate(session, account.id, 1, date(2026, 11, 10))  # after the as-of day: never read
    # Entered after the November rating but describing an earlier day: not the latest.
    _rate(session, account.id, 3, date(2026, 9, 1))

    assert _facts(session, date(2026, 9, 30))["SENT-1"].csm_sentiment == 3.0
    assert _facts(session, date(2026, 10, 14))["SENT-1"].csm_sentiment == 2.0
    assert _facts(session, date(2026, 10, 15))["SENT-1"].csm_sentiment == 5.0
    assert _facts(session, date(2026, 11, 1))["SENT-1"].csm_sentiment == 5.0
    assert _facts(session, date(2026, 11, 10))["SENT-1"].csm_sentiment == 1.0
    assert _facts(session, date(2026, 8, 31))["SENT-1"].csm_sentiment is None
    assert _facts(session, date(2026, 11, 1))["SENT-2"].csm_sentiment is None


def test_the_sentiment_factor_in_the_default_definition() -> None:
    """Default profile: sentiment group 15 of 100; inside it NPS 60, CSM sentiment 40; linear
    1 → 0 points, 5 → 100. A rating of 4 is 75 points at 15 × 40 / 100 = 6.0 weight, so it
    contributes 4.5. Without a rating its weight goes to NPS (redistribute)."""
    definition = default_definition()
    assert definition.version == "2026-11-24.1"
    base = {"open_tickets": 0.0, "days_since_meaningful_touch": 14.0}
    rated = score_account(definition, {"plan": "standard"}, {**base, "csm_sentiment": 4.0})
    factor = next(f for f in rated.factors if f.metric == "csm_sentiment")
    nps = next(f for f in rated.factors if f.metric == "nps_category")
    assert factor.points == pytest.approx(75.0)
    assert factor.weight_effective == pytest.approx(6.0)
    assert factor.contribution == pytest.approx(4.5)
    assert nps.weight_effective == pytest.approx(9.0)  # 15 × 60 / 100, neutral 50 points
    unrated = score_account(definition, {"plan": "standard"}, base)
    factor = next(f for f in unrated.factors if f.metric == "csm_sentiment")
    nps = next(f for f in unrated.factors if f.metric == "nps_category")
    assert factor.missing
    assert factor.weight_effective == 0.0
    assert nps.weight_effective == pytest.approx(15.0)
    assert rated.exact_score - unrated.exact_score == pytest.approx(4.5 - 6.0 * 0.5)


@pytest.mark.parametrize(
    ("rating", "noted_on", "english", "japanese"),
    [
        (
            "6",
            None,
            "The rating must be a whole number from 1 to 5, not 6.",
            "評価は1〜5の整数で指定してください（指定された値：6）。",
        ),
        (
            "three",
            None,
            "The rating must be a whole number from 1 to 5, not three.",
            "評価は1〜5の整数で指定してください（指定された値：three）。",
        ),
        (0, None, "The rating must be a whole number from 1 to 5, not 0.", None),
        (True, None, "The rating must be a whole number from 1 to 5, not True.", None),
        ("", None, "Choose a rating from 1 to 5.", "評価を1〜5から選んでください。"),
        (
            4,
            date(2026, 11, 24),
            "The date 2026-11-24 is in the future: today is 2026-11-23.",
            "2026-11-24 は未来の日付です（今日は 2026-11-23）。",
        ),
        (
            4,
            "2026-02-30",
            "The date 2026-02-30 is not a date (YYYY-MM-DD).",
            "2026-02-30 は日付（YYYY-MM-DD）ではありません。",
        ),
    ],
)
def test_bad_input_is_refused_in_both_languages(
    session: Session,
    rating: object,
    noted_on: date | str | None,
    english: str,
    japanese: str | None,
) -> None:
    account = create_account(session)
    with pytest.raises(HatakeError) as caught:
        sentiment.record_sentiment(
            session,
            account_id=account.id,
            rating=rating,
            noted_on=noted_on,
            note=None,
            author_id=None,
            today=TODAY,
        )
    assert caught.value.status_code == 400
    assert caught.value.render(gettext_for("en")) == english
    if japanese is not None:
        assert caught.value.render(gettext_for("ja")) == japanese
    assert sentiment.recent_sentiments(session, account.id) == []


def test_unknown_account_viewer_and_long_note(session: Session) -> None:
    with pytest.raises(NotFound):
        sentiment.record_sentiment(
            session, account_id=999, rating=3, noted_on=None, note=None, author_id=None
        )
    with pytest.raises(Forbidden) as caught:
        sentiment.check_writer("viewer")
    assert caught.value.render(gettext_for("ja")) == "閲覧者はCSMの所感を記録できません。"
    for role in ("csm", "manager", "admin"):
        sentiment.check_writer(role)
    account = create_account(session)
    with pytest.raises(HatakeError) as too_long:
        sentiment.record_sentiment(
            session,
            account_id=account.id,
            rating=3,
            noted_on=None,
            note="あ" * 2001,
            author_id=None,
            today=TODAY,
        )
    assert too_long.value.render(gettext_for("en")) == (
        "The note has 2001 characters; at most 2000 are allowed."
    )


def test_recorded_ratings_are_listed_latest_first(session: Session) -> None:
    author = create_user(session, name="佐藤 花子")
    account = create_account(session)
    for rating, day in ((3, "2026-11-01"), (4, "2026-11-20"), (2, "2026-10-01")):
        sentiment.record_sentiment(
            session,
            account_id=account.id,
            rating=str(rating),
            noted_on=day,
            note=f"  メモ{rating} ",
            author_id=author.id,
            today=TODAY,
        )
    today_entry = sentiment.record_sentiment(
        session,
        account_id=account.id,
        rating=5,
        noted_on=None,
        note="",
        author_id=None,
        today=TODAY,
    )
    assert today_entry.noted_on == TODAY
    assert today_entry.note is None
    entries = sentiment.recent_sentiments(session, account.id)
    assert [(e.rating, e.noted_on.isoformat()) for e in entries] == [
        (5, "2026-11-23"),
        (4, "2026-11-20"),
        (3, "2026-11-01"),
        (2, "2026-10-01"),
    ]
    assert entries[1].author_name == "佐藤 花子"
    assert entries[1].note == "メモ4"
    assert entries[1].label == "Happy"
    assert gettext_for("ja")(entries[1].label) == "満足"
    assert len(sentiment.recent_sentiments(session, account.id, limit=2)) == 2


def test_today_is_the_organisations_day(session: Session) -> None:
    team_service.ensure_org(session)  # Asia/Tokyo
    late_utc = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 01:00 on the 24th in Tokyo
    assert sentiment.org_today(session, late_utc) == date(2026, 11, 24)
    assert sentiment.org_today(session, datetime(2026, 11, 23, 14, 59, tzinfo=UTC)) == TODAY


# --- over real HTTP ---------------------------------------------------------------------------


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client


def _headers(session: Session, *scopes: str, locale: str = "en") -> dict[str, str]:
    user = create_user(session, name="API 担当")
    _row, plain = team_service.create_token(session, name="t", scopes=list(scopes), user=user)
    session.commit()
    return {"Authorization": f"Bearer {plain}", "Accept-Language": locale}


def test_api_round_trip(session: Session, api: httpx.Client) -> None:
    create_account(session, external_id="ACC-API")
    headers = _headers(session, "read", "write")
    created = api.post(
        "/api/v1/accounts/ACC-API/sentiments",
        json={"rating": 2, "noted_on": "2026-11-01", "note": "解約を検討中"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["rating"] == 2
    assert body["label"] == "Unhappy"
    assert body["noted_on"] == "2026-11-01"
    assert body["author_name"] == "API 担当"
    plain_today = api.post(
        "/api/v1/accounts/ACC-API/sentiments", json={"rating": 4}, headers=headers
    )
    assert plain_today.status_code == 201
    listed = api.get(
        "/api/v1/accounts/ACC-API/sentiments", headers={**headers, "Accept-Language": "ja"}
    )
    assert listed.status_code == 200
    assert [(item["rating"], item["label"]) for item in listed.json()] == [
        (4, "満足"),
        (2, "不満"),
    ]


def test_api_errors_are_problem_documents(session: Session, api: httpx.Client) -> None:
    create_account(session, external_id="ACC-ERR")
    headers = _headers(session, "read", "write", locale="ja")
    bad = api.post("/api/v1/accounts/ACC-ERR/sentiments", json={"rating": 7}, headers=headers)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["detail"] == "評価は1〜5の整数で指定してください（指定された値：7）。"
    future = api.post(
        "/api/v1/accounts/ACC-ERR/sentiments",
        json={"rating": 3, "noted_on": "2999-01-01"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert future.status_code == 400
    assert future.json()["detail"].startswith("The date 2999-01-01 is in the future")
    missing = api.post("/api/v1/accounts/NOPE/sentiments", json={"rating": 3}, headers=headers)
    assert missing.status_code == 404
    read_only = _headers(session, "read")
    refused = api.post("/api/v1/accounts/ACC-ERR/sentiments", json={"rating": 3}, headers=read_only)
    assert refused.status_code == 403
    assert api.get("/api/v1/accounts/ACC-ERR/sentiments", headers=read_only).json() == []


@contextmanager
def _signed_in(live_server: LiveServer, email: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30, follow_redirects=True) as client:
        assert sign_in(client, email, PASSWORD).status_code == 200
        yield client


def test_the_account_page_form(session: Session, live_server: LiveServer) -> None:
    create_user(session, email="csm@example.com", role="csm", name="佐藤 花子")
    create_user(session, email="viewer@example.com", role="viewer")
    account = create_account(session, external_id="ACC-WEB")
    session.commit()
    with _signed_in(live_server, "csm@example.com") as client:
        page = client.get(f"/accounts/{account.id}")
        assert 'name="rating"' in page.text
        assert "とても満足" in page.text
        token = csrf_from(page.text)
        saved = client.post(
            f"/accounts/{account.id}/sentiments",
            data={"rating": "4", "noted_on": "2026-11-20", "note": "前向き"},
            headers={"HX-Request": "true", "X-CSRF-Token": token},
        )
        assert saved.status_code == 200
        assert "記録しました：2026-11-20「満足」" in saved.text
        assert "佐藤 花子" in saved.text
        refused = client.post(
            f"/accounts/{account.id}/sentiments",
            data={"rating": "9", "noted_on": "2026-11-20"},
            headers={"HX-Request": "true", "X-CSRF-Token": token},
        )
        assert refused.status_code == 200  # htmx swaps the card with the error in place
        assert "評価は1〜5の整数で指定してください（指定された値：9）。" in refused.text
        no_csrf = client.post(f"/accounts/{account.id}/sentiments", data={"rating": "3"})
        assert no_csrf.status_code == 403
        plain = client.post(
            f"/accounts/{account.id}/sentiments",
            data={"rating": "3", "noted_on": "2026-11-21", "csrf_token": token},
        )
        assert plain.status_code == 200
        assert plain.url.path == f"/accounts/{account.id}"
        assert "2026-11-21" in plain.text
    with _signed_in(live_server, "viewer@example.com") as client:
        page = client.get(f"/accounts/{account.id}")
        assert 'name="rating"' not in page.text
        assert "前向き" in page.text  # viewers still see the history
        refused = client.post(
            f"/accounts/{account.id}/sentiments",
            data={"rating": "3"},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(page.text)},
        )
        assert refused.status_code == 403
    entries = sentiment.recent_sentiments(session, account.id)
    assert [entry.rating for entry in entries] == [3, 4]
