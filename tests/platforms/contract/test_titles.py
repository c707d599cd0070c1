"""Titles come back exactly as the store has them: any script, symbol or length."""

from __future__ import annotations

from tests.platforms.contract.conftest import Store

LONG = "A Very Long Title " + "with Ünïcödé, ™ and 🐉 " * 14
TITLES = [
    "Café Noir: L'Été Meurtrier",
    "ＦＵＬＬ　ＷＩＤＴＨ Ｑｕｅｓｔ",  # noqa: RUF001 - full-width titles are the point
    "Heroes of Might and Magic® 3: Complete™",
    "🎮 Controller Quest 🐉",
    "東方紅魔郷 ～ the Embodiment of Scarlet Devil",  # noqa: RUF001
    LONG,
]


def test_it_keeps_unicode_and_very_long_titles_exactly(store: Store) -> None:
    assert len(LONG) > 300
    store.fake.set_titles(TITLES)
    client, _, account = store.connected()

    assert sorted(game.name for game in client.get_owned_games(account)) == sorted(TITLES)
