"""Why the score changed between two chosen days, and the history across definition versions,
checked against hand-computed contributions (panel, API and the account-page partial)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from sqlalchemy.orm import Session

from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.core.runtime import Runtime
from hatake.health import snapshots
from hatake.health.definition import default_definition
from hatake.health.panel import account_panel, compare_days, history_points
from hatake.health.scoring import FactorResult, ScoreResult
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_user
from tests.live import LiveServer, sign_in

ACCOUNT = "HTK-1"
DAY_A, DAY_B, DAY_C = date(2026, 10, 1), date(2026, 10, 20), date(2026, 11, 1)


def _factor(metric: str, raw: float | None, points: float | None, weight: float) -> FactorResult:
    missing = raw is None
    return FactorResult(
        metric=metric,
        group="g",
        raw_value=raw,
        points=points,
        weight_effective=weight,
        contribution=(points or 0.0) * weight / 100.0,
        missing=missing,
        policy="redistribute",
    )


def _result(version: str, *factors: FactorResult) -> ScoreResult:
    score = sum(factor.contribution for factor in factors)
    return ScoreResult(
        definition_version=version,
        profile="default",
        exact_score=score,
        grade="healthy" if score >= 70 else "neutral",
        factors=factors,
    )


def _store(runtime: Runtime) -> None:
    """Day A (v1): open tickets 0 → 100 pts × 50 % = 50, usage 0.5 → 60 pts × 50 % = 30; 80.
    Day B (v1): open tickets 2 → 40 × 50 % = 20, usage 0.6 → 75 × 50 % = 37.5; 57.5.
    Day C (v2, and an older v1 run of the same day): tickets 40 × 40 % = 16, usage 75 × 40 %
    = 30, CSM sentiment 4 → 75 × 20 % = 15; 61."""
    con = runtime.analytics()
    days = {
        (DAY_A, "v1"): _result(
            "v1", _factor("open_tickets", 0.0, 100.0, 50), _factor("usage_rate", 0.5, 60.0, 50)
        ),
        (DAY_B, "v1"): _result(
            "v1", _factor("open_tickets", 2.0, 40.0, 50), _factor("usage_rate", 0.6, 75.0, 50)
        ),
        (DAY_C, "v1"): _result(
            "v1", _factor("open_tickets", 2.0, 40.0, 50), _factor("usage_rate", 0.6, 75.0, 50)
        ),
        (DAY_C, "v2"): _result(
            "v2",
            _factor("open_tickets", 2.0, 40.0, 40),
            _factor("usage_rate", 0.6, 75.0, 40),
            _factor("csm_sentiment", 4.0, 75.0, 20),
        ),
    }
    for (day, version), result in days.items():
        snapshots.replace_day(con, as_of=day, version=version, results={ACCOUNT: result})


@pytest.fixture
def stored(runtime: Runtime) -> Runtime:
    _store(runtime)
    return runtime


def test_history_keeps_every_version_one_score_a_day(stored: Runtime) -> None:
    con = stored.analytics()
    points = history_points(con, ACCOUNT, preferred_version="v2")
    assert [(p.as_of, p.version, p.score) for p in points] == [
        (DAY_A, "v1", 80.0),
        (DAY_B, "v1", 57.5),
        (DAY_C, "v2", 61.0),
    ]
    assert history_points(con, ACCOUNT, preferred_version="v1")[-1].version == "v1"
    # Without a preference (or when it did not score the day) the last stored version shows.
    assert history_points(con, ACCOUNT)[-1].version == "v2"
    panel = account_panel(
        con, ACCOUNT, default_definition().model_copy(update={"version": "v2"}), "en"
    )
    assert panel is not None
    assert panel.as_of == DAY_C
    assert panel.result.definition_version == "v2"
    # One entry per calendar day from Oct 1 to Nov 1; days without a score are gaps (None).
    history = panel.history
    assert len(history["labels"]) == 32
    assert (history["labels"][0], history["labels"][19], history["labels"][31]) == (
        "2026-10-01",
        "2026-10-20",
        "2026-11-01",
    )
    scored = {
        label: (score, version)
        for label, score, version in zip(
            history["labels"], history["scores"], history["versions"], strict=True
        )
        if score is not None
    }
    assert scored == {
        "2026-10-01": (80.0, "v1"),
        "2026-10-20": (57.5, "v1"),
        "2026-11-01": (61.0, "v2"),
    }
    assert history["versions"].count(None) == 29
    assert history["version_marks"] == [{"index": 31, "label": "2026-11-01", "version": "v2"}]
    assert [band["min"] for band in panel.history["bands"]] == [0, 40, 70]
    assert panel.default_change_range == (date(2026, 10, 2), DAY_C)
    # The 30-day baseline (2026-10-02) falls back to day A: 61 − 80.
    assert panel.change_since == DAY_A
    assert panel.change_summary == "-19.0: Open tickets -34.0, CSM sentiment +15.0"


def test_why_changed_between_two_scored_days(stored: Runtime) -> None:
    comparison = compare_days(
        stored.analytics(), ACCOUNT, DAY_A, DAY_B, definition=default_definition(), locale="en"
    )
    assert comparison.before is not None
    assert comparison.after is not None
    assert not comparison.before.fallback
    assert not comparison.after.fallback
    assert not comparison.versions_differ
    assert comparison.delta == pytest.approx(-22.5)
    assert comparison.summary == "-22.5: Open tickets -30.0, Usage rate +7.5"
    assert [
        (
            line.metric,
            line.contribution_before,
            line.contribution_after,
            line.delta,
            line.raw_before,
            line.raw_after,
        )
        for line in comparison.lines
    ] == [
        ("open_tickets", 50.0, 20.0, -30.0, 0.0, 2.0),
        ("usage_rate", 30.0, 37.5, 7.5, 0.5, 0.6),
    ]
    japanese = compare_days(
        stored.analytics(), ACCOUNT, DAY_A, DAY_B, definition=default_definition(), locale="ja"
    )
    assert japanese.summary == "-22.5：未解決チケット -30.0、利用率 +7.5"


def test_unscored_days_fall_back_and_a_new_definition_is_flagged(stored: Runtime) -> None:
    comparison = compare_days(
        stored.analytics(),
        ACCOUNT,
        date(2026, 10, 5),
        date(2026, 11, 5),
        definition=default_definition().model_copy(update={"version": "v2"}),
        locale="en",
    )
    assert comparison.before is not None
    assert comparison.after is not None
    assert comparison.before.fallback
    assert comparison.before.point.as_of == DAY_A
    assert comparison.after.fallback
    assert comparison.after.point.as_of == DAY_C
    assert comparison.versions_differ
    assert comparison.delta == pytest.approx(-19.0)
    by_metric = {line.metric: line for line in comparison.lines}
    assert [line.metric for line in comparison.lines] == [
        "open_tickets",
        "csm_sentiment",
        "usage_rate",
    ]
    assert by_metric["open_tickets"].delta == pytest.approx(-34.0)
    assert by_metric["csm_sentiment"].contribution_before == 0.0
    assert by_metric["csm_sentiment"].missing_before
    assert by_metric["csm_sentiment"].raw_after == 4.0
    assert by_metric["usage_rate"].delta == 0.0


def test_days_before_the_first_score_and_reversed_dates(stored: Runtime) -> None:
    early = compare_days(
        stored.analytics(),
        ACCOUNT,
        date(2026, 9, 1),
        DAY_B,
        definition=default_definition(),
        locale="en",
    )
    assert early.before is None
    assert early.after is not None
    assert early.lines == []
    with pytest.raises(HatakeError) as caught:
        compare_days(
            stored.analytics(), ACCOUNT, DAY_B, DAY_A, definition=default_definition(), locale="ja"
        )
    assert caught.value.render(gettext_for("ja")) == (
        "開始日（2026-10-20）が終了日（2026-10-01）より後になっています。"
    )


# --- over real HTTP ---------------------------------------------------------------------------


@pytest.fixture
def seeded(session: Session, runtime: Runtime) -> Iterator[int]:
    account = create_account(session, external_id=ACCOUNT)
    create_user(session, email="csm@example.com")
    session.commit()
    _store(runtime)
    return account.id


def test_api_history_and_changes(session: Session, seeded: int, live_server: LiveServer) -> None:
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    headers = {"Authorization": f"Bearer {plain}", "Accept-Language": "en"}
    with httpx.Client(base_url=live_server.url, timeout=30, headers=headers) as api:
        history = api.get(f"/api/v1/accounts/{ACCOUNT}/health/history?from=2026-10-02")
        assert history.status_code == 200, history.text
        assert [
            (p["as_of"], p["definition_version"], p["score"]) for p in history.json()["points"]
        ] == [
            ("2026-10-20", "v1", 57.5),
            ("2026-11-01", "v2", 61.0),  # the active (built-in) one did not score it: last
        ]
        changes = api.get(
            f"/api/v1/accounts/{ACCOUNT}/health/changes?from=2026-10-01&to=2026-10-20"
        )
        assert changes.status_code == 200, changes.text
        body = changes.json()
        assert body["summary"] == "-22.5: Open tickets -30.0, Usage rate +7.5"
        assert body["delta"] == pytest.approx(-22.5)
        assert body["definition_changed"] is False
        assert body["before"]["as_of"] == "2026-10-01"
        assert body["after"]["score"] == 57.5
        assert [(f["metric"], f["delta"], f["raw_value_after"]) for f in body["factors"]] == [
            ("open_tickets", -30.0, 2.0),
            ("usage_rate", 7.5, 0.6),
        ]
        too_early = api.get(
            f"/api/v1/accounts/{ACCOUNT}/health/changes?from=2026-01-01&to=2026-10-20"
        )
        assert too_early.status_code == 404
        assert too_early.json()["detail"] == "No score is stored on or before 2026-01-01."
        reversed_days = api.get(
            f"/api/v1/accounts/{ACCOUNT}/health/changes?from=2026-10-20&to=2026-10-01"
        )
        assert reversed_days.status_code == 400
        assert reversed_days.headers["content-type"].startswith("application/problem+json")


def test_the_page_partial(seeded: int, live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30, follow_redirects=True) as client:
        assert sign_in(client, "csm@example.com", PASSWORD).status_code == 200
        page = client.get(f"/accounts/{seeded}")
        assert "スコアはなぜ変わったか" in page.text
        assert 'value="2026-10-02"' in page.text  # 30 days before the latest score
        partial = client.get(
            f"/accounts/{seeded}/health/changes", params={"from": "2026-10-05", "to": "2026-10-20"}
        )
        assert partial.status_code == 200
        assert "-22.5：未解決チケット -30.0、利用率 +7.5" in partial.text
        assert "2026-10-05 のスコアは保存されていないため、直前の 2026-10-01" in partial.text
        assert "<html" not in partial.text
        versions = client.get(
            f"/accounts/{seeded}/health/changes", params={"from": "2026-10-20", "to": "2026-11-01"}
        )
        assert "2つの日は異なる定義（v1 と v2）で計算されている" in versions.text
        bad = client.get(f"/accounts/{seeded}/health/changes", params={"from": "", "to": "x"})
        assert "開始日を選んでください" in bad.text
