"""Housekeeping tasks of the project itself."""

from celery import shared_task
from celery.signals import worker_ready

from gamedjinn import health


@shared_task(ignore_result=True)
def heartbeat() -> None:
    health.record_worker_heartbeat()


@worker_ready.connect
def _announce_worker(**_kwargs) -> None:
    health.record_worker_heartbeat()
