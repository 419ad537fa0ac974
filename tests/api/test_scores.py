"""Stored health scores of a day over real HTTP: filters, sorting, cursors and links to the
explanation."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.health.versions import active_definition
from hatake.team import service as team_service
from tests.health.scored import store_day
from tests.live import serve


def test_scores_of_a_day(settings: Settings, session: Session, runtime: Runtime) -> None:
    version = active_definition(session).version
    con = runtime.analytics()
    store_day(con, date(2026, 11, 21), version, {"ACC-1": (80.0, "healthy")})
    store_day(
        con,
        date(2026, 11, 22),
        version,
        {"ACC-1": (81.5, "healthy"), "ACC-2": (35.0, "at_risk"), "ACC-3": (None, None),
         "ACC-4": (60.0, "watch")},
    )  # fmt: skip
    store_day(con, date(2026, 11, 22), "other", {"ACC-9": (10.0, "at_risk")})
    runtime.close()
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}", "accept-language": "en"}
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1/health") as api:
        latest = api.get("/scores", headers=headers).json()
        assert [item["account_external_id"] for item in latest["items"]] == [
            "ACC-1", "ACC-2", "ACC-3", "ACC-4"
        ]  # fmt: skip
        first = latest["items"][0]
        assert first["as_of"] == "2026-11-22"
        assert first["definition_version"] == version
        assert first["explanation"] == "/api/v1/accounts/ACC-1/health"
        assert first["changes"].endswith("changes?from=2026-10-23&to=2026-11-22")
        seen: list[float | None] = []
        params: dict[str, str | int] = {"sort": "-score", "limit": 1}
        while True:
            page = api.get("/scores", headers=headers, params=params).json()
            seen += [item["score"] for item in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert seen == [81.5, 60.0, 35.0, None]
        at_risk = api.get("/scores", headers=headers, params={"grade": "at_risk"}).json()
        assert [item["account_external_id"] for item in at_risk["items"]] == ["ACC-2"]
        earlier = api.get("/scores", headers=headers, params={"date": "2026-11-21"}).json()
        assert [item["score"] for item in earlier["items"]] == [80.0]
        other = api.get("/scores", headers=headers, params={"version": "other"}).json()
        assert [item["account_external_id"] for item in other["items"]] == ["ACC-9"]
        one = api.get("/scores", headers=headers, params={"account": "ACC-4"}).json()
        assert [item["grade"] for item in one["items"]] == ["watch"]
        assert api.get("/scores", headers=headers, params={"sort": "profile"}).status_code == 422
