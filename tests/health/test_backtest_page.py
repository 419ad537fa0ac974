"""The backtest and fit pages and their API, over real HTTP, on both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.health import versions
from hatake.health.definition import default_definition
from hatake.team import service as team_service
from tests.health.evaluation_demo import BACKTEST_AS_OF, FITTED_VERSION, generate
from tests.helpers import PASSWORD, create_user
from tests.live import LiveServer, csrf_from, sign_in

DEMO_EMAIL, DEMO_PASSWORD = "demo@hatake.example", "hatake-demo"
FIT_QUERY = "from=2025-09-01&to=2026-08-20&every=30&horizon=90"


@pytest.fixture
def demo(settings: Settings) -> Settings:
    generate(120)
    return settings


@pytest.fixture
def client(demo: Settings, live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=60) as client:
        sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)
        yield client


def _token(session: Session, *scopes: str) -> dict[str, str]:
    _token_row, plain = team_service.create_token(session, name="t", scopes=list(scopes))
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_backtest_page_shows_two_versions_side_by_side(client: httpx.Client) -> None:
    builtin = default_definition().version
    page = client.get(
        f"/health/backtest?version={builtin}&compare={FITTED_VERSION}&as_of={BACKTEST_AS_OF}"
        "&horizon=90",
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 200, page.text
    assert f"A: {builtin}" in page.text
    assert f"B: {FITTED_VERSION}" in page.text
    assert "Difference (B − A)" in page.text
    assert 'id="decile-chart"' in page.text
    assert 'id="roc-chart"' in page.text
    assert len(re.findall(r'data-testid="roc-auc-\d"', page.text)) == 2
    # Accounts that churned while healthy link to their pages (this small book may have none).
    assert re.search(r'<a href="/accounts/\d+">', page.text) or "None." in page.text


def test_backtest_page_defaults_to_the_active_version_and_reports_errors(
    client: httpx.Client,
) -> None:
    page = client.get("/health/backtest?as_of=2026-06-01", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    assert "ROC AUC" in page.text
    assert "良好のまま解約" in page.text
    missing = client.get("/health/backtest?version=nope")
    assert missing.status_code == 404


def test_backtest_api_compares_versions(
    demo: Settings, live_server: LiveServer, session: Session
) -> None:
    headers = _token(session, "read")
    with httpx.Client(base_url=live_server.url, timeout=60) as api:
        response = api.get(
            "/api/v1/health/backtest",
            params={"compare": FITTED_VERSION, "as_of": BACKTEST_AS_OF, "horizon": 90},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert [report["version"] for report in body["reports"]] == [
            default_definition().version,
            FITTED_VERSION,
        ]
        assert body["reports"][0]["n"] == body["reports"][1]["n"] > 0
        assert len(body["comparison"]) == 14
        assert body["reports"][0]["roc_curve"][0] == {"fpr": 0.0, "tpr": 0.0}
        assert api.get("/api/v1/health/backtest").status_code == 401


def test_fit_api_suggests_and_saves_only_with_the_write_scope(
    demo: Settings, live_server: LiveServer, session: Session
) -> None:
    read, write = _token(session, "read"), _token(session, "read", "write")
    body = {"from": "2025-09-01", "to": "2026-08-20", "every": 30, "horizon": 90}
    with httpx.Client(base_url=live_server.url, timeout=60) as api:
        suggested = api.post("/api/v1/health/fit", json=body, headers=read)
        assert suggested.status_code == 200, suggested.text
        data = suggested.json()
        assert not data["saved"]
        assert sum(row["fitted"] for row in data["weights"]) == pytest.approx(100)
        assert max(data["train_dates"]) < min(data["test_dates"])
        refused = api.post(
            "/api/v1/health/fit", json={**body, "save": True, "name": "api-fit"}, headers=read
        )
        assert refused.status_code == 403
        saved = api.post(
            "/api/v1/health/fit", json={**body, "save": True, "name": "api-fit"}, headers=write
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["saved"]
    session.expire_all()
    info = next(i for i in versions.list_versions(session) if i.version == "api-fit")
    assert info.origin == "fitted"
    assert not info.is_active


def test_fit_page_runs_and_saves_for_managers_only(
    client: httpx.Client, live_server: LiveServer, session: Session
) -> None:
    page = client.get(f"/health/fit?run=true&{FIT_QUERY}", headers={"Accept-Language": "en"})
    assert page.status_code == 200, page.text
    assert "Weights: hand-set and fitted" in page.text
    assert "Save as new version" in page.text
    token = csrf_from(page.text)
    form = {"csrf_token": token, "version": default_definition().version, "from": "2025-09-01",
            "to": "2026-08-20", "every": "30", "horizon": "90", "name": "page-fit"}  # fmt: skip
    saved = client.post("/health/fit/save", data=form)
    assert saved.status_code == 200
    assert "saved=page-fit" in str(saved.url)
    session.expire_all()
    assert versions.get_definition(session, "page-fit").version == "page-fit"
    assert versions.active_definition(session).version == default_definition().version

    create_user(session, email="csm@example.com", role="csm")
    session.commit()
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=60) as csm:
        sign_in(csm, "csm@example.com", PASSWORD)
        page = csm.get(f"/health/fit?run=true&{FIT_QUERY}", headers={"Accept-Language": "en"})
        assert "Save as new version" not in page.text
        refused = csm.post(
            "/health/fit/save", data={**form, "csrf_token": csrf_from(page.text), "name": "x"}
        )
        assert refused.status_code == 403
