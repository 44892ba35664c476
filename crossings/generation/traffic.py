"""Traffic: the walk through the days that makes entry attempts, visits, exits and refusals."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from crossings.choices import Direction, LaneGroup, Outcome, RefusalReason, VisitState
from crossings.generation.clock import HOUR
from crossings.generation.copy_writer import CopyWriter
from crossings.generation.plans import CheckpointPlan
from crossings.generation.population import Document, Population
from crossings.generation.sampling import draw_cumulative

NEVER = 2**62  # "busy until" of a traveller whose visit stays open: no later visits
# Plain strings for the hot loops (formatting a choice member costs more than formatting a str).
ENTRY, EXIT = Direction.ENTRY.value, Direction.EXIT.value
ADMITTED, REFUSED = Outcome.ADMITTED.value, Outcome.REFUSED.value

WEEKEND_FACTOR = 1.3
HOME_CHECKPOINT_SHARE = 0.9  # of a checkpoint country's citizens who use that checkpoint
RUSH_SHARE = 0.5  # of entries in the rush after opening
RUSH_PEAK = 1 * HOUR
RUSH_LENGTH = 5 * HOUR
E_GATE_USE = 0.4  # of travellers with an e-gate document
SECOND_DOCUMENT_USE = 0.25  # how often a traveller with two usable documents shows the other one
SAME_DAY_SHARE = 0.75
SAME_DAY_STAY = (30 * 60, 8 * HOUR, int(2.5 * HOUR))  # shortest, longest, most common
LONG_STAY_DAY_WEIGHTS = {1: 30, 2: 20, 3: 15, 4: 10, 5: 8, 6: 5, 7: 5, 8: 3, 9: 2, 10: 2}
LONG_STAYS = list(LONG_STAY_DAY_WEIGHTS)
LONG_STAY_CUMULATIVE = list(accumulate(LONG_STAY_DAY_WEIGHTS.values()))
CHILD_COMES_ALONG = 0.5
OVERSTAY_SHARE = 0.001  # of all visits
REFUSAL_SHARE = 0.01
REFUSAL_WEIGHTS = {
    RefusalReason.WRONG_LANE_GROUP.value: 35,
    RefusalReason.DOCUMENT_EXPIRED.value: 25,
    RefusalReason.ALREADY_INSIDE.value: 15,
    RefusalReason.DOCUMENT_NOT_ACCEPTED.value: 15,
    RefusalReason.LANE_CLOSED.value: 10,
}
PICK_ATTEMPTS = 4  # travellers tried for an attempt before giving it up
INSIDE_SEARCH_ATTEMPTS = 30


class PlannedVisit:
    """A visit waiting for the ids of its crossings; written as soon as the last of them has one."""

    __slots__ = ("checkpoint_id", "entered_at", "entry_id", "exit_id", "exited_at", "must_leave_by", "traveller_id")

    def __init__(self, traveller_id: int, checkpoint_id: int, entered_at: int, must_leave_by: str, exited_at):
        self.traveller_id = traveller_id
        self.checkpoint_id = checkpoint_id
        self.entered_at = entered_at
        self.must_leave_by = must_leave_by
        self.exited_at = exited_at  # None: the visit stays open
        self.entry_id = None
        self.exit_id = None


@dataclass
class Passage:
    """Who shows which document at which lane."""

    traveller: int
    document: Document
    e_gate: bool
    lane_id: int


class TrafficSimulator:
    """Walks through the days in order, making entry attempts, visits and their exits (see the module docstring).

    Crossings are collected per day index (an exit under the day it happens), sorted by time and handed to the
    writer at the end of that day, so crossing ids grow with time. A traveller's `busy_until` is the exit of
    their latest visit (NEVER while one stays open): a new entry must come after it, so visits never overlap.
    """

    def __init__(self, rng, writer: CopyWriter, population: Population, plans, days: list[date], daily_visits: int):
        self.rng = rng
        self.writer = writer
        self.population = population
        self.plans = plans
        self.days = days
        self.daily_visits = daily_visits
        count = len(population.traveller_ids)
        self.busy_until = [0] * count
        self.inside_since = [0] * count
        self.crossings_by_day: list[list[tuple]] = [[] for _ in days]
        self.sequence = 0  # orders crossings at the same second: a child after its guardian
        self.overstays = 0
        self.overstay_chance = self.chance_of_overstay()
        self.usable = [self.usable_documents(plan) for plan in plans]
        self.pools = [self.traveller_pool(plan) for plan in plans]
        self.unaccepted = [self.unaccepted_documents(plan) for plan in plans]

    def chance_of_overstay(self) -> float:
        """Only visits entered longer than the stay limit before the horizon can be overstays; make them more
        likely so that about OVERSTAY_SHARE of all visits are."""
        eligible = sum(must_leave_by < plan.horizon for plan in self.plans for must_leave_by, _ in plan.must_leave_by)
        return min(1.0, OVERSTAY_SHARE * len(self.plans) * len(self.days) / eligible) if eligible else 0.0

    # Who can go where, worked out once per checkpoint.

    def usable_documents(self, plan: CheckpointPlan) -> list[list[tuple[Document, bool]]]:
        """Per traveller, (document, e-gate) of the valid documents the checkpoint accepts, the passport first."""
        usable = []
        for documents in self.population.documents:
            accepted = []
            for document in documents:
                is_accepted, e_gate = plan.acceptance(document.kind, document.country)
                if is_accepted:
                    accepted.append((document, e_gate))
            usable.append(accepted)
        return usable

    def traveller_pool(self, plan: CheckpointPlan) -> tuple[list[list[int]], list[float]]:
        """The adults by nationality, weighted by how many of them use this checkpoint (cumulative weights)."""
        home_countries = {other.country for other in self.plans}
        groups, weights = [], []
        for nationality, adults in self.population.adults_by_nationality.items():
            if nationality == plan.country:
                preference = HOME_CHECKPOINT_SHARE
            elif nationality in home_countries:
                preference = (1 - HOME_CHECKPOINT_SHARE) / (len(self.plans) - 1)
            else:
                preference = 1 / len(self.plans)
            groups.append(adults)
            weights.append(len(adults) * preference)
        return groups, list(accumulate(weights))

    def unaccepted_documents(self, plan: CheckpointPlan) -> list[tuple[int, Document]]:
        """(traveller, document) of the valid documents this checkpoint does not take: refusals waiting to happen."""
        return [
            (index, document)
            for adults in self.population.adults_by_nationality.values()
            for index in adults
            for document in self.population.documents[index]
            if not plan.acceptance(document.kind, document.country)[0]
        ]

    # The walk through the days.

    def run(self) -> None:
        adults = sum(len(group) for group in self.population.adults_by_nationality.values())
        shares = [weights[-1] / adults if weights else 0.0 for _, weights in self.pools]
        for day_index, day in enumerate(self.days):
            expected = self.daily_visits * (WEEKEND_FACTOR if day.weekday() >= 5 else 1.0) * self.rng.uniform(0.9, 1.1)
            attempts = []
            for position, plan in enumerate(self.plans):
                if not plan.open_intervals[day_index]:
                    continue  # closed all day: no traffic
                for _ in range(round(expected * shares[position])):
                    moment = self.entry_time(plan, day_index)
                    if moment is not None:
                        attempts.append((moment, position))
            attempts.sort()
            for moment, position in attempts:
                if self.rng.random() < REFUSAL_SHARE and self.refuse(position, day_index, moment):
                    continue
                self.admit(position, day_index, moment)
            self.write_day(day_index)

    def entry_time(self, plan: CheckpointPlan, day_index: int) -> int | None:
        """A moment of the day's hours, often in the rush after opening; None inside a closure or after the horizon."""
        opens, closes = plan.window[day_index]
        span = closes - opens
        if self.rng.random() < RUSH_SHARE:
            offset = int(self.rng.triangular(0, min(span, RUSH_LENGTH), min(span, RUSH_PEAK)))
        else:
            offset = int(self.rng.random() * span)
        moment = opens + min(offset, span - 1)
        if moment >= plan.horizon or not plan.is_open_at(day_index, moment):
            return None
        return moment

    def draw_adult(self, position: int) -> int:
        groups, weights = self.pools[position]
        group = draw_cumulative(self.rng, groups, weights)
        return group[int(self.rng.random() * len(group))]

    def free_adult(self, position: int, moment: int) -> int | None:
        """An adult who is outside the zone at the moment and has no open visit; None if a few tries find nobody."""
        for _ in range(PICK_ATTEMPTS):
            index = self.draw_adult(position)
            if self.busy_until[index] < moment:
                return index
        return None

    def serving_groups(self, plan: CheckpointPlan, traveller: int, e_gate: bool) -> list[str]:
        """The lane groups the traveller uses with the document: their desks, and the e-gates for own citizens
        with an e-gate document."""
        if self.population.nationality[traveller] != plan.country:
            return [LaneGroup.OTHER_NATIONALS]
        return [LaneGroup.OWN_CITIZENS, LaneGroup.E_GATE] if e_gate else [LaneGroup.OWN_CITIZENS]

    def passage(self, position, traveller, direction, document=None, e_gate=False) -> Passage | None:
        """The traveller at an open lane that serves them, with `document` or their usual one; None if no lane fits."""
        plan = self.plans[position]
        if document is None:
            usable = self.usable[position][traveller]
            if not usable:
                return None
            document, e_gate = usable[1] if len(usable) > 1 and self.rng.random() < SECOND_DOCUMENT_USE else usable[0]
        groups = [group for group in self.serving_groups(plan, traveller, e_gate) if plan.lanes.get((direction, group))]
        if not groups:
            return None
        group = groups[-1] if len(groups) > 1 and self.rng.random() < E_GATE_USE else groups[0]
        lanes = plan.lanes[(direction, group)]
        return Passage(traveller, document, e_gate, lanes[int(self.rng.random() * len(lanes))])

    def admit(self, position: int, day_index: int, moment: int) -> None:
        plan = self.plans[position]
        traveller = self.free_adult(position, moment)
        if traveller is None:
            return
        entry = self.passage(position, traveller, ENTRY)
        if entry is None:
            return
        must_leave_epoch, _ = plan.must_leave_by[day_index]
        may_overstay = must_leave_epoch < plan.horizon
        # The first visit that can be an overstay is one, so that every long enough history has one.
        if may_overstay and (self.overstays == 0 or self.rng.random() < self.overstay_chance):
            leaving = None
        else:
            leaving = self.exit_time(plan, day_index, moment)
        if not self.record_visit(position, day_index, entry, moment, leaving):
            return
        for child in self.population.children_of.get(traveller, ()):
            if self.busy_until[child] < moment and self.rng.random() < CHILD_COMES_ALONG:
                child_entry = self.passage(position, child, ENTRY)
                if child_entry is not None:
                    self.record_visit(position, day_index, child_entry, moment, leaving)

    def exit_time(self, plan: CheckpointPlan, day_index: int, entered: int) -> tuple[int, int] | None:
        """(day index, moment) of the exit, inside opening hours at the same checkpoint; None after the horizon."""
        interval_end = next(end for start, end in plan.open_intervals[day_index] if start <= entered < end)
        shortest, longest, usual = SAME_DAY_STAY
        if self.rng.random() < SAME_DAY_SHARE and entered + shortest < interval_end:
            stay = int(self.rng.triangular(shortest, longest, usual))
            if entered + stay >= interval_end:  # they leave before closing, in the time that is left
                stay = shortest + int(self.rng.random() * (interval_end - entered - shortest))
            exit_day, leaving = day_index, entered + stay
        else:
            nights = draw_cumulative(self.rng, LONG_STAYS, LONG_STAY_CUMULATIVE)
            # Most people keep to the stay limit: the last allowed day is the entry day + limit - 1.
            exit_day = day_index + max(1, min(nights, plan.max_stay_days[day_index] - 1))
            while exit_day < len(self.days) and not plan.open_intervals[exit_day]:
                exit_day += 1  # closed that day: they leave on the next open one
            if exit_day >= len(self.days):
                return None
            leaving = self.moment_within(plan.open_intervals[exit_day])
        return (exit_day, leaving) if leaving < plan.horizon else None

    def moment_within(self, intervals: list[tuple[int, int]]) -> int:
        offset = int(self.rng.random() * sum(end - start for start, end in intervals))
        for start, end in intervals:
            if offset < end - start:
                return start + offset
            offset -= end - start
        raise AssertionError("an offset beyond the intervals")

    def record_visit(self, position, day_index, entry: Passage, entered: int, leaving) -> bool:
        """The entry and, unless the visit stays open, the exit with the same document; False if no exit lane fits."""
        plan = self.plans[position]
        traveller = entry.traveller
        exit_passage = None
        if leaving is not None:
            exit_passage = self.passage(position, traveller, EXIT, entry.document, entry.e_gate)
            if exit_passage is None:
                return False
        must_leave_epoch, must_leave_text = plan.must_leave_by[day_index]
        visit = PlannedVisit(
            self.population.traveller_ids[traveller], plan.id, entered, must_leave_text, leaving and leaving[1]
        )
        self.add_crossing(day_index, entered, plan, entry, ENTRY, "", visit)
        self.inside_since[traveller] = entered
        if leaving is None:
            self.busy_until[traveller] = NEVER
            self.overstays += must_leave_epoch < plan.horizon
        else:
            exit_day, self.busy_until[traveller] = leaving
            self.add_crossing(exit_day, leaving[1], plan, exit_passage, EXIT, "", visit)
        return True

    def add_crossing(self, day_index, moment, plan: CheckpointPlan, passage: Passage, direction, reason, visit):
        officer = plan.officers[int(self.rng.random() * len(plan.officers))]
        self.sequence += 1
        self.crossings_by_day[day_index].append((moment, self.sequence, passage, officer, direction, reason, visit))

    # Refusals: each of a kind the rules would give, at a lane where that rule is the first to fail
    # (crossings.rules.entry_refusal checks lane, then expiry, acceptance, and whether already inside).

    def refuse(self, position: int, day_index: int, moment: int) -> bool:
        reasons = list(REFUSAL_WEIGHTS)
        weights = list(REFUSAL_WEIGHTS.values())
        while reasons:
            pick = bisect_right(list(accumulate(weights)), self.rng.random() * sum(weights))
            reason = reasons.pop(pick)
            weights.pop(pick)
            passage = self.refused_passage(reason, position, moment)
            if passage is not None:
                self.add_crossing(day_index, moment, self.plans[position], passage, ENTRY, reason, None)
                return True
        return False

    def refused_passage(self, reason: str, position: int, moment: int) -> Passage | None:
        plan = self.plans[position]
        if reason == RefusalReason.ALREADY_INSIDE:
            for _ in range(INSIDE_SEARCH_ATTEMPTS):
                traveller = self.draw_adult(position)
                if self.inside_since[traveller] <= moment < self.busy_until[traveller]:
                    return self.passage(position, traveller, ENTRY)
            return None
        if reason in (RefusalReason.DOCUMENT_EXPIRED, RefusalReason.DOCUMENT_NOT_ACCEPTED):
            candidates = (
                self.population.expired if reason == RefusalReason.DOCUMENT_EXPIRED else self.unaccepted[position]
            )
            if not candidates:
                return None
            traveller, document = candidates[int(self.rng.random() * len(candidates))]
            if self.busy_until[traveller] >= moment:
                return None
            # At a desk: an e-gate turns such a document away before any officer records a crossing.
            return self.passage(position, traveller, ENTRY, document, e_gate=False)
        traveller = self.free_adult(position, moment)
        passage = None if traveller is None else self.passage(position, traveller, ENTRY)
        if passage is None:
            return None
        if reason == RefusalReason.LANE_CLOSED:
            lanes = plan.closed_entry_lanes
        else:  # the wrong queue: an open entry lane of a group that does not serve this traveller
            serving = set(self.serving_groups(plan, traveller, passage.e_gate))
            if passage.e_gate:  # as crossings.rules.lane_serves has it: e-gates serve any e-gate document
                serving.add(LaneGroup.E_GATE)
            lanes = [
                lane
                for (direction, group), group_lanes in plan.lanes.items()
                if direction == ENTRY and group not in serving
                for lane in group_lanes
            ]
        if not lanes:
            return None
        passage.lane_id = lanes[int(self.rng.random() * len(lanes))]
        return passage

    # Handing each day's crossings to the writer in time order, and the visits once complete.

    def write_day(self, day_index: int) -> None:
        crossings = self.crossings_by_day[day_index]
        self.crossings_by_day[day_index] = []
        crossings.sort(key=lambda crossing: (crossing[0], crossing[1]))
        local_date = self.days[day_index].isoformat()
        traveller_ids = self.population.traveller_ids
        stats, add, timestamp = self.writer.stats, self.writer.add, self.writer.timestamp
        complete = []
        ids = self.writer.take_ids("crossings_crossing", len(crossings))
        for crossing_id, (moment, _, passage, officer, direction, reason, visit) in zip(ids, crossings, strict=True):
            at = timestamp(moment)
            outcome = REFUSED if reason else ADMITTED
            stats[outcome] += 1
            add(
                "crossings_crossing",
                f"{crossing_id}\trecord\t{direction}\t{at}\t{local_date}\t{at}\t{outcome}\t{reason}\t\t\\N\t"
                f"{officer}\t{passage.lane_id}\t{passage.document.id}\t{traveller_ids[passage.traveller]}\n",
            )
            if visit is None:
                continue
            if direction == ENTRY:
                visit.entry_id = crossing_id
                if visit.exited_at is None:
                    complete.append(visit)
            else:
                visit.exit_id = crossing_id
                complete.append(visit)
        self.write_visits(complete)

    def write_visits(self, visits: list[PlannedVisit]) -> None:
        timestamp = self.writer.timestamp
        for visit_id, visit in zip(self.writer.take_ids("crossings_visit", len(visits)), visits, strict=True):
            if visit.exited_at is None:
                exit_id, exited_at, state = "\\N", "\\N", VisitState.OPEN.value
            else:
                exit_id, exited_at, state = visit.exit_id, timestamp(visit.exited_at), VisitState.CLOSED.value
            self.writer.stats[f"visits_{state}"] += 1
            self.writer.add(
                "crossings_visit",
                f"{visit_id}\t{visit.traveller_id}\t{visit.checkpoint_id}\t{visit.entry_id}\t"
                f"{timestamp(visit.entered_at)}\t{visit.must_leave_by}\t{exit_id}\t{exited_at}\t{state}\t\\N\n",
            )
