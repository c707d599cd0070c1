"""Every account integration has a fake the suite can drive, and it covers every failure."""

from __future__ import annotations

from platforms.contract import FAILURES, FakeStore
from platforms.integrations.epic.fake_server import FakeEpic
from platforms.integrations.gog.fake_server import FakeGog
from platforms.integrations.playstation.fake_server import FakePlayStation
from platforms.integrations.steam.fake_server import FakeSteam
from platforms.integrations.xbox.fake_server import FakeXbox
from platforms.registry import account_integrations
from tests.platforms.contract.conftest import ACCOUNT_SPECS, Store


def test_it_runs_over_every_account_integration_with_a_fake() -> None:
    codes = {spec.code for spec in ACCOUNT_SPECS}
    assert {"steam", "gog", "epic", "xbox", "playstation"} <= codes
    assert codes == {spec.code for spec in account_integrations() if spec.fake}


def test_it_accepts_every_failure_the_contract_names(store: Store) -> None:
    for failure in FAILURES:
        store.fake.fail_next(failure, count=1)


def _fakes_are_fake_stores(
    steam: FakeSteam, gog: FakeGog, epic: FakeEpic, xbox: FakeXbox, playstation: FakePlayStation
) -> list[FakeStore]:
    """Checked by mypy: each fake satisfies the FakeStore protocol structurally."""
    return [steam, gog, epic, xbox, playstation]
