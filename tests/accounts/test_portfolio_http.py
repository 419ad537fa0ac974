"""Portfolios over real HTTP and the CLI: the API (assignments, workload), the page's preview
and confirm, the account page's owner card, and `hatake assign`."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer import Typer
from typer.testing import CliRunner

from hatake.accounts.models import Account
from hatake.accounts.portfolio_cli import assign
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.core.settings import Settings
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_subscription, create_user
from tests.live import csrf_from, serve, sign_in


def _build(session: Session) -> dict[str, int]:
    sato = create_user(session, name="佐藤", email="sato@example.com")
    suzuki = create_user(session, name="鈴木", email="suzuki@example.com")
    create_user(session, name="部長", email="boss@example.com", role="manager")
    accounts = [
        create_account(session, external_id=f"ACC-{n}", name=f"顧客{n}", owner_id=sato.id)
        for n in (1, 2, 3)
    ]
    for account in accounts:
        create_subscription(session, account, mrr_minor=10_000)
    segment = Segment(name="重点", definition={})
    session.add(segment)
    session.flush()
    for account in accounts[:2]:
        session.add(
            SegmentMembership(
                segment_id=segment.id, account_id=account.id, entered_on=account.start_date
            )
        )
    session.commit()
    return {"sato": sato.id, "suzuki": suzuki.id, "segment": segment.id}


def _owned_by(session: Session, user_id: int) -> list[str]:
    session.rollback()
    return sorted(session.scalars(select(Account.external_id).where(Account.owner_id == user_id)))


def _changes(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(AccountOwnerChange)) or 0


def test_api_assignments_and_workload(session: Session, settings: Settings) -> None:
    ids = _build(session)
    _row, write = team_service.create_token(session, name="w", scopes=["read", "write"])
    _row, read = team_service.create_token(session, name="r", scopes=["read"])
    session.commit()
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1/portfolios") as api:
        headers = {"authorization": f"Bearer {write}"}
        dry = api.post(
            "/assignments", headers=headers,
            json={"to": "suzuki@example.com", "segment_id": ids["segment"], "dry_run": True},
        )  # fmt: skip
        assert dry.json() == {
            "matched": 2,
            "changed": 2,
            "to": "suzuki@example.com",
            "dry_run": True,
        }
        assert _changes(session) == 0
        by_ids = api.post(
            "/assignments", headers=headers,
            json={"to": "suzuki@example.com", "account_external_ids": ["ACC-1", "ACC-3"]},
        )  # fmt: skip
        assert by_ids.json()["changed"] == 2
        assert _owned_by(session, ids["suzuki"]) == ["ACC-1", "ACC-3"]
        by_filter = api.post(
            "/assignments", headers=headers,
            json={
                "to": "sato@example.com",
                "filter": {"owner": "suzuki@example.com", "q": "acc-3"},
            },
        )  # fmt: skip
        assert (by_filter.json()["matched"], by_filter.json()["changed"]) == (1, 1)
        assert _owned_by(session, ids["suzuki"]) == ["ACC-1"]
        assert _changes(session) == 3
        for body, field in (
            ({"to": "suzuki@example.com", "account_external_ids": ["ACC-1", "X-9"]},
             "account_external_ids"),
            ({"to": "nobody@example.com", "segment_id": ids["segment"]}, "to"),
            ({"to": "suzuki@example.com", "segment_id": 999}, "segment_id"),
            ({"to": "suzuki@example.com", "filter": {"owner": "ghost@example.com"}},
             "filter.owner"),
            ({"to": "suzuki@example.com"}, "selection"),
        ):  # fmt: skip
            refused = api.post("/assignments", headers=headers, json=body)
            assert refused.status_code == 422, body
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["errors"][0]["field"] == field
        assert _changes(session) == 3
        assert (
            api.post(
                "/assignments",
                headers={"authorization": f"Bearer {read}"},
                json={"to": "suzuki@example.com", "segment_id": ids["segment"]},
            ).status_code
            == 403
        )
        workload = api.get("/workload", headers={"authorization": f"Bearer {read}"}).json()
    lines = {line["owner_email"]: line for line in workload["lines"]}
    assert lines["sato@example.com"]["accounts"] == 2
    assert lines["sato@example.com"]["arr_minor"] == {"JPY": 240_000}
    assert lines["suzuki@example.com"]["accounts"] == 1
    assert workload["team"]["arr_minor"] == {"JPY": 360_000}
    assert workload["team"]["overdue_touches"] == 3  # nobody was ever touched


def test_page_preview_then_confirm_and_the_owner_card(session: Session, settings: Settings) -> None:
    ids = _build(session)
    htmx = {"hx-request": "true"}
    with (
        serve(settings) as url,
        httpx.Client(base_url=url, headers={"accept-language": "ja"}) as web,
    ):
        sign_in(web, "boss@example.com", PASSWORD)
        page = web.get("/portfolios")
        assert page.status_code == 200
        assert "担当ポートフォリオ" in page.text
        token = csrf_from(page.text)
        form = {
            "csrf_token": token, "mode": "segment", "segment_id": str(ids["segment"]),
            "to": str(ids["suzuki"]), "reason": "負荷の平準化",
        }  # fmt: skip
        preview = web.post("/portfolios/preview", data=form, headers=htmx)
        assert "2 社が該当し、2 社の担当が 鈴木 に変わります。" in preview.text
        assert 'name="expected" value="2"' in preview.text
        assert _changes(session) == 0  # the preview wrote nothing
        done = web.post("/portfolios/assign", data={**form, "expected": "2"}, headers=htmx)
        assert "2 社の担当が 鈴木 になりました。" in done.text
        assert _owned_by(session, ids["suzuki"]) == ["ACC-1", "ACC-2"]
        unknown = web.post(
            "/portfolios/preview", headers=htmx,
            data={**form, "mode": "accounts", "external_ids": "ACC-3 NOPE"},
        )  # fmt: skip
        assert "顧客: 外部ID NOPE の顧客はありません。" in unknown.text
        account_id = session.scalar(select(Account.id).where(Account.external_id == "ACC-3"))
        card = web.get(f"/accounts/{account_id}/owner")
        assert 'name="to"' in card.text
        changed = web.post(
            f"/accounts/{account_id}/owner", headers=htmx,
            data={"csrf_token": token, "to": str(ids["suzuki"]), "reason": "引継ぎ"},
        )  # fmt: skip
        assert "担当を変更しました。" in changed.text
        assert "引継ぎ" in changed.text  # the history row
    assert _owned_by(session, ids["suzuki"]) == ["ACC-1", "ACC-2", "ACC-3"]
    assert _changes(session) == 3


def test_a_csm_sees_the_workload_but_cannot_assign(session: Session, settings: Settings) -> None:
    ids = _build(session)
    with (
        serve(settings) as url,
        httpx.Client(base_url=url, headers={"accept-language": "en"}) as web,
    ):
        sign_in(web, "sato@example.com", PASSWORD)
        page = web.get("/portfolios")
        assert "Workload per CSM" in page.text
        assert 'id="assign"' not in page.text
        refused = web.post(
            "/portfolios/assign",
            data={"csrf_token": csrf_from(page.text), "mode": "segment",
                  "segment_id": str(ids["segment"]), "to": str(ids["sato"])},
        )  # fmt: skip
        assert refused.status_code == 403
        assert "Only managers and admins can assign accounts." in refused.text
    assert _changes(session) == 0


def test_cli_assign_with_dry_run_and_errors(session: Session, settings: Settings) -> None:
    ids = _build(session)
    app = Typer()
    app.command("assign")(assign)
    app.command("other")(lambda: None)
    runner = CliRunner()
    dry = runner.invoke(
        app, ["assign", "--to", "suzuki@example.com", "--segment", str(ids["segment"]), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "2" in dry.output
    assert _changes(session) == 0
    bad = runner.invoke(app, ["assign", "--to", "suzuki@example.com", "--account", "NOPE"])
    assert bad.exit_code == 1
    assert "NOPE" in bad.output
    missing = runner.invoke(app, ["assign", "--to", "ghost@example.com", "--account", "ACC-1"])
    assert missing.exit_code == 1
    assert "ghost@example.com" in missing.output
    assert _changes(session) == 0
    done = runner.invoke(
        app, ["assign", "--to", "suzuki@example.com", "--account", "ACC-1", "--account", "ACC-2"]
    )
    assert done.exit_code == 0, done.output
    assert _owned_by(session, ids["suzuki"]) == ["ACC-1", "ACC-2"]
    assert _changes(session) == 2
