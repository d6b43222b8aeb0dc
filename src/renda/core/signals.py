"""Log-ins and lock-outs are security events: they go into the audit chain."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from renda.core.audit import audit_log


def _address(request: Any) -> str:
    """The client's address; behind a trusted proxy the server has already put the forwarded
    address here (``renda serve`` runs uvicorn with ``--forwarded-allow-ips``)."""
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "")) if request is not None else ""


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_log(actor=user, action="auth.login", obj=user, payload={"address": _address(request)})


@receiver(user_locked_out)
def _on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_log(
            actor=None,
            action="auth.locked_out",
            payload={"username": username or "", "address": _address(request)},
        )
