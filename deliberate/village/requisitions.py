"""Requisitions (联名提议): a share of the villagers or of the representatives asks for a meeting
about a matter, and once enough have signed the committee must convene it (组织法 第21、26条).

Recording one is a fact of the record like an objection: who signed (people of the roster), of how
many who could sign, and when it was received. Whether it obliges the committee is not decided
here but by the threshold it names (:data:`deliberate.convening.REQUISITIONS`), compared exactly
— the matter shows it (:attr:`deliberate.state.Matter.obliged_by`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import commands as c
from .. import events as e
from ..chronology import Fact, check_day, not_after_today
from ..convening import requisition
from ..errors import AlreadyExists, InvalidInput
from ..stages import TERMINAL
from ..state import RequisitionRecord, VillageState
from ..tally import check_count
from ..values import updated as replace
from .checks import Applier, Decider, ident, matter_of
from .matters import put_matter

__all__ = ["APPLIERS", "DECIDERS"]


def _record_requisition(state: VillageState, cmd: c.RecordRequisition, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    if matter.stage in TERMINAL:
        raise InvalidInput("err_matter_closed", matter=matter.title)
    ident("requisition", cmd.requisition)
    if any(r.id == cmd.requisition for r in matter.requisitions):
        raise AlreadyExists("err_exists", kind="联名提议/requisition", id=cmd.requisition)
    rule = requisition(cmd.kind)  # InvalidRule naming the kinds there are
    not_after_today(Fact.REQUISITION, check_day("received_on", cmd.received_on), now)
    if not isinstance(cmd.signers, tuple) or not cmd.signers:
        raise InvalidInput("err_empty", field="signers")
    signers = tuple(ident("signer", s) for s in cmd.signers)
    if len(set(signers)) != len(signers):
        raise InvalidInput("err_signed_twice", signer=next(s for s in signers if signers.count(s) > 1))
    rule.met(len(signers), check_count("eligible", cmd.eligible))  # more signers than could sign: refused
    same = next((r for r in matter.requisitions if (r.kind, r.received_on, frozenset(r.signers))
                 == (cmd.kind, cmd.received_on, frozenset(signers))), None)
    if same is not None:
        # The same paper recorded twice (a double tap, a replayed form) would count as two.
        raise AlreadyExists("err_requisition_twice", id=same.id, on=cmd.received_on.isoformat())
    return (e.RequisitionRecorded(at=now, matter=matter.id, requisition=cmd.requisition, kind=cmd.kind,
                                  received_on=cmd.received_on, signers=signers, eligible=cmd.eligible,
                                  by=ident("by", cmd.by)),)


def _requisition_recorded(state: VillageState, ev: e.RequisitionRecorded) -> VillageState:
    m = state.matters[ev.matter]
    record = RequisitionRecord(ev.requisition, ev.kind, ev.received_on, tuple(ev.signers), ev.eligible, ev.by)
    return put_matter(state, replace(m, requisitions=(*m.requisitions, record)))


DECIDERS: Mapping[type, Decider] = {c.RecordRequisition: _record_requisition}
APPLIERS: Mapping[type, Applier] = {e.RequisitionRecorded: _requisition_recorded}
