"""Every account integration has a fake the suite can drive, and it covers every failure."""

from __future__ import annotations

from platforms.contract import FAILURES
from platforms.registry import account_integrations
from tests.platforms.contract.conftest import ACCOUNT_SPECS, Store


def test_it_runs_over_every_account_integration_with_a_fake() -> None:
    codes = {spec.code for spec in ACCOUNT_SPECS}
    assert {"steam", "gog"} <= codes
    assert codes == {spec.code for spec in account_integrations() if spec.fake}


def test_it_accepts_every_failure_the_contract_names(store: Store) -> None:
    for failure in FAILURES:
        store.fake.fail_next(failure, count=1)
