"""The audit chain: every service appends one event; each event's hash is SM3 over a canonical
serialisation of the event and the previous event's hash, so an edited row breaks the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from renda.core.models import AuditChainHead, AuditEvent, Congress, User

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "congress_id": event.congress_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.new("sm3", _canonical(event)).hexdigest()


def object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the stored payload is exactly what was hashed (dates, Decimals → str).
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


def audit_log(
    *,
    actor: User | None,
    action: str,
    congress: Congress | None = None,
    obj: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction so that the event
    exists exactly when the change it describes does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside transaction.atomic()")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    object_type, object_id = object_ref(obj)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor) if actor is not None and actor.pk else "system",
        congress=congress,
        action=action,
        object_type=object_type,
        object_id=object_id,
        payload=_jsonable(payload or {}),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.last_seq, head.last_hash = event.seq, event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or hash does not match."""
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, "previous-hash link does not match")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "hash does not match the event's content")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != checked:
        return VerifyResult(False, checked, checked + 1, "chain head points past the last event")
    return VerifyResult(True, checked)
