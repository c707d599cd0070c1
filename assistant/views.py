"""The chat pages. Answers stream over the WebSocket (assistant.consumers); these views list,
rename and delete conversations, and report what Ollama offers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assistant import llm
from assistant.models import Conversation
from assistant.services import conversations as service


def _owned(request: HttpRequest, conversation_id: int) -> Conversation:
    try:
        return service.get_conversation(request.user, conversation_id)
    except Conversation.DoesNotExist:
        raise Http404("No such conversation.") from None


@require_GET
def chat(request: HttpRequest, conversation_id: int | None = None) -> HttpResponse:
    conversation = _owned(request, conversation_id) if conversation_id else None
    return render(
        request,
        "assistant/chat.html",
        {
            "conversation": conversation,
            "transcript": service.transcript(conversation) if conversation else [],
            "conversations": service.conversations_for(request.user)[:100],
            "model": conversation.model
            if conversation
            else service.default_model_for(request.user),
        },
    )


@require_GET
def transcript(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """A conversation as JSON, for the panel to continue it on any page."""
    conversation = _owned(request, conversation_id)
    return JsonResponse(
        {
            "id": conversation.pk,
            "title": conversation.title,
            "model": conversation.model,
            "messages": [
                {
                    "role": m.role,
                    "content": m.content,
                    "tool_name": m.tool_name,
                    "games": m.games,
                    "error_code": m.error_code,
                    "error": m.error,
                }
                for m in service.transcript(conversation)
            ],
        }
    )


@require_POST
def rename(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        service.rename_conversation(request.user, conversation_id, request.POST.get("title", ""))
    except Conversation.DoesNotExist:
        raise Http404("No such conversation.") from None
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("assistant:conversation", conversation_id=conversation_id)


@require_POST
def delete(request: HttpRequest, conversation_id: int) -> HttpResponse:
    if not service.delete_conversation(request.user, conversation_id):
        raise Http404("No such conversation.")
    messages.success(request, "Conversation deleted.")
    return redirect("assistant:chat")


@never_cache
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """Is Ollama reachable, which version, which models (with sizes) can answer."""
    return JsonResponse({**llm.probe().as_dict(), "model": service.default_model_for(request.user)})
