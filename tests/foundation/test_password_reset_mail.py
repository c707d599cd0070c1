"""Password reset works on a fresh install: with no mail server configured the message goes to a
folder under DATA_DIR (the admin can read it there), and EMAIL_URL points it at a real server."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from gamedjinn import env


def test_it_answers_a_reset_request_with_the_backend_a_fresh_install_has(
    client, alice, settings, tmp_path
):
    # The test runner swaps in an in-memory backend; put back the one settings.py configured
    # (Django's own default, SMTP to localhost:25, when it configures none).
    configured = importlib.import_module("gamedjinn.settings")
    settings.EMAIL_BACKEND = getattr(
        configured, "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    )
    settings.EMAIL_FILE_PATH = str(tmp_path)

    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    (message,) = tmp_path.iterdir()
    assert "alice@example.com" in message.read_text()
    assert "/accounts/password/reset/key/" in message.read_text()


def test_it_reads_the_mail_server_from_email_url(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_URL", "smtps://djinn%40example.com:s3cret@mail.example.com")
    mail = env.env_email("EMAIL_URL", tmp_path)
    assert mail.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (mail.host, mail.port, mail.user, mail.password) == (
        "mail.example.com",
        465,
        "djinn@example.com",
        "s3cret",
    )
    assert (mail.use_ssl, mail.use_tls) == (True, False)

    monkeypatch.setenv("EMAIL_URL", "smtp://relay.lan:2525")
    mail = env.env_email("EMAIL_URL", tmp_path)
    assert (mail.host, mail.port, mail.use_tls, mail.use_ssl) == ("relay.lan", 2525, True, False)

    monkeypatch.setenv("EMAIL_URL", "smtp+plain://relay.lan")
    mail = env.env_email("EMAIL_URL", tmp_path)
    assert (mail.port, mail.use_tls, mail.use_ssl) == (25, False, False)

    monkeypatch.setenv("EMAIL_URL", "console:")
    assert env.env_email("EMAIL_URL", tmp_path).backend.endswith("console.EmailBackend")

    monkeypatch.delenv("EMAIL_URL")
    mail = env.env_email("EMAIL_URL", tmp_path)
    assert mail.backend.endswith("filebased.EmailBackend")
    assert mail.file_path == tmp_path / "outbox"


@pytest.mark.parametrize("value", ["pop3://mail.example.com", "smtp://", "smtp://h:notaport"])
def test_it_refuses_an_email_url_it_cannot_use_naming_the_variable(monkeypatch, tmp_path, value):
    monkeypatch.setenv("EMAIL_URL", value)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.env_email("EMAIL_URL", tmp_path)
