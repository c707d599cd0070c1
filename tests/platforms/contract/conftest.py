"""The contract every account integration's client keeps, run against that store's own fake.

Each test runs once per account integration that declares a fake (platforms.registry), with the
client built the production way: the spec's client factory, a CredentialStore, and Django
settings pointing at the fake (plus millisecond retries). Nothing of ours is monkeypatched, so a
new store passes this suite by adding its folder and its fake, and nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from platforms.contract import (
    AccountClient,
    Connection,
    CredentialKind,
    FakeStore,
    IntegrationSpec,
    MemoryCredentials,
)
from platforms.registry import account_integrations

ACCOUNT_SPECS = [spec for spec in account_integrations() if spec.fake]
# Fewer failures than this succeed after retries; this many or more exhaust them.
ATTEMPTS = 3


def load_fake(spec: IntegrationSpec) -> type[Any]:
    module_name, _, attribute = spec.fake.partition(":")
    cls: type[Any] = getattr(importlib.import_module(module_name), attribute)
    return cls


@dataclass
class Store:
    """One integration aimed at its running fake."""

    spec: IntegrationSpec
    fake: FakeStore
    clients: list[AccountClient] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)

    @property
    def refreshes_tokens(self) -> bool:
        """Stores signed in with an OAuth code hold tokens that expire and are renewed."""
        return self.spec.credential is CredentialKind.OAUTH_CODE

    def client(self, credentials: MemoryCredentials) -> AccountClient:
        client: AccountClient = self.spec.load_client_factory()(credentials)
        self.clients.append(client)
        return client

    def connect(self) -> Connection:
        values = self.fake.connect_values()
        self._remember(values)
        connection = self.client(MemoryCredentials()).connect(values)
        self._remember(connection.credentials)
        return connection

    def connected(self) -> tuple[AccountClient, MemoryCredentials, str]:
        """A fresh client built from a connection's stored credentials, as a sync builds it."""
        connection = self.connect()
        credentials = MemoryCredentials(connection.credentials)
        return self.client(credentials), credentials, connection.profile.external_id

    def _remember(self, values: Mapping[str, Any]) -> None:
        # Every stored or typed secret-looking value (keys, codes, tokens); ids are not secret.
        for name, value in values.items():
            if isinstance(value, str) and len(value) >= 16 and "id" not in name:
                self.secrets.add(value)
                # A pasted address carries the code; the code alone must not leak either.
                self.secrets.update(
                    part.split("=", 1)[1] for part in value.split("&") if part.startswith("code=")
                )

    def assert_no_secret_in(self, error: BaseException) -> None:
        for text in (str(error), repr(error)):
            for secret in self.secrets:
                assert secret not in text, f"a credential leaked into {type(error).__name__}"


@pytest.fixture(params=ACCOUNT_SPECS, ids=lambda spec: spec.code)
def store(request: pytest.FixtureRequest, settings: Any) -> Iterator[Store]:
    spec: IntegrationSpec = request.param
    with load_fake(spec)() as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = ATTEMPTS
        settings.HTTP_RETRY_BUDGET_SECONDS = 2
        contract = Store(spec, fake)
        yield contract
        for client in contract.clients:
            client.close()
