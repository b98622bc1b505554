"""Signing in: Argon2id, sessions in the database with idle and absolute
expiry, log out everywhere, rate-limited sign-in, cookie flags."""

from __future__ import annotations

import time

from web_helpers import BANK, PASSWORD


def _login(world, email: str, password: str):
    return world.client.post("/login", data={"email": email, "password": password, "next": "/systems"},
                             headers={"sec-fetch-site": "same-origin"}, follow_redirects=False)


def test_a_sign_in_sets_an_httponly_lax_cookie_and_the_database_keeps_only_a_hash(world):
    done = _login(world, f"auditor@{BANK}.kz", PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/systems"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    secret = done.cookies["senim_session"]
    from sqlalchemy import select

    from senim.registry.models import Session, User

    with world.app.state.db.read() as conn:
        stored = set(conn.execute(select(Session.id_sha256)).scalars())
        hashes = list(conn.execute(select(User.password_hash)).scalars())
    import hashlib

    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored
    assert all(h.startswith("$argon2id$") for h in hashes if h)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(world):
    wrong = _login(world, f"auditor@{BANK}.kz", "not the password")
    unknown = _login(world, "nobody@nowhere.kz", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "senim_session" not in wrong.headers.get("set-cookie", "")


def test_sign_in_is_refused_for_a_while_after_five_wrong_passwords(world):
    from senim.registry.people import add_user

    add_user(world.app.state.db, f"limited-{world.kind}@{BANK}.kz", BANK, "auditor", PASSWORD)
    email = f"limited-{world.kind}@{BANK}.kz"
    for _ in range(5):
        assert _login(world, email, "wrong password").status_code == 401
    assert _login(world, email, PASSWORD).status_code == 429  # even the right password, for now
    from sqlalchemy import update

    from senim.registry.models import LoginFailure

    with world.app.state.db.write() as conn:  # fifteen minutes pass
        conn.execute(update(LoginFailure).where(LoginFailure.email == email).values(at=time.time() - 16 * 60))
    assert _login(world, email, PASSWORD).status_code == 303


def test_idle_and_absolute_expiry(world, monkeypatch):
    from senim.registry import people

    secret = people.sign_in(world.app.state.db, f"auditor@{BANK}.kz", PASSWORD)[0]
    headers = {"cookie": f"senim_session={secret}"}
    assert world.client.get("/systems", headers=headers, follow_redirects=False).status_code == 200
    monkeypatch.setattr(people, "IDLE", -1.0)
    assert world.client.get("/systems", headers=headers, follow_redirects=False).status_code == 303
    monkeypatch.setattr(people, "IDLE", 3600.0)
    monkeypatch.setattr(people, "ABSOLUTE", -1.0)
    assert world.client.get("/systems", headers=headers, follow_redirects=False).status_code == 303


def test_log_out_everywhere_ends_every_session_of_the_person(world):
    from senim.registry.people import sign_in

    email = f"compliance@{BANK}.kz"
    first, second = (sign_in(world.app.state.db, email, PASSWORD)[0] for _ in range(2))
    done = world.client.post("/logout", data={"everywhere": "1"}, follow_redirects=False,
                             headers={"cookie": f"senim_session={first}", "sec-fetch-site": "same-origin"})
    assert done.status_code == 303
    for secret in (first, second):
        got = world.client.get("/", headers={"cookie": f"senim_session={secret}"}, follow_redirects=False)
        assert got.status_code == 303
    world.sessions[(BANK, "compliance")] = sign_in(world.app.state.db, email, PASSWORD)[0]


def test_an_expired_token_is_401(world):
    from sqlalchemy import update

    from senim.registry.models import Token
    from senim.registry.people import add_token

    secret, record = add_token(world.app.state.db, f"engineer@{BANK}.kz", "ci", expires_days=1)
    headers = {"authorization": f"Bearer {secret}"}
    assert world.client.get("/api/v1/systems", headers=headers).status_code == 200
    with world.app.state.db.write() as conn:
        conn.execute(update(Token).where(Token.id == record["id"]).values(expires=time.time() - 1))
    assert world.client.get("/api/v1/systems", headers=headers).status_code == 401


def test_the_next_page_after_sign_in_stays_on_this_site(world):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        done = world.client.post("/login", data={"email": f"auditor@{BANK}.kz", "password": PASSWORD, "next": target},
                                 headers={"sec-fetch-site": "same-origin"}, follow_redirects=False)
        assert done.headers["location"] == "/", target
