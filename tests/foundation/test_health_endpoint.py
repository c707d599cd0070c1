"""/health reports each dependency as JSON and answers 503 when one fails."""

from __future__ import annotations

from gamedjinn import health


def test_it_is_healthy_when_every_dependency_answers(client, db):
    health.record_worker_heartbeat()
    health.record_beat_tick()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "cache",
        "broker",
        "worker",
        "queue",
        "beat",
        "migrations",
        "ollama",
        "libraries",
    }


def test_it_answers_503_without_a_worker_heartbeat(client, db):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "error"


def test_it_answers_503_when_the_database_fails(client, db, monkeypatch):
    health.record_worker_heartbeat()
    health.record_beat_tick()

    def broken():
        raise RuntimeError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "error"}


def test_it_shows_details_only_to_signed_in_users(alice_client):
    response = alice_client.get("/health")
    assert "detail" in response.json()["checks"]["worker"]
