"""The score-definition page and the grade-movement list over real HTTP, on both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health.definition import default_definition
from tests.health.definition_data import BROKEN, CHAMPION_ONLY, seed_portfolio
from tests.health.scored import store_day
from tests.helpers import PASSWORD, create_user
from tests.live import LiveServer, csrf_from, sign_in


@contextmanager
def _signed_in(server: LiveServer, email: str, locale: str = "en") -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"accept-language": locale}, follow_redirects=False
    ) as client:
        assert sign_in(client, email, PASSWORD).status_code == 303
        yield client


def _csrf(client: httpx.Client) -> dict[str, str]:
    return {"x-csrf-token": csrf_from(client.get("/health/definitions").text)}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def test_the_page_lists_versions_and_shows_the_active_document(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="viewer@example.com", role="viewer")
    session.commit()
    with _signed_in(live_server, "viewer@example.com", "ja") as client:
        page = client.get("/health/definitions")
        assert page.status_code == 200
        assert "スコア定義" in page.text
        assert default_definition().version in page.text
        assert "組み込み" in page.text
        assert "有効" in page.text
        assert "# hatake&#39;s default health score" in page.text  # the editor, prefilled
        # A viewer may try documents out but not save or activate them.
        assert "新しいバージョンとして保存" not in page.text
        headers = _csrf(client)
        checked = client.post(
            "/health/definitions/validate", data={"document": CHAMPION_ONLY}, headers=headers
        )
        assert "正しい定義です" in checked.text
        saved = client.post(
            "/health/definitions", data={"document": CHAMPION_ONLY}, headers=headers
        )
        assert saved.status_code == 403


def test_validate_shows_every_issue_in_the_users_language(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="csm@example.com")
    session.commit()
    with _signed_in(live_server, "csm@example.com", "ja") as client:
        response = client.post(
            "/health/definitions/validate", data={"document": BROKEN}, headers=_csrf(client)
        )
        assert response.status_code == 200
        text = _text(response.text)
        assert "2件の問題があります" in text
        assert "grades[0].colour:" in text
        assert "profiles[0].groups[0].factors[0].weight: 0 より大きい値にしてください" in text
    with _signed_in(live_server, "csm@example.com", "en") as client:
        text = _text(
            client.post(
                "/health/definitions/validate", data={"document": BROKEN}, headers=_csrf(client)
            ).text
        )
        assert "profiles[0].groups[0].factors[0].weight: must be greater than 0" in text


def test_preview_shows_the_transition_matrix_and_the_biggest_changes(
    live_server: LiveServer, session: Session, runtime: Runtime
) -> None:
    ids = seed_portfolio(session, runtime)
    runtime.close()
    create_user(session, email="csm@example.com")
    session.commit()
    with _signed_in(live_server, "csm@example.com") as client:
        response = client.post(
            "/health/definitions/preview", data={"document": CHAMPION_ONLY}, headers=_csrf(client)
        )
        assert response.status_code == 200, response.text
        html = response.text
        assert 'id="preview-changed">3<' in html
        assert 'id="preview-mean">+20.0<' in html
        matrix = html.split('class="data transition-matrix"')[1].split("<tbody>")[1]
        rows = re.findall(r"<tr>.*?</tr>", matrix.split("</tbody>")[0], re.S)
        cells = [re.findall(r'<td class="num[^"]*">(\d+)</td>', row) for row in rows]
        assert cells == [["1", "0", "0", "1"], ["1", "0", "0", "0"], ["0", "0", "1", "0"],
                         ["1", "0", "0", "0"]]  # fmt: skip
        assert f'href="/accounts/{ids["B"]}">株式会社プレビューB</a>' in html
        assert "No score" in html
        nothing = client.post(
            "/health/definitions/preview",
            data={"document": BROKEN},
            headers=_csrf(client),
        )
        assert "grades[0].colour" in nothing.text


def test_a_manager_saves_activates_and_cannot_overwrite(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="manager@example.com", name="鈴木 部長", role="manager")
    session.commit()
    with _signed_in(live_server, "manager@example.com") as client:
        token = csrf_from(client.get("/health/definitions").text)
        saved = client.post(
            "/health/definitions",
            data={"document": CHAMPION_ONLY, "note": "champions only", "csrf_token": token},
        )
        assert saved.status_code == 303
        page = client.get(saved.headers["location"])
        text = _text(page.text)
        assert "Saved version test-champion.1." in text
        assert "test-champion.1 Champion only Edited" in text
        assert "鈴木 部長 champions only" in text
        again = client.post(
            "/health/definitions",
            data={"document": CHAMPION_ONLY, "csrf_token": token, "activate": "true"},
        )
        assert again.status_code == 409
        assert "Version test-champion.1 already exists" in again.text
        assert "Champion only" in again.text  # the edited document is kept in the editor
        broken = client.post("/health/definitions", data={"document": BROKEN, "csrf_token": token})
        assert broken.status_code == 400
        assert "grades[0].colour" in broken.text
        activated = client.post(
            "/health/definitions/test-champion.1/activate", data={"csrf_token": token}
        )
        assert activated.status_code == 303
        page = client.get(activated.headers["location"])
        assert "Version test-champion.1 is now active" in page.text
        # The editor now starts from the active version.
        assert "name: Champion only" in page.text.split("<textarea")[1]


def test_home_counts_grade_moves_and_lists_the_worsened(
    live_server: LiveServer, session: Session, runtime: Runtime
) -> None:
    version = default_definition().version
    ids = seed_portfolio(session, runtime)  # stores Nov 1 (A healthy, B neutral, C at risk)
    con = runtime.analytics()
    store_day(
        con,
        date(2026, 10, 25),
        version,
        {"P-A": (60.0, "neutral"), "P-B": (90.0, "healthy"), "P-C": (15.0, "at_risk")},
    )
    store_day(
        con,
        date(2026, 10, 2),
        version,
        {"P-A": (20.0, "at_risk"), "P-B": (50.0, "neutral"), "P-C": (75.0, "healthy")},
    )
    runtime.close()  # fmt: skip
    create_user(session, email="csm@example.com")
    session.commit()
    with _signed_in(live_server, "csm@example.com") as client:
        home = _text(client.get("/").text)
        # Since Oct 25: A neutral → healthy better, B healthy → neutral worse, C same.
        assert "Since 7 days ago (2026-10-25): 1 improved, 1 worsened" in home
        # Since Oct 2: A at risk → healthy better; B same; C healthy → at risk worse.
        assert "Since 30 days ago (2026-10-02): 1 improved, 1 worsened" in home
        page = client.get("/health/movement?days=7")
        assert page.status_code == 200
        assert f'href="/accounts/{ids["B"]}">株式会社プレビューB</a>' in page.text
        assert "株式会社プレビューA" not in page.text
        month = client.get("/health/movement?days=30").text
        assert "株式会社プレビューC" in month
        assert "株式会社プレビューB" not in month
        assert "grade-data" in client.get("/").text
