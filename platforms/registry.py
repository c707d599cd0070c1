"""Every store and source Game Djinn knows: discovered from platforms/integrations/ plus the stores
that have no integration of their own.

A folder ``platforms/integrations/<code>/`` whose package exposes ``SPEC`` (see
platforms.contract) is an integration; nothing else registers one. The Platform table is kept in
step with this module after every ``migrate`` (platforms.apps), so a store added in a later
version reaches an existing install.

This module imports no Django code, so settings can read the stores' settings from it.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from platforms import integrations
from platforms.contract import IntegrationSpec, Kind, StoreSpec

# Every store releases can belong to. A store with an integration folder is described by its
# spec instead; the others only receive releases through another source (a GOG Galaxy database
# lists them). "manual" holds games no store reports.
KNOWN_STORES: tuple[StoreSpec, ...] = (
    StoreSpec("gog", "GOG", 20),
    StoreSpec("epic", "Epic Games Store", 30),
    StoreSpec("xbox", "Xbox", 40),
    StoreSpec("playstation", "PlayStation", 50),
    StoreSpec("ubisoft", "Ubisoft Connect", 60),
    StoreSpec("ea", "EA app", 61),
    StoreSpec("battlenet", "Battle.net", 62),
    StoreSpec("amazon", "Amazon Games", 63),
    StoreSpec("humble", "Humble", 64),
    StoreSpec("itch", "itch.io", 65),
    StoreSpec("other", "Other store", 80),
    StoreSpec("manual", "Manual entry", 90),
)


@cache
def integrations_by_code() -> dict[str, IntegrationSpec]:
    """Every integration folder's spec, by code, in display order."""
    found: list[IntegrationSpec] = []
    for module in pkgutil.iter_modules(integrations.__path__):
        if not module.ispkg:
            continue
        package = importlib.import_module(f"{integrations.__name__}.{module.name}")
        spec = getattr(package, "SPEC", None)
        if isinstance(spec, IntegrationSpec):
            if spec.code != module.name:
                raise ValueError(f"{package.__name__}.SPEC.code must be {module.name!r}")
            found.append(spec)
    return {spec.code: spec for spec in sorted(found, key=lambda s: (s.sort_order, s.code))}


def integration(code: str) -> IntegrationSpec | None:
    return integrations_by_code().get(code)


def stores_without_integration() -> list[StoreSpec]:
    return [store for store in KNOWN_STORES if store.code not in integrations_by_code()]


def all_codes() -> tuple[str, ...]:
    """Every code a Platform row can have: integrations first, then the other stores."""
    return (*integrations_by_code(), *(store.code for store in stores_without_integration()))


def account_integrations() -> list[IntegrationSpec]:
    return [spec for spec in integrations_by_code().values() if spec.kind is Kind.ACCOUNT]


def file_integrations() -> list[IntegrationSpec]:
    return [spec for spec in integrations_by_code().values() if spec.kind is Kind.FILE]


def platform_name(code: str) -> str:
    """The display name of a store or source, or the code itself when it is unknown."""
    spec = integration(code)
    if spec is not None:
        return spec.name
    return next((store.name for store in KNOWN_STORES if store.code == code), code)


def store_url(platform_code: str, external_id: str) -> str:
    """The release's page on its store, or '' when the store has none we can link."""
    spec = integration(platform_code)
    template = spec.store_url if spec else ""
    return template.format(id=external_id) if template else ""
