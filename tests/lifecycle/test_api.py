"""The lifecycle REST API and pages over real HTTP, on both databases."""

from __future__ import annotations

from datetime import date

import httpx

from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.coverage.models import Task
from hatake.lifecycle import service
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_subscription, create_user
from tests.lifecycle.lifecycle_data import add_events, write_config
from tests.live import serve, sign_in

DAYS = (date(2026, 1, 5), date(2026, 1, 25))


def _book(settings: Settings) -> tuple[Settings, str, str]:
    """Two accounts refreshed on two days; a read and a write token of a manager."""
    settings = write_config(settings)
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            manager = create_user(session, role="manager", email="manager@example.com")
            for external_id, mrr in (("ACC-A", 100_000), ("ACC-B", 10_000)):
                account = create_account(session, external_id=external_id, name=external_id)
                create_subscription(
                    session, account, start_date=date(2026, 1, 1), end_date=None, mrr_minor=mrr
                )
            session.add(
                Task(external_id="T-1", account_id=account.id, title="初回トレーニングの日程調整")
            )
            _row, read = team_service.create_token(session, name="r", scopes=["read"])
            _row, write = team_service.create_token(
                session, name="w", scopes=["read", "write"], user=manager
            )
        add_events(
            runtime,
            [("ACC-A", "u1", "login", date(2026, 1, 10)), ("ACC-A", "u2", "x", date(2026, 1, 11))],
        )
        for day in DAYS:
            with transaction(runtime.sessions) as session:
                service.refresh_stages(session, runtime.analytics(), day, settings=settings)
    finally:
        runtime.close()
    return settings, read, write


def test_lifecycle_api(settings: Settings) -> None:
    settings, read, write = _book(settings)
    reader = {"authorization": f"Bearer {read}", "accept-language": "en"}
    writer = {"authorization": f"Bearer {write}", "accept-language": "ja"}
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1") as api:
        stages = api.get("/lifecycle/stages", headers=reader, params={"date": "2026-01-25"})
        assert stages.status_code == 200, stages.text
        items = stages.json()["items"]
        assert [(i["account_external_id"], i["value"], i["days"]) for i in items] == [
            ("ACC-A", "adoption", 0),
            ("ACC-B", "onboarding", 20),
        ]  # fmt: skip
        seen, params = [], {"date": "2026-01-25", "limit": 1, "sort": "-account"}
        while True:
            page = api.get("/lifecycle/stages", headers=reader, params=params).json()
            seen += [item["account_external_id"] for item in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert seen == ["ACC-B", "ACC-A"]
        tiers = api.get(
            "/lifecycle/tiers", headers=reader, params={"date": "2026-01-25", "tier": "low_touch"}
        ).json()
        assert [item["account_external_id"] for item in tiers["items"]] == ["ACC-A"]
        flow = api.get(
            "/lifecycle/flow", headers=reader, params={"from": "2026-01-05", "to": "2026-01-31"}
        ).json()
        assert flow == [{"from_stage": "onboarding", "to_stage": "adoption", "accounts": 1}]
        backwards = api.get(
            "/lifecycle/flow", headers=reader, params={"from": "2026-02-01", "to": "2026-01-01"}
        )
        assert backwards.status_code == 400
        assert backwards.headers["content-type"] == "application/problem+json"

        cell = "/lifecycle/grid/onboarding/tech_touch"
        refused = api.put(cell, headers=reader, json={"body": "x"})
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        saved = api.put(cell, headers=writer, json={"body": "週次の導入ウェビナーに招待"})
        assert saved.status_code == 200, saved.text
        grid = api.get("/lifecycle/grid", headers=reader, params={"date": "2026-01-25"}).json()
        by_cell = {(c["stage"], c["tier"]): c for c in grid}
        assert by_cell["onboarding", "tech_touch"]["accounts"] == 1
        assert by_cell["onboarding", "tech_touch"]["initiatives"] == "週次の導入ウェビナーに招待"
        assert by_cell["onboarding", "tech_touch"]["initiatives_by"] is not None
        assert by_cell["onboarding", "tech_touch"]["open_tasks"] == 1
        assert by_cell["adoption", "low_touch"]["accounts"] == 1
        assert (
            api.put(
                "/lifecycle/grid/nope/tech_touch", headers=writer, json={"body": ""}
            ).status_code
            == 404
        )

        ticked = api.put(
            "/accounts/ACC-B/milestones/first_login", headers=writer,
            json={"reached_on": "2026-01-20"},
        )  # fmt: skip
        assert ticked.status_code == 200, ticked.text
        milestones = {item["key"]: item for item in ticked.json()["milestones"]}
        assert milestones["first_login"]["ticked_on"] == "2026-01-20"
        assert milestones["first_login"]["reached_by_usage_on"] is None
        assert milestones["two_users"]["ticked_on"] is None
        account_a = api.get("/accounts/ACC-A/lifecycle", headers=reader).json()
        assert {m["key"]: m["reached_by_usage_on"] for m in account_a["milestones"]} == {
            "first_login": "2026-01-10",
            "two_users": "2026-01-11",
        }
        unknown = api.put(
            "/accounts/ACC-B/milestones/nope", headers=writer, json={"reached_on": "2026-01-20"}
        )
        assert unknown.status_code == 404
        assert "nope" in unknown.json()["detail"]
        assert (
            api.delete("/accounts/ACC-B/milestones/first_login", headers=writer).status_code == 204
        )

        bad = api.put(
            "/accounts/ACC-B/tier-override", headers=writer, json={"tier": "vip", "reason": "x"}
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "tier"
        override = api.put(
            "/accounts/ACC-B/tier-override", headers=writer,
            json={"tier": "high_touch", "reason": "グループ会社への展開が決まった"},
        )  # fmt: skip
        assert override.status_code == 200, override.text
        assert override.json()["tier_override"] == "high_touch"
        assert api.delete("/accounts/ACC-B/tier-override", headers=writer).status_code == 204
        assert api.delete("/accounts/ACC-B/tier-override", headers=writer).status_code == 404
        assert api.get("/accounts/NOPE/lifecycle", headers=reader).status_code == 404


def test_lifecycle_pages(settings: Settings) -> None:
    settings, _read, _write = _book(settings)
    with serve(settings) as url, httpx.Client(base_url=url, follow_redirects=True) as web:
        sign_in(web, "manager@example.com", PASSWORD)
        page = web.get("/lifecycle/stages", params={"date": "2026-01-25", "from": "2026-01-01"})
        assert page.status_code == 200
        assert "ライフサイクルステージ" in page.text
        assert "活用" in page.text
        grid = web.get("/lifecycle/grid", params={"date": "2026-01-25"})
        assert grid.status_code == 200
        assert "初回トレーニングの日程調整" in grid.text
        bad = web.get("/lifecycle/stages", params={"date": "yesterday"})
        assert bad.status_code == 400
        assert "yesterday" in bad.text
