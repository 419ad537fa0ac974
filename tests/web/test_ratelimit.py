"""Rate limits per API token: the bucket arithmetic with a fake clock, and the 429
problem document with its headers over real HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.team import service as team_service
from hatake.web.ratelimit import TokenBuckets
from tests.live import serve


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock=clock)  # one a second
    assert [buckets.take(1).remaining for _ in range(3)] == [59, 58, 57]
    for _ in range(57):
        assert buckets.take(1).allowed
    refused = buckets.take(1)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 0, 1)
    assert buckets.take(2).allowed  # another token has its own bucket
    clock.now += 2.5
    assert [buckets.take(1).allowed for _ in range(3)] == [True, True, False]
    clock.now += 3600
    assert buckets.take(1).remaining == 59  # never more than a minute's allowance


def test_over_the_limit_is_a_429_problem_with_headers(settings: Settings, session: Session) -> None:
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    _other, other = team_service.create_token(session, name="u", scopes=["read"])
    session.commit()
    limited = settings.model_copy(update={"api_rate_limit_per_minute": 3})
    with serve(limited) as url, httpx.Client(base_url=f"{url}/api/v1") as api:
        headers = {"authorization": f"Bearer {plain}", "accept-language": "en"}
        answers = [api.get("/accounts", headers=headers) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        refused = answers[-1]
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["ratelimit-limit"] == "3"
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["status"] == 429
        assert refused.json()["detail"].startswith("Too many requests for this token")
        assert api.get("/accounts", headers={"authorization": f"Bearer {other}"}).status_code == 200
        ja = api.get("/accounts", headers={**headers, "accept-language": "ja"})
        assert ja.json()["title"] == "リクエストが多すぎます。"


def test_zero_turns_the_limit_off(settings: Settings, session: Session) -> None:
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    unlimited = settings.model_copy(update={"api_rate_limit_per_minute": 0})
    with serve(unlimited) as url, httpx.Client(base_url=f"{url}/api/v1") as api:
        answer = api.get("/accounts", headers={"authorization": f"Bearer {plain}"})
        assert answer.status_code == 200
        assert "ratelimit-limit" not in answer.headers
