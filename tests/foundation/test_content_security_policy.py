"""Every page carries a Content-Security-Policy: scripts from this origin only, the one inline
script with the request's nonce, no eval. The API docs page (Swagger UI from a CDN) is exempt."""

from __future__ import annotations

import re

from django.test import Client


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_it_allows_only_scripts_from_here_and_the_nonced_inline_one(alice_client):
    response = alice_client.get("/")

    policy = policy_of(response)
    scripts = policy["script-src"]
    (nonce,) = [value for value in scripts if value.startswith("'nonce-")]
    assert scripts == ["'self'", nonce]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [f' nonce="{nonce[7:-1]}"']


def test_it_uses_a_new_nonce_for_every_response(alice_client):
    first = policy_of(alice_client.get("/library/"))["script-src"]
    second = policy_of(alice_client.get("/library/"))["script-src"]
    assert first != second


def test_the_api_docs_page_is_the_one_exception(alice_client):
    docs = alice_client.get("/api/docs")
    assert docs.status_code == 200
    assert "Content-Security-Policy" not in docs.headers
    assert Client().get("/api/docs").status_code == 302  # still for signed-in users only
