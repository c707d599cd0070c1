"""The chat pages: a full page per conversation, rename and delete, the transcript the panel
continues from, the panel on every other page — and none of it needs Ollama to render."""

from __future__ import annotations

import pytest

from assistant.models import Conversation, Message
from assistant.services.conversations import open_conversation
from tests.assistant.test_ollama_failures import closed_port_url


@pytest.fixture
def talk(alice) -> Conversation:
    conversation = open_conversation(alice)
    conversation.title = "Tonight"
    conversation.save()
    Message.objects.create(conversation=conversation, role="user", content="What should I play?")
    Message.objects.create(
        conversation=conversation, role="tool", tool_name="recommend_games", content="{}"
    )
    Message.objects.create(
        conversation=conversation,
        role="assistant",
        content="Try [<b>Portal 2</b>](/games/7/) or [this](javascript:alert(1)) <script>x()</script>",
        games=[{"id": 7, "title": "<b>Portal 2</b>"}],
    )
    Message.objects.create(
        conversation=conversation,
        role="assistant",
        error_code="model_missing",
        error="The model qwen3:8b is not installed. Run `ollama pull qwen3:8b` there.",
    )
    return conversation


def test_the_page_renders_without_asking_ollama(alice_client, settings):
    settings.OLLAMA_URL = closed_port_url()

    response = alice_client.get("/assistant/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-socket="/ws/assistant/"' in html
    assert '<option value="qwen3:8b" selected>qwen3:8b</option>' in html
    assert 'id="assistant-panel"' not in html  # the page is the chat; no second one


def test_a_conversation_shows_its_transcript_safely(alice_client, talk):
    html = alice_client.get(f"/assistant/c/{talk.pk}/").content.decode()

    assert "What should I play?" in html
    assert "Looking for recommendations…" in html
    assert '<a href="/games/7/">&lt;b&gt;Portal 2&lt;/b&gt;</a>' in html
    assert 'href="javascript' not in html  # never a link
    assert "[this](javascript:alert(1)) &lt;script&gt;x()&lt;/script&gt;" in html
    assert "Run `ollama pull qwen3:8b` there." in html
    assert 'data-error="model_missing"' in html


def test_the_panel_can_continue_a_conversation(alice_client, talk):
    body = alice_client.get(f"/assistant/c/{talk.pk}/messages/").json()

    assert (body["id"], body["title"], body["model"]) == (talk.pk, "Tonight", "qwen3:8b")
    assert [m["role"] for m in body["messages"]] == ["user", "tool", "assistant", "assistant"]
    assert body["messages"][2]["games"] == [{"id": 7, "title": "<b>Portal 2</b>"}]
    assert body["messages"][3]["error_code"] == "model_missing"


def test_it_lists_only_the_users_own_conversations(alice_client, talk, bob):
    bobs = open_conversation(bob)
    bobs.title = "Bob's secret"
    bobs.save()

    html = alice_client.get("/assistant/").content.decode()

    assert "Tonight" in html
    assert "Bob&#x27;s secret" not in html and "Bob's secret" not in html


def test_it_renames_a_conversation(alice_client, talk):
    response = alice_client.post(f"/assistant/c/{talk.pk}/rename/", {"title": "  Friday   night "})

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.title == "Friday night"


def test_it_deletes_a_conversation_with_its_messages(alice_client, talk):
    response = alice_client.post(f"/assistant/c/{talk.pk}/delete/")

    assert response.status_code == 302
    assert response.url == "/assistant/"
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/assistant/c/{}/"),
        ("get", "/assistant/c/{}/messages/"),
        ("post", "/assistant/c/{}/rename/"),
        ("post", "/assistant/c/{}/delete/"),
    ],
)
def test_someone_elses_conversation_is_not_found(client, talk, bob, method, path):
    client.force_login(bob)

    response = getattr(client, method)(path.format(talk.pk), {"title": "mine now"})

    assert response.status_code == 404
    talk.refresh_from_db()
    assert talk.title == "Tonight"


def test_the_panel_is_on_every_other_page(alice_client):
    html = alice_client.get("/").content.decode()

    assert 'id="assistant-panel"' in html
    assert "assistant/chat.js" in html
