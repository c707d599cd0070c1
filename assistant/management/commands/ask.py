"""`manage.py ask "question" [--user USERNAME] [--conversation ID]`: the assistant in a terminal.

The answer streams to stdout; tool activity and errors go to stderr. Exit status: 0 answered,
1 Ollama failed (the reason is printed), 2 bad arguments, 130 interrupted.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assistant.models import Conversation
from assistant.services.chat import ErrorEvent, clean_question, stream_reply
from assistant.services.conversations import open_conversation


class Command(BaseCommand):
    help = "Ask the assistant about a user's library; the answer streams to stdout."

    def add_arguments(self, parser) -> None:
        parser.add_argument("question")
        parser.add_argument("--user", help="Whose library to ask about (default: the first admin).")
        parser.add_argument("--conversation", type=int, help="Continue this conversation.")
        parser.add_argument("--model", default="", help="The Ollama model (default: as before).")

    def handle(self, *args, **options) -> None:
        user = self._user(options["user"])
        try:
            question = clean_question(options["question"])
            conversation = open_conversation(user, options["conversation"], options["model"])
        except Conversation.DoesNotExist:
            raise CommandError(
                f"{user} has no conversation {options['conversation']}.", returncode=2
            ) from None
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            problem = asyncio.run(self._stream(conversation, question, user))
        except KeyboardInterrupt:
            raise CommandError("Stopped; the partial answer is saved.", returncode=130) from None
        if problem is not None:
            raise CommandError(f"{problem['message']} [{problem['code']}]", returncode=1)
        self.stderr.write(f"(conversation {conversation.pk})")

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"No active user {username!r}." if username else "No admin yet; pass --user.",
                returncode=2,
            )
        return user

    async def _stream(self, conversation: Conversation, question: str, user) -> ErrorEvent | None:
        problem: ErrorEvent | None = None
        async with aclosing(stream_reply(conversation, question, user=user)) as events:
            async for event in events:
                if event["type"] == "token":
                    self.stdout.write(event["text"], ending="")
                    self.stdout.flush()
                elif event["type"] == "tool_start":
                    self.stderr.write(f"· {event['label']}")
                elif event["type"] == "error":
                    problem = event
                elif event["type"] == "done":
                    self.stdout.write("")
        return problem
