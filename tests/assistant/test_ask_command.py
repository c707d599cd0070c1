"""`manage.py ask`: the answer streams to stdout through the same service; a failing Ollama makes it
exit non-zero with the reason on stderr."""

from __future__ import annotations

import pytest

from assistant.management.commands.ask import Command
from assistant.models import Conversation
from tests.assistant.conftest import DB
from tests.assistant.test_ollama_failures import closed_port_url
from tests.fakes.ollama import Reply, ToolCall

pytestmark = DB


def ask(*args: str) -> int:
    """Run the command as `manage.py ask …` does; return its exit status."""
    try:
        Command().run_from_argv(["manage.py", "ask", *args])
    except SystemExit as exit:
        return int(exit.code)
    return 0


def test_it_streams_the_answer_to_stdout(ollama, alice, portal, capsys):
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": "portal"})),
        Reply.text("Yes, ", "you own Portal 2."),
    )

    status = ask("Do I own Portal?")

    out, err = capsys.readouterr()
    assert status == 0
    assert out == "Yes, you own Portal 2.\n"
    conversation = Conversation.objects.get()
    assert err == f"· Searching your library…\n(conversation {conversation.pk})\n"
    assert conversation.owner == alice  # the first admin, by default
    assert conversation.messages.count() == 3


def test_it_asks_as_the_given_user_and_continues_a_conversation(ollama, alice, bob, capsys):
    ollama.script(Reply.text("Hello Bob."), Reply.text("Still here."))
    ask("Hi", "--user", "bob")
    conversation = Conversation.objects.get()

    status = ask("Still there?", "--user", "bob", "--conversation", str(conversation.pk))

    assert status == 0
    assert conversation.owner == bob
    sent = [(m["role"], m["content"]) for m in ollama.chat_bodies[-1]["messages"][1:]]
    assert sent == [("user", "Hi"), ("assistant", "Hello Bob."), ("user", "Still there?")]


def test_it_exits_1_with_the_reason_when_ollama_is_down(ollama, alice, settings, capsys):
    settings.OLLAMA_URL = closed_port_url()

    status = ask("Hi")

    out, err = capsys.readouterr()
    assert status == 1
    assert out == "\n"
    assert f"CommandError: Can't reach Ollama at {settings.OLLAMA_URL}" in err
    assert "[unreachable]" in err


def test_it_exits_1_telling_to_pull_a_missing_model(ollama, alice, capsys):
    status = ask("Hi", "--model", "mistral:7b")

    assert status == 1
    assert "Run `ollama pull mistral:7b`" in capsys.readouterr().err


def test_a_cut_off_answer_is_printed_and_exits_1(ollama, alice, capsys):
    ollama.script(Reply.text("The first half", done_reason="length"))

    status = ask("Everything, please")

    out, err = capsys.readouterr()
    assert status == 1
    assert out == "The first half\n"
    assert "[truncated]" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Hi", "--user", "nobody"), "No active user 'nobody'."),
        (("Hi", "--conversation", "4242"), "alice has no conversation 4242."),
        (("   ",), "Ask a question first."),
    ],
)
def test_bad_arguments_exit_2(ollama, alice, capsys, args, message):
    assert ask(*args) == 2
    assert message in capsys.readouterr().err
    assert ollama.chat_bodies == []
    assert not Conversation.objects.exists()


def test_without_any_admin_it_asks_for_a_user(ollama, db, capsys):
    assert ask("Hi") == 2
    assert "No admin yet; pass --user." in capsys.readouterr().err
