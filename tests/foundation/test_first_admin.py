"""The first admin comes from ADMIN_EMAIL/ADMIN_PASSWORD, or gets a generated password printed once."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model

from gamedjinn.auth import ensure_admin


def test_it_creates_the_admin_from_the_environment_once(db, settings):
    settings.ADMIN_EMAIL, settings.ADMIN_PASSWORD = "owner@example.com", "a-long-admin-password"
    assert ensure_admin(stdout=io.StringIO()) == "admin"
    assert ensure_admin(stdout=io.StringIO()) is None
    admin = get_user_model().objects.get(is_superuser=True)
    assert admin.email == "owner@example.com"
    assert admin.check_password("a-long-admin-password")


def test_it_prints_a_generated_password_once(db, settings):
    settings.ADMIN_PASSWORD = ""
    out = io.StringIO()
    ensure_admin(stdout=out)
    printed = out.getvalue()
    password = printed.split("password: ")[1].split()[0]
    assert len(password) >= 20
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_it_logs_in_by_username_or_email(client, db, settings):
    settings.ADMIN_EMAIL, settings.ADMIN_PASSWORD = "owner@example.com", "a-long-admin-password"
    ensure_admin(stdout=io.StringIO())
    for login in ("admin", "owner@example.com"):
        response = client.post(
            "/accounts/login/", {"login": login, "password": "a-long-admin-password"}
        )
        assert response.status_code == 302, login
        assert client.get("/").status_code == 200
        client.logout()


def test_it_refuses_sign_up(client, db):
    response = client.get("/accounts/signup/")
    assert b"sign up is currently closed" in response.content
