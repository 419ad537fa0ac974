"""Sign-in, CSRF and language over real HTTP against a uvicorn server, on both backends."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from tests.helpers import PASSWORD, create_user
from tests.live import LiveServer, csrf_from, sign_in


def test_pages_require_sign_in(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/accounts?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/accounts%3Fq%3Dx"


def test_sign_in_with_the_right_password(live_server: LiveServer, session: Session) -> None:
    create_user(session, email="sato@example.com", name="佐藤 花子")
    session.commit()
    with httpx.Client(base_url=live_server.url, follow_redirects=False) as client:
        response = sign_in(client, "Sato@Example.com", PASSWORD)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        home = client.get("/", headers={"accept-language": "ja"})
        assert home.status_code == 200
        assert "佐藤 花子" in home.text
        assert "担当顧客の全体像" in home.text


def test_wrong_password_is_refused_in_the_users_language(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="sato@example.com")
    session.commit()
    with httpx.Client(
        base_url=live_server.url, headers={"accept-language": "en-US,en;q=0.9"}
    ) as client:
        response = sign_in(client, "sato@example.com", "wrong")
        assert response.status_code == 401
        assert "Wrong email or password." in response.text
        assert client.get("/", follow_redirects=False).status_code == 303
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "ja"}) as client:
        assert (
            "メールアドレスまたはパスワードが違います。" in sign_in(client, "nobody@x.jp", "x").text
        )


def test_forms_without_the_csrf_token_are_rejected(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="sato@example.com")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "en"}) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={"email": "sato@example.com", "password": PASSWORD, "csrf_token": "forged"},
        )
        assert response.status_code == 403
        assert "The form expired or was not sent from hatake" in response.text
        assert client.get("/", follow_redirects=False).status_code == 303


def test_open_redirects_are_refused(live_server: LiveServer, session: Session) -> None:
    create_user(session, email="sato@example.com")
    session.commit()
    with httpx.Client(base_url=live_server.url, follow_redirects=False) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={
                "email": "sato@example.com",
                "password": PASSWORD,
                "csrf_token": token,
                "next": "//evil.example/x",
            },
        )
        assert response.headers["location"] == "/"


def test_language_follows_accept_language_then_the_users_choice(
    live_server: LiveServer, session: Session
) -> None:
    create_user(session, email="sato@example.com")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "en"}) as client:
        sign_in(client, "sato@example.com", PASSWORD)
        page = client.get("/")
        assert "Book of business" in page.text
        client.post(
            "/language", data={"locale": "ja", "next": "/", "csrf_token": csrf_from(page.text)}
        )
        assert "担当顧客の全体像" in client.get("/").text
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "en"}) as client:
        sign_in(client, "sato@example.com", PASSWORD)
        assert "担当顧客の全体像" in client.get("/").text, "the saved setting wins on a new session"
