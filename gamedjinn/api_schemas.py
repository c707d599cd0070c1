"""What every REST request body shares."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator


class JsonObjectBody(Schema):
    """A request body, which must be a JSON object.

    ninja's Schema reads attributes off any object (so that it can validate ORM rows), which
    made a body of `[]`, `7` or `null` pass as an object with no fields: an empty change."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, data: Any) -> Any:
        # Schema's own validator runs first and wraps whatever came in a DjangoGetter.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict):
            raise ValueError(
                f"the request body must be a JSON object, e.g. {{...}}, not {_json_kind(body)}"
            )
        return data


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, list):
        return "an array"
    if isinstance(data, str):
        return "a string"
    if isinstance(data, bool):
        return "a boolean"
    if isinstance(data, int | float):
        return "a number"
    return type(data).__name__
