"""Today's queue from the state and analytics stores on hand-built accounts (both backends):
the due boundary, each reason read from its table, snoozes, who sees which queue, the API over
HTTP, the page's actions and the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer import Typer
from typer.testing import CliRunner

from hatake.accounts.models import Account
from hatake.core.errors import Forbidden, InvalidField
from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.coverage import queue_service as service
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.queue_cli import queue as queue_command
from hatake.coverage.queue_config import QueueConfig
from hatake.coverage.queue_models import QueueSnooze
from hatake.health import snapshots
from hatake.health.scoring import ScoreResult
from hatake.health.versions import active_definition
from hatake.lifecycle.matrix_config import MatrixConfig
from hatake.lifecycle.models import LifecyclePeriod
from hatake.team import service as team_service
from tests.helpers import (
    PASSWORD,
    create_account,
    create_contact,
    create_subscription,
    create_ticket,
    create_touchpoint,
    create_user,
)
from tests.live import csrf_from, serve, sign_in

DAY = date(2026, 11, 24)
CADENCES = CadenceConfig(default_days=14)  # no tiers recorded: 14 days for every account
START = date(2025, 1, 1)


def _touched(day: int) -> datetime:
    """Noon in Tokyo on 2026-11-`day`."""
    return datetime(2026, 11, day, 3, 0, tzinfo=UTC)


def _build(session: Session) -> dict[str, int]:
    sato = create_user(session, name="佐藤", email="sato@example.com")
    suzuki = create_user(session, name="鈴木", email="suzuki@example.com")
    create_user(session, name="高橋", email="manager@example.com", role="manager")
    ids = {}
    for key, touched, owner in (
        ("day13", 11, sato),  # 13 days before the 24th: covered, not due
        ("day14", 10, sato),  # due today
        ("day15", 9, sato),  # 1 day overdue
        ("other", 1, suzuki),  # 9 days overdue, another CSM
    ):
        account = create_account(session, name=key, owner_id=owner.id, start_date=START)
        create_subscription(session, account, start_date=START)
        create_touchpoint(session, account, occurred_at=_touched(touched))
        ids[key] = account.id
    # Covered, but a next step promised for the 20th with a touch on the 18th, none since.
    promised = create_account(session, name="promised", owner_id=sato.id, start_date=START)
    create_subscription(session, promised, start_date=START)
    create_touchpoint(session, promised, occurred_at=_touched(18), next_step_on=date(2026, 11, 20))
    ids["promised"] = promised.id
    # The day-14 account: two unresolved urgent tickets, one open and one pending (resolved,
    # closed and normal ones do not count), renewal in 21 days.
    due = session.get(Account, ids["day14"])
    create_subscription(session, due, start_date=START, end_date=date(2026, 12, 15))
    for priority, status in (
        ("urgent", "open"),
        ("urgent", "pending"),
        ("urgent", "resolved"),
        ("urgent", "closed"),
    ):
        create_ticket(session, due, priority=priority, status=status)
    create_ticket(session, due, priority="normal", status="open")
    # Churned: no running term, never in the queue.
    gone = create_account(session, name="gone", owner_id=sato.id, status="churned")
    create_subscription(session, gone, start_date=START, end_date=date(2026, 6, 1))
    return ids


def _queue(session: Session, runtime: Runtime, owner: object = None, **overrides: object):  # type: ignore[no-untyped-def]
    values = {
        "day": DAY,
        "owner": owner,
        "config": QueueConfig(),
        "cadences": CADENCES,
        "matrix_config": MatrixConfig(must_not_lose=()),
        **overrides,
    }
    return service.build_queue(session, runtime.analytics(), **values)  # type: ignore[arg-type]


def _scores(queue: service.Queue) -> list[tuple[str, float]]:
    return [(line.name, line.row.score) for line in queue.lines]


def test_boundary_reasons_and_scope(session: Session, runtime: Runtime) -> None:
    ids = _build(session)
    queue = _queue(session, runtime)
    # day15: 1 x 1 (no tier) = 1; other: 9 x 1 = 9; day14: 0 + 2 x 15 + 20 = 50;
    # promised: next step +10.
    assert _scores(queue) == [("day14", 50), ("promised", 10), ("other", 9), ("day15", 1)]
    lines = {line.name: line.row for line in queue.lines}
    assert [reason.kind for reason in lines["day14"].reasons] == [
        "overdue",
        "renewal",
        "urgent_tickets",
    ]
    assert lines["day14"].reasons[1].amount == 21
    assert lines["promised"].reasons[0].day == date(2026, 11, 20)
    sato = service.find_member(session, "佐藤")
    assert [line.name for line in _queue(session, runtime, sato).lines] == [
        "day14",
        "promised",
        "day15",
    ]
    # A meaningful touch after the promise keeps it; the account leaves the queue.
    promised = session.get(Account, ids["promised"])
    create_touchpoint(session, promised, occurred_at=_touched(22))
    assert "promised" not in [name for name, _ in _scores(_queue(session, runtime))]


def test_health_drop_and_must_not_lose(session: Session, runtime: Runtime) -> None:
    ids = _build(session)
    day15 = session.get(Account, ids["day15"])
    assert day15 is not None
    for _number in range(12):  # 12 active IDs: band A of seed 004's defaults
        create_contact(session, day15, created_on=START)
    version = active_definition(session).version
    con = runtime.analytics()
    for as_of, score in ((date(2026, 10, 20), 70.0), (date(2026, 10, 24), 64.0), (DAY, 52.0)):
        result = ScoreResult(version, "default", score, None, ())
        snapshots.replace_day(
            con, as_of=as_of, version=version, results={day15.external_id: result}
        )
    queue = _queue(session, runtime, matrix_config=MatrixConfig())
    line = next(line for line in queue.lines if line.name == "day15")
    # Score on the 24th 52, 30 days before (10-25 has none; the nearest earlier is 10-24) 64:
    # -12 x 1 = 12; overdue 1; the cell of 12 IDs and a start in 2025-01 (22 months).
    kinds = {reason.kind: reason for reason in line.row.reasons}
    assert kinds["health"].amount == 12
    cell = kinds["must_not_lose"].label
    assert cell in MatrixConfig().must_not_lose
    assert line.row.score == 1 + 12 + 25


def test_snooze_hides_until_its_day_and_bad_input_writes_nothing(
    session: Session, runtime: Runtime
) -> None:
    ids = _build(session)
    count = session.scalar(select(func.count()).select_from(QueueSnooze))
    for until, reason, field, words in (
        ("2026-12-01", "   ", "reason", "say why"),
        ("2026-11-24", "決算期", "until", "not after today"),
        ("2026-11-23", "決算期", "until", "not after today"),
        ("soon", "決算期", "until", "not a date"),
    ):
        with pytest.raises(InvalidField) as error:
            service.snooze(
                session, account_id=ids["day15"], user_id=None, until=until, reason=reason,
                today=DAY,
            )  # fmt: skip
        assert error.value.params["field"] == field
        assert words in error.value.render(lambda text: text)
    assert session.scalar(select(func.count()).select_from(QueueSnooze)) == count
    service.snooze(
        session, account_id=ids["day15"], user_id=None, until="2026-11-27", reason="決算期",
        today=DAY,
    )  # fmt: skip
    for day, listed in ((DAY, False), (date(2026, 11, 26), False), (date(2026, 11, 27), True)):
        queue = _queue(session, runtime, day=day)
        assert ("day15" in [line.name for line in queue.lines]) is listed, day
        assert queue.snoozed == (0 if listed else 1)


def test_who_sees_which_queue(session: Session) -> None:
    _build(session)
    sato = service.find_member(session, "sato@example.com")
    manager = service.find_member(session, "高橋")
    assert service.owner_to_show(session, sato, None) == sato
    assert service.owner_to_show(session, sato, "佐藤") == sato
    for other in ("鈴木", "all"):
        with pytest.raises(Forbidden):
            service.owner_to_show(session, sato, other)
    assert service.owner_to_show(session, manager, None) is None  # the whole team
    assert service.owner_to_show(session, manager, "suzuki@example.com").name == "鈴木"
    with pytest.raises(Exception, match="nobody"):
        service.find_member(session, "nobody")


def test_api_over_http(session: Session, settings: Settings) -> None:
    ids = _build(session)
    _row, reader = team_service.create_token(session, name="r", scopes=["read"])
    _row, writer = team_service.create_token(session, name="w", scopes=["read", "write"])
    session.commit()
    read = {"authorization": f"Bearer {reader}", "accept-language": "en"}
    write = {"authorization": f"Bearer {writer}"}
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[coverage]\ndefault_cadence_days = 14\n")
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1") as api:
        body = api.get("/queue", params={"as_of": "2026-11-24"}, headers=read).json()
        assert [(row["name"], row["score"]) for row in body["rows"]] == [
            ("day14", 50), ("promised", 10), ("other", 9), ("day15", 1),
        ]  # fmt: skip
        assert body["rows"][0]["reasons"][2]["text"] == "2 urgent tickets × 15 = 30"
        mine = api.get(
            "/queue", params={"as_of": "2026-11-24", "owner": "suzuki@example.com"}, headers=read
        ).json()
        assert (mine["owner"], [row["name"] for row in mine["rows"]]) == (
            "suzuki@example.com",
            ["other"],
        )
        assert api.get("/queue", params={"owner": "x@example.com"}, headers=read).status_code == 404
        snooze = {"account_external_id": "nope", "until": "2099-01-01", "reason": "待ち"}
        assert api.post("/queue/snoozes", json=snooze, headers=read).status_code == 403
        refused = api.post("/queue/snoozes", json=snooze, headers=write)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "account_external_id"
        external_id = body["rows"][-1]["external_id"]
        past = {**snooze, "account_external_id": external_id, "until": "2020-01-01"}
        refused = api.post("/queue/snoozes", json=past, headers=write)
        assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "until")
        created = api.post(
            "/queue/snoozes", json={**past, "until": "2099-01-01"}, headers=write
        ).json()
        assert created["account_external_id"] == external_id
        listed = api.get("/queue/snoozes", headers=read).json()
        assert [row["id"] for row in listed] == [created["id"]]
        again = api.get("/queue", params={"as_of": "2026-11-24"}, headers=read).json()
        assert (again["total"], again["snoozed"]) == (3, 1)
        assert api.delete(f"/queue/snoozes/{created['id']}", headers=write).status_code == 204
        assert api.delete(f"/queue/snoozes/{created['id']}", headers=write).status_code == 404
        schema = httpx.get(f"{url}/openapi.json").json()
        assert "422" in schema["paths"]["/api/v1/queue/snoozes"]["post"]["responses"]
    assert ids


def test_page_actions_over_http(session: Session, settings: Settings) -> None:
    ids = _build(session)
    create_user(session, email="viewer@example.com", role="viewer")
    session.commit()
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[coverage]\ndefault_cadence_days = 14\n")
    htmx = {"hx-request": "true", "accept-language": "en"}
    day = {"as_of": DAY.isoformat()}
    with serve(settings) as url, httpx.Client(base_url=url) as csm:
        sign_in(csm, "sato@example.com", PASSWORD)
        page = csm.get("/queue", params=day, headers={"accept-language": "en"})
        assert "Today&#39;s queue" in page.text or "Today's queue" in page.text
        assert f'id="queue-item-{ids["day15"]}"' in page.text
        assert f'id="queue-item-{ids["other"]}"' not in page.text  # 鈴木's account
        assert csm.get("/queue", params={"owner": "all"}).status_code == 403
        token = csrf_from(page.text)
        path = f"/queue/accounts/{ids['day15']}/snooze"
        form = csm.get(path, headers=htmx)
        assert 'name="reason"' in form.text
        # The row's "create task" loads the tasks module's form for the account.
        assert f"/accounts/{ids['day15']}/tasks/form?from=queue" in page.text
        task_form = csm.get(f"/accounts/{ids['day15']}/tasks/form?from=queue", headers=htmx)
        assert (task_form.status_code, "<form" in task_form.text) == (200, True)
        bad = csm.post(path, data={"until": "2099-01-01", "reason": "", "csrf_token": token},
                       headers=htmx)  # fmt: skip
        assert "say why" in bad.text
        done = csm.post(
            path, data={"until": "2099-01-01", "reason": "決算期", "csrf_token": token},
            headers=htmx,
        )  # fmt: skip
        assert done.headers["hx-retarget"] == f"#queue-item-{ids['day15']}"
        assert "snoozed until 2099-01-01" in done.text
        # Read again, the row still says it is snoozed, not that a touch was logged.
        again = csm.get(f"/queue/rows/{ids['day15']}", params=day, headers=htmx)
        assert "snoozed until 2099-01-01 (決算期)" in again.text
        assert "touch logged" not in again.text
        # An account not due today can be snoozed too (13 days since, cadence 14).
        csm.post(
            f"/queue/accounts/{ids['day13']}/snooze",
            data={"until": "2099-02-01", "reason": "予算待ち", "csrf_token": token},
            headers=htmx,
        ).raise_for_status()
        page = csm.get("/queue", params=day, headers={"accept-language": "en"}).text
        snoozes = page[page.index('id="queue-snoozes"') : page.index('id="queue"')]
        assert "Snoozed accounts (2)" in snoozes
        # Latest end first; who and why; only day15 is due and so hidden from the queue.
        assert snoozes.index("day13") < snoozes.index("day15")
        for text in ("2099-02-01", "予算待ち", "2099-01-01", "決算期", "佐藤"):
            assert text in snoozes
        assert snoozes.count("due: hidden from the queue") == 1
        assert f'id="queue-item-{ids["day15"]}"' not in page
        with httpx.Client(base_url=url) as viewer:
            sign_in(viewer, "viewer@example.com", PASSWORD)
            page = viewer.get("/queue", params={"owner": "all", **day}).text
            assert f'id="queue-item-{ids["other"]}"' in page
            assert "queue-open" not in page  # a viewer reads, no actions
            assert 'id="queue-snoozes"' in page
            assert "/snooze/end" not in page
            forbidden = viewer.post(
                f"/queue/accounts/{ids['day15']}/snooze/end",
                data={"csrf_token": csrf_from(page)},
                headers=htmx,
            )
            assert forbidden.status_code == 403
        end = {"owner": "sato@example.com", "as_of": DAY.isoformat(), "csrf_token": token}
        ended = csm.post(f"/queue/accounts/{ids['day15']}/snooze/end", data=end, headers=htmx)
        assert f'data-returned="{ids["day15"]}"' in ended.text
        assert "day15: snooze ended; back in the queue with priority 1." in ended.text
        row = csm.get(f"/queue/rows/{ids['day15']}", params=day, headers=htmx)
        assert f'id="queue-item-{ids["day15"]}"' in row.text
        twice = csm.post(f"/queue/accounts/{ids['day15']}/snooze/end", data=end, headers=htmx)
        assert (twice.status_code, "day15 is not snoozed." in twice.text) == (404, True)
        ended = csm.post(f"/queue/accounts/{ids['day13']}/snooze/end", data=end, headers=htmx)
        assert "data-returned" not in ended.text
        assert "not due on this day" in ended.text
        page = csm.get("/queue", params=day).text
        assert 'id="queue-snoozes"' not in page
        assert f'id="queue-item-{ids["day15"]}"' in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(QueueSnooze)) == 0


def test_cli(session: Session, settings: Settings) -> None:
    _build(session)
    session.commit()
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[coverage]\ndefault_cadence_days = 14\n")
    app = Typer()
    app.command("queue")(queue_command)
    app.command("other")(lambda: None)
    result = CliRunner().invoke(app, ["queue", "--csm", "佐藤", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "3 accounts" in result.output or "3 社" in result.output
    assert "day14" in result.output
    assert "other" not in result.output
    missing = CliRunner().invoke(app, ["queue", "--csm", "nobody"])
    assert missing.exit_code == 1
    assert "nobody" in missing.output
    settings.config_file.write_text("[queue]\nrenewal_days = 0\n")
    broken = CliRunner().invoke(app, ["queue"])
    assert broken.exit_code == 1
    assert "queue.renewal_days" in broken.output


def test_recorded_tiers_and_automated_sends(session: Session, runtime: Runtime) -> None:
    ids = _build(session)
    # day15 is high touch since 2026-01-01 (its period before that ended): 1 day x 3.
    for value, entered, left in (
        ("tech_touch", date(2025, 1, 1), date(2026, 1, 1)),
        ("high_touch", date(2026, 1, 1), None),
    ):
        session.add(
            LifecyclePeriod(
                account_id=ids["day15"], dimension="tier", value=value, entered_on=entered,
                left_on=left,
            )
        )  # fmt: skip
    # "other" is tech touch (cadence 90): its touch 23 days ago leaves it out of the queue.
    session.add(
        LifecyclePeriod(
            account_id=ids["other"], dimension="tier", value="tech_touch",
            entered_on=date(2025, 1, 1),
        )
    )  # fmt: skip
    day15 = session.get(Account, ids["day15"])
    assert day15 is not None
    create_touchpoint(session, day15, occurred_at=_touched(20), is_automated=True)
    session.flush()
    cadences = CadenceConfig(cadences={"high_touch": 14, "low_touch": 45, "tech_touch": 90})
    lines = {line.name: line.row for line in _queue(session, runtime, cadences=cadences).lines}
    assert "other" not in lines
    assert (lines["day15"].tier, lines["day15"].score) == ("high_touch", 3)
    # Automated sends count for high touch when configured: the send on the 20th covers it.
    counting = CadenceConfig(automated_touches_count_for=frozenset({"high_touch"}))
    assert "day15" not in [line.name for line in _queue(session, runtime, cadences=counting).lines]
