"""Product metadata from GOG's product and games endpoints, DLC linked to its game."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from platforms.integrations.gog.client import GogClient
from platforms.integrations.gog.fake_server import FakeGog


def test_it_maps_a_products_metadata(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    product = next(p for p in fake_gog.world.products if p.game_type == "game")
    details = gog_client().get_app_details(str(product.id))

    assert details is not None
    assert details.external_id == str(product.id)
    assert details.store_name == product.title
    assert details.type == "game"
    assert details.description == f"{product.title} & its secrets."
    assert details.about_html.startswith("<p>")
    assert details.genres == product.genres
    assert details.developers == product.developers
    assert details.publishers == [product.publisher]
    assert details.release_date == date.fromisoformat(product.release_date[:10])
    assert details.platforms[0] == "windows"
    assert details.background_image.startswith("https://images-2.gog.com/")
    assert details.parent_external_id is None
    assert details.esrb_rating == "" and details.metacritic_score is None


def test_it_links_a_dlc_to_its_game(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    dlc = next(p for p in fake_gog.world.products if p.game_type == "dlc")
    details = gog_client().get_app_details(str(dlc.id))

    assert details is not None
    assert details.type == "dlc"
    assert details.parent_external_id == str(dlc.parent)


def test_it_answers_none_for_a_product_gog_does_not_know(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    assert gog_client().get_app_details("999999999") is None
