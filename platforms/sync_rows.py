"""Keeps the Platform table in step with platforms.registry after every ``migrate``.

A data migration would only run once, so a store added in a later version would never reach an
existing install; a post_migrate handler runs on every upgrade. Rows of stores that left the
registry stay (releases point at them) but lose ``api_available``.
"""

from __future__ import annotations

from typing import Any

from platforms.registry import integrations_by_code, stores_without_integration


def sync_platform_rows(using: str = "default", **_: Any) -> None:
    from platforms.models import Platform

    wanted: dict[str, dict[str, Any]] = {}
    for spec in integrations_by_code().values():
        wanted[spec.code] = {
            "name": spec.name,
            "kind": spec.kind.value,
            "api_available": True,
            "capabilities": sorted(capability.value for capability in spec.capabilities),
            "sort_order": spec.sort_order,
        }
    for store in stores_without_integration():
        wanted[store.code] = {
            "name": store.name,
            "kind": Platform.Kind.STORE,
            "api_available": False,
            "capabilities": [],
            "sort_order": store.sort_order,
        }
    existing = {platform.code: platform for platform in Platform.objects.using(using).all()}
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            Platform.objects.using(using).create(code=code, **values)
        elif any(getattr(row, field) != value for field, value in values.items()):
            Platform.objects.using(using).filter(pk=row.pk).update(**values)
    Platform.objects.using(using).exclude(code__in=list(wanted)).update(
        api_available=False, capabilities=[]
    )
