"""Generate a realistic synthetic crossing history for tests, the demo and benchmarks.

`generate_history` is the one entry point; the management command parses its options and calls it:

    python manage.py crossings_generate --travellers N --days D --seed S [--daily-visits V] [--end YYYY-MM-DD]

The model of traffic:

* Population. N travellers: about 55 % Chinese (Han names in pinyin and characters, some Uyghur names in
  their Chinese transcription), 40 % Kazakh (Latin and Cyrillic), 5 % from elsewhere (RU, UZ, KG, TJ, TR,
  MN, DE). Every adult holds a passport; some Chinese an exit–entry permit too, some Kazakhs a national ID,
  some third-country nationals an ID card that neither checkpoint accepts, and a few travellers an old,
  expired passport as well. About 1 % are children on birth certificates, each linked to one adult guardian.
* Days. Each of the D local days ending at --end brings about V visits (1.3 V at weekends), split between
  the checkpoints by where people come from: nine in ten Chinese use the Chinese checkpoint, nine in ten
  Kazakhs the Kazakh one, everyone else either. A checkpoint closed by its weekly hours or by a Closure (read
  from the database, in its own time zone) gets no traffic then.
* Entries. Times fall inside the opening hours, half of them in the rush of the first hours after opening.
  The traveller shows a valid, accepted document (usually the passport) at an open entry lane that serves
  them: own citizens at the citizens' desks or, with an e-gate document, the e-gates; other nationals at
  their own desks. About one attempt in a hundred is refused instead (wrong lane, expired or unaccepted
  document, already inside, closed lane) and opens no visit.
* Visits. Most last a few hours and end the same day before closing; the rest 1–10 days, within the stay
  limit. The exit is at the checkpoint of entry, on an exit lane, inside opening hours. A visit whose exit
  would come after now (or after the --end day) stays open. About one visit in a thousand, and at least one
  once the history is longer than the stay limit, is an overstay: entered longer than the limit ago, it never
  ends. A traveller with an open visit travels no more. Children cross with their guardian, at the same
  moments, on about half of the guardian's visits.

Speed: no model saves. Rows are built in Python and written with PostgreSQL COPY in chunks; their ids are
taken from the tables' sequences beforehand, so that visits can name their crossings (a million crossings
take about 80 s on two cores, bench/bench_generate.py). Everything happens in one transaction. The same
seed on the same database gives the same rows, as long as --end lies in the past: on the current day,
traffic stops at the present moment.

The modules, in the order the generation uses them: `plans` (what the database says about checkpoints,
lanes, hours, closures, documents and stays), `names` and `population` (the travellers and their documents),
`traffic` (the walk through the days), `copy_writer` (COPY in chunks); `clock` and `sampling` are the small
helpers they share.
"""

import io
import random
from datetime import date

from django.core.management import call_command
from django.db import connection

from crossings.generation.clock import DEFAULT_END_ZONE
from crossings.generation.copy_writer import CopyWriter
from crossings.generation.plans import NoStayPolicyError, load_checkpoint_plans
from crossings.generation.population import create_population
from crossings.generation.traffic import TrafficSimulator

__all__ = ["DEFAULT_END_ZONE", "NoStayPolicyError", "generate_history"]


def generate_history(
    *, travellers: int, days: list[date], daily_visits: int, rng: random.Random, now: int
) -> dict[str, int]:
    """Load the reference data, create `travellers` travellers and simulate their traffic over `days` (in order);
    `now` (epoch seconds) is the moment today's traffic stops at. Returns the counts written.

    Run it inside one transaction, as the command does: a failure then leaves nothing half-written. Raises
    NoStayPolicyError when a day has no stay policy in force.
    """
    call_command("crossings_load_reference", stdout=io.StringIO())
    plans = load_checkpoint_plans(days, now=now)
    with connection.cursor() as cursor:
        writer = CopyWriter(cursor)
        population = create_population(rng, writer, travellers, days)
        simulator = TrafficSimulator(rng, writer, population, plans, days, daily_visits)
        simulator.run()
        writer.flush()
    return {**writer.stats, "overstays": simulator.overstays}
