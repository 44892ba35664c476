"""The zone's reference data as every crossing reads it, cached: checkpoints and their lanes, weekly hours, closures,
accepted documents, stay policies and officers' assignments.

Recording a crossing reads all of it, and it changes a few times a year, so each process keeps one copy in memory
under a version named in the shared cache (Redis). Whatever changes a row of these tables (services, the admin,
commands, a factory: the model signals, see `crossings.apps`) calls `reference_data_changed()`, which names a new
version at once and again when the change commits (`transaction.on_commit`): every process reloads before its next
crossing, and a process that reloaded between the write and its commit cannot keep what it read. When the shared
cache is out of reach, nothing is cached: the data are read from the database each time.
"""

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
)
from horgos.versioned_cache import current_version, version_rename

VERSION_KEY = "crossings:reference-version"
# Closures that ended this long before the data were loaded are left out: no crossing can be recorded that long
# before now (CROSSING_BACKDATE_LIMIT_HOURS); older moments are looked up in the database.
CLOSURES_MARGIN = timedelta(days=1)


@dataclass
class ReferenceData:
    loaded_at: datetime
    checkpoints: dict[int, Checkpoint] = field(default_factory=dict)
    lanes: dict[int, Lane] = field(default_factory=dict)
    hours: dict[tuple[int, int], OpeningHours] = field(default_factory=dict)
    closures: dict[int, list[Closure]] = field(default_factory=dict)
    accepted_documents: dict[int, list[AcceptedDocument]] = field(default_factory=dict)
    stay_policies: list[StayPolicy] = field(default_factory=list)  # latest first
    assignments: dict[int, int] = field(default_factory=dict)  # officer id -> checkpoint id

    @property
    def closures_since(self) -> datetime:
        return self.loaded_at - timedelta(hours=settings.CROSSING_BACKDATE_LIMIT_HOURS) - CLOSURES_MARGIN


_loaded: dict[str, ReferenceData] = {}  # version -> data (one entry: this process's copy)


def _load() -> ReferenceData:
    data = ReferenceData(loaded_at=timezone.now())
    data.checkpoints = {checkpoint.pk: checkpoint for checkpoint in Checkpoint.objects.all()}
    for lane in Lane.objects.all():
        lane.checkpoint = data.checkpoints[lane.checkpoint_id]
        data.lanes[lane.pk] = lane
    data.hours = {(hours.checkpoint_id, hours.weekday): hours for hours in OpeningHours.objects.all()}
    for closure in Closure.objects.filter(ends_at__gt=data.closures_since).order_by("starts_at"):
        data.closures.setdefault(closure.checkpoint_id, []).append(closure)
    for rule in AcceptedDocument.objects.order_by("id"):
        data.accepted_documents.setdefault(rule.checkpoint_id, []).append(rule)
    data.stay_policies = list(StayPolicy.objects.order_by("-effective_from"))
    data.assignments = dict(OfficerAssignment.objects.values_list("officer_id", "checkpoint_id"))
    return data


# Within one request the version is asked of the shared cache once (a crossing reads the reference data several
# times): `_request.version` is UNCHECKED from the start of a request until the first read, then the version read;
# outside requests (commands, tasks) it is absent and every read asks.
_request = threading.local()
UNCHECKED = object()


def _request_started(**kwargs) -> None:
    _request.version = UNCHECKED


def _request_finished(**kwargs) -> None:
    _request.__dict__.pop("version", None)


def reference_version() -> str | None:
    """The shared version of the reference data (asked of the shared cache once per request); None when the shared
    cache is out of reach, and then nothing cached may be trusted."""
    memo = getattr(_request, "version", None)
    version = memo if memo is not UNCHECKED else None
    if version is None:
        version = current_version(VERSION_KEY)
        if version is None:
            return None
    if memo is UNCHECKED:
        _request.version = version
    return version


T = TypeVar("T")


def kept_under_version(loaded: dict, load: Callable[[], T]) -> T:
    """What `load()` returns, kept in `loaded` (a process's copy) under the shared reference version and loaded again
    when that version is no longer the current one; read afresh each time when there is no version to trust."""
    version = reference_version()
    if version is None:  # the shared cache is out of reach
        return load()
    data = loaded.get(version)
    if data is None:
        data = load()
        loaded.clear()
        loaded[version] = data
    return data


def reference_data() -> ReferenceData:
    """This process's copy of the reference data, reloaded when its version is no longer the shared one."""
    return kept_under_version(_loaded, _load)


