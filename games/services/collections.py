"""Smart collections: named, stored rules that are re-evaluated through games.queries on every read,
so a collection always reflects the library as it is now (and the reader's rating cap).

Rules are validated before they are stored; each problem names its field, e.g.
"rules.metacritic_min: Input should be less than or equal to 100."
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from pydantic import ValidationError

from games.models import Collection, Genre
from games.queries import PAGE_SIZE, LibraryFilters, filter_entries, visible_entries
from games.schemas import CollectionOut, CollectionPage, CollectionRules
from games.services import NotFound, ServiceError, describe_validation_error
from games.services.search import search_games

NAME_LIMIT = 100


class CollectionError(ServiceError):
    pass


def validate_rules(rules: dict | CollectionRules) -> CollectionRules:
    """Parse RULES, or raise CollectionError naming the field at fault. Genre names are matched
    case-insensitively against the genres Game Djinn knows and stored in their canonical spelling."""
    try:
        parsed = CollectionRules.model_validate(
            rules.model_dump(exclude_none=True) if isinstance(rules, CollectionRules) else rules
        )
    except ValidationError as exc:
        raise CollectionError(describe_validation_error(exc, "rules")) from None
    if parsed.genre:
        canonical = Genre.objects.filter(name__iexact=parsed.genre).values_list("name", flat=True)
        if not canonical:
            known = ", ".join(Genre.objects.values_list("name", flat=True)[:10]) or "none yet"
            raise CollectionError(
                f"rules.genre: there is no genre called '{parsed.genre}'. Known genres: {known}."
            )
        parsed = parsed.model_copy(update={"genre": canonical[0]})
    return parsed


def collection_filters(collection: Collection) -> LibraryFilters:
    try:
        return CollectionRules.model_validate(collection.rules).to_filters()
    except ValidationError as exc:
        raise CollectionError(
            f"The stored rules of '{collection.name}' are no longer valid: "
            + describe_validation_error(exc, "rules")
        ) from None


def create_collection(user, name: str, rules: dict | CollectionRules) -> CollectionOut:
    name = _clean_name(name)
    parsed = validate_rules(rules)
    if Collection.objects.filter(owner=user, name__iexact=name).exists():
        raise CollectionError(f"name: you already have a collection called '{name}'.")
    try:
        with transaction.atomic():
            collection = Collection.objects.create(owner=user, name=name, rules=_stored(parsed))
    except IntegrityError:
        raise CollectionError(f"name: you already have a collection called '{name}'.") from None
    return collection_out(user, collection)


def update_collection(
    user,
    collection_id: int,
    *,
    name: str | None = None,
    rules: dict | CollectionRules | None = None,
) -> CollectionOut:
    collection = get_collection(user, collection_id)
    if name is not None:
        name = _clean_name(name)
        clash = Collection.objects.filter(owner=user, name__iexact=name).exclude(pk=collection.pk)
        if clash.exists():
            raise CollectionError(f"name: you already have a collection called '{name}'.")
        collection.name = name
    if rules is not None:
        collection.rules = _stored(validate_rules(rules))
    collection.save(update_fields=["name", "rules"])
    return collection_out(user, collection)


def delete_collection(user, collection_id: int) -> None:
    get_collection(user, collection_id).delete()


def get_collection(user, collection_id: int) -> Collection:
    try:
        return Collection.objects.get(owner=user, pk=collection_id)
    except Collection.DoesNotExist:
        raise NotFound(f"You have no collection {collection_id}.") from None


def list_collections(user) -> list[CollectionOut]:
    """Every collection of USER with its count, in two queries however many there are: each
    count is a filtered COUNT over the user's visible copies, all in one aggregate."""
    collections = list(Collection.objects.filter(owner=user))
    if not collections:
        return []
    counts = visible_entries(user).aggregate(
        **{
            f"c{collection.pk}": Count(
                "pk",
                filter=Q(pk__in=filter_entries(user, collection_filters(collection)).values("pk")),
            )
            for collection in collections
        }
    )
    return [_out(collection, counts[f"c{collection.pk}"]) for collection in collections]


def collection_games(
    user, collection_id: int, *, cursor: str = "", limit: int = PAGE_SIZE
) -> CollectionPage:
    collection = get_collection(user, collection_id)
    games = search_games(user, collection_filters(collection), cursor=cursor, limit=limit)
    return CollectionPage(collection=_out(collection, games.total), games=games)


def collection_out(user, collection: Collection) -> CollectionOut:
    return _out(collection, filter_entries(user, collection_filters(collection)).count())


def _out(collection: Collection, count: int) -> CollectionOut:
    return CollectionOut(
        id=collection.pk,
        name=collection.name,
        rules=collection.rules,
        game_count=count,
        created_at=collection.created_at,
    )


def _stored(rules: CollectionRules) -> dict:
    return rules.model_dump(mode="json", exclude_none=True)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CollectionError("name: give the collection a name, e.g. 'Unplayed RPGs'.")
    if len(name) > NAME_LIMIT:
        raise CollectionError(f"name: keep it to {NAME_LIMIT} characters.")
    return name
