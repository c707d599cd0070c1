"""What Ollama offers (reachability, version, installed models with sizes), on the settings panel
and on /health — where Ollama being down is reported but never turns the app unhealthy."""

from __future__ import annotations

from assistant import llm
from gamedjinn import health
from tests.assistant.test_ollama_failures import closed_port_url
from tests.fakes.ollama import FakeModel, running_fake_ollama


def test_it_reports_the_version_and_the_installed_models(ollama):
    ollama.pull(FakeModel("llama3.1:8b", 4_920_753_328, "8.0B", "llama"))

    status = llm.probe()

    assert (status.reachable, status.version, status.outdated) == (True, "0.12.6", False)
    assert [(m.name, m.size_label, m.parameter_size) for m in status.models] == [
        ("gemma2:2b", "1.6 GB", "2.6B"),
        ("llama3.1:8b", "4.9 GB", "8.0B"),
        ("llama3.2:3b", "2.0 GB", "3.2B"),
        ("qwen3:8b", "5.2 GB", "8.2B"),
    ]
    assert status.has("qwen3:8b") and not status.has("mistral:7b")


def test_it_flags_an_ollama_too_old_for_streamed_tool_calls(settings):
    with running_fake_ollama(version="0.5.1") as old:
        settings.OLLAMA_URL = old.url
        assert llm.probe().outdated is True


def test_it_reports_an_unreachable_ollama_without_raising(settings):
    settings.OLLAMA_URL = closed_port_url()

    status = llm.probe()

    assert status.reachable is False
    assert status.url == settings.OLLAMA_URL
    assert "not reachable" in status.error


def test_it_never_shows_credentials_from_the_url(settings):
    settings.OLLAMA_URL = "https://me:s3cret@ollama.example.net:8443/"
    assert llm.display_url() == "https://ollama.example.net:8443"


def test_health_shows_ollama_as_ok_with_its_version(client, alice, ollama):
    health.record_worker_heartbeat()
    health.record_beat_tick()
    client.force_login(alice)

    response = client.get("/health")

    assert response.status_code == 200
    assert response.json()["checks"]["ollama"] == {
        "status": "ok",
        "detail": f"ok (Ollama 0.12.6 at {ollama.url})",
    }


def test_health_stays_200_when_ollama_is_down(client, alice, settings):
    settings.OLLAMA_URL = closed_port_url()
    health.record_worker_heartbeat()
    health.record_beat_tick()
    client.force_login(alice)

    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["ollama"]["status"] == "unavailable"
    assert "only the assistant is affected" in body["checks"]["ollama"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"


def test_the_status_endpoint_feeds_the_model_picker(client, alice, ollama):
    client.force_login(alice)

    body = client.get("/assistant/status/").json()

    assert body["reachable"] is True
    assert body["model"] == "qwen3:8b"  # what this user's next conversation starts with
    assert {"name": "qwen3:8b", "size": 5_225_388_164, "size_label": "5.2 GB"}.items() <= (
        body["models"][-1].items()
    )