def _name_new_version() -> None:
    version_rename(VERSION_KEY)
    _loaded.clear()
    if hasattr(_request, "version"):
        _request.version = UNCHECKED


def reference_data_changed() -> None:
    """Make every process reload the reference data: now, and once more when the current transaction commits."""
    _name_new_version()
    # Outside an atomic block the change is committed already (autocommit), or commits when its caller says so
    # (manual transaction management, where Django can run nothing on commit): the version named now is the one.
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_name_new_version)


def cached_lane(lane_id: int) -> Lane | None:
    """The lane with its checkpoint (a copy: the caller may change it freely), or None."""
    lane = reference_data().lanes.get(lane_id)
    return copy.copy(lane) if lane is not None else None


def cached_checkpoint(checkpoint_id: int) -> Checkpoint:
    """The checkpoint of this id (a copy); Checkpoint.DoesNotExist when there is none, as `objects.get` raises."""
    checkpoint = reference_data().checkpoints.get(checkpoint_id)
    if checkpoint is None:
        raise Checkpoint.DoesNotExist(checkpoint_id)
    return copy.copy(checkpoint)


def cached_officer_checkpoint(officer_id: int) -> Checkpoint | None:
    data = reference_data()
    checkpoint = data.checkpoints.get(data.assignments.get(officer_id))
    return copy.copy(checkpoint) if checkpoint is not None else None


def cached_opening_hours(checkpoint_id: int, weekday: int) -> OpeningHours | None:
    return reference_data().hours.get((checkpoint_id, weekday))


def cached_closure_in_force(checkpoint_id: int, at: datetime) -> bool:
    data = reference_data()
    if at < data.closures_since:
        return Closure.objects.in_force_at(at).filter(checkpoint_id=checkpoint_id).exists()
    return any(closure.is_in_force_at(at) for closure in data.closures.get(checkpoint_id, []))


def cached_accepted_documents(checkpoint_id: int) -> list[AcceptedDocument]:
    return reference_data().accepted_documents.get(checkpoint_id, [])


def cached_stay_policy_on(day: date) -> StayPolicy | None:
    return next((policy for policy in reference_data().stay_policies if policy.effective_from <= day), None)


REFERENCE_MODELS = (Checkpoint, Lane, OpeningHours, Closure, AcceptedDocument, StayPolicy, OfficerAssignment)


def _changed_by_signal(**kwargs) -> None:
    if not kwargs.get("raw"):  # fixtures loaded raw are followed by an explicit call where it matters
        reference_data_changed()


def connect_reference_signals() -> None:
    """Every save or delete of a reference row (a service, the admin, a factory) names a new version; a request asks
    for the version once."""
    from django.core.signals import request_finished, request_started

    request_started.connect(_request_started, dispatch_uid="reference-request-started")
    request_finished.connect(_request_finished, dispatch_uid="reference-request-finished")

    follow_changes_of(*REFERENCE_MODELS)


def follow_changes_of(*models) -> None:
    """Every save or delete of a row of `models` names a new version of the reference data (other apps' cached data
    kept under it, such as trade's allowance policies and exchange rates, follow it too)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        label = model._meta.label
        post_save.connect(_changed_by_signal, sender=model, dispatch_uid=f"reference-changed-save-{label}")
        post_delete.connect(_changed_by_signal, sender=model, dispatch_uid=f"reference-changed-delete-{label}")


def cached_checkpoint_by_code(code: str) -> Checkpoint:
    """The checkpoint of this code (a copy); Checkpoint.DoesNotExist when there is none, as `objects.get` raises."""
    checkpoint = next(
        (checkpoint for checkpoint in reference_data().checkpoints.values() if checkpoint.code == code), None
    )
    if checkpoint is None:
        raise Checkpoint.DoesNotExist(code)
    return copy.copy(checkpoint)


def cached_checkpoints() -> list[Checkpoint]:
    """Every checkpoint by code (copies)."""
    return [copy.copy(checkpoint) for checkpoint in sorted(reference_data().checkpoints.values(), key=lambda c: c.code)]


def cached_lanes_of(checkpoint_id: int) -> list[Lane]:
    """The checkpoint's lanes by direction and code (copies, with their checkpoint)."""
    lanes = (lane for lane in reference_data().lanes.values() if lane.checkpoint_id == checkpoint_id)
    return [copy.copy(lane) for lane in sorted(lanes, key=lambda lane: (lane.direction, lane.code))]
