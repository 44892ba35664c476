"""Population: travellers, their documents, children and their guardians."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock_time
from itertools import accumulate

from crossings.choices import DocumentType
from crossings.generation.clock import DEFAULT_END_ZONE, epoch
from crossings.generation.copy_writer import CopyWriter
from crossings.generation.names import (
    BIRTH_CERTIFICATE_FORMAT,
    BIRTH_CERTIFICATE_FORMATS,
    PASSPORT_FORMATS,
    SECOND_DOCUMENT_FORMATS,
    DocumentNumbers,
    child_names,
    pick_name,
)
from crossings.generation.sampling import draw_cumulative

NATIONALITY_SHARES = {"CN": 0.55, "KZ": 0.40}  # the rest comes from THIRD_COUNTRY_WEIGHTS
THIRD_COUNTRY_WEIGHTS = {"RU": 30, "UZ": 20, "KG": 15, "MN": 10, "TJ": 10, "TR": 8, "DE": 7}
THIRD_COUNTRIES = list(THIRD_COUNTRY_WEIGHTS)
THIRD_COUNTRY_CUMULATIVE = list(accumulate(THIRD_COUNTRY_WEIGHTS.values()))
ADULT_AGES = (18, 80, 38)  # youngest, oldest, most common
CHILD_SHARE = 0.01
# The second document a traveller may hold, and how many hold one. Third-country ID cards are accepted at
# neither checkpoint: their holders are the "document not accepted" refusals.
SECOND_DOCUMENTS = {"CN": (DocumentType.EXIT_ENTRY_PERMIT, 0.30), "KZ": (DocumentType.NATIONAL_ID, 0.50)}
FOREIGN_ID_CARD_SHARE = 0.25
OLD_PASSPORT_SHARE = 0.03  # adults who still carry an expired passport besides the valid one


@dataclass(frozen=True)
class Document:
    id: int
    kind: str
    country: str


@dataclass
class Population:
    """The generated travellers by index (0 .. N-1); adults first, then the children."""

    traveller_ids: list[int]
    nationality: list[str]
    adults_by_nationality: dict[str, list[int]]
    children_of: dict[int, list[int]]  # guardian -> children
    documents: list[list[Document]]  # valid documents per traveller, the passport first
    expired: list[tuple[int, Document]]  # (traveller, document) of the old passports


def pick_nationality(rng: random.Random) -> str:
    draw = rng.random()
    for country, share in NATIONALITY_SHARES.items():
        if draw < share:
            return country
        draw -= share
    return draw_cumulative(rng, THIRD_COUNTRIES, THIRD_COUNTRY_CUMULATIVE)


def adult_birth_date(rng: random.Random, on: date) -> date:
    youngest, oldest, usual = ADULT_AGES
    # A day's margin at either end keeps leap days from making anyone 17 or 81.
    age_days = int(rng.triangular(youngest * 365.25 + 1, (oldest + 1) * 365.25 - 2, usual * 365.25))
    return on - timedelta(days=age_days)


def create_population(rng: random.Random, writer: CopyWriter, count: int, days: list[date]) -> Population:
    """Make the travellers and their documents, take their ids, and hand them to the writer."""
    first_day = days[0]
    child_count = max(1, round(count * CHILD_SHARE)) if count >= 2 else 0
    adult_count = count - child_count
    people = []  # (names, nationality, birth date, sex)
    for _ in range(adult_count):
        nationality, sex = pick_nationality(rng), rng.choice("MF")
        people.append((pick_name(rng, nationality, sex), nationality, adult_birth_date(rng, days[-1]), sex))
    guardian_of = {}
    for child in range(adult_count, count):
        guardian = rng.randrange(adult_count)
        guardian_names, nationality, _, guardian_sex = people[guardian]
        sex = rng.choice("MF")
        # Born before the first day, young enough to travel on a birth certificate.
        born = first_day - timedelta(days=rng.randrange(30, 13 * 365))
        people.append((child_names(rng, guardian_names, guardian_sex, nationality, sex), nationality, born, sex))
        guardian_of[child] = guardian

    traveller_ids = writer.take_ids("crossings_traveller", count)
    registered_at = writer.timestamp(epoch(first_day, clock_time.min, DEFAULT_END_ZONE))
    for traveller_id, (names, nationality, born, sex) in zip(traveller_ids, people, strict=True):
        writer.add_traveller(traveller_id, names, nationality, born, sex, registered_at)
    # The child is the "from" side: child.guardians lists the guardian.
    for child, guardian in guardian_of.items():
        writer.add("crossings_traveller_guardians", f"{traveller_ids[child]}\t{traveller_ids[guardian]}\n")
    writer.stats["travellers"] = count

    numbers = DocumentNumbers(rng)
    planned = [  # (traveller, type, number, valid until)
        (index, *document)
        for index, (_, nationality, born, _) in enumerate(people)
        for document in plan_documents(rng, numbers, nationality, born, days, is_child=index >= adult_count)
    ]
    documents: list[list[Document]] = [[] for _ in range(count)]
    expired = []
    for document_id, (index, kind, number, valid_until) in zip(
        writer.take_ids("crossings_traveldocument", len(planned)), planned, strict=True
    ):
        country = people[index][1]
        writer.add_document(document_id, traveller_ids[index], kind, number, country, valid_until, registered_at)
        if valid_until < first_day:
            expired.append((index, Document(document_id, kind, country)))
        else:
            documents[index].append(Document(document_id, kind, country))
    writer.stats["documents"] = len(planned)

    adults_by_nationality: dict[str, list[int]] = {}
    for index in range(adult_count):
        adults_by_nationality.setdefault(people[index][1], []).append(index)
    children_of: dict[int, list[int]] = {}
    for child, guardian in guardian_of.items():
        children_of.setdefault(guardian, []).append(child)
    return Population(
        traveller_ids=traveller_ids,
        nationality=[person[1] for person in people],
        adults_by_nationality=dict(sorted(adults_by_nationality.items())),
        children_of=children_of,
        documents=documents,
        expired=expired,
    )


def plan_documents(rng, numbers: DocumentNumbers, nationality: str, born: date, days: list[date], *, is_child: bool):
    """(type, number, valid until) of one traveller's documents; the valid ones outlast the generated days."""
    first_day, last_day = days[0], days[-1]
    if is_child:
        number = numbers.new(
            DocumentType.BIRTH_CERTIFICATE,
            nationality,
            BIRTH_CERTIFICATE_FORMATS.get(nationality, BIRTH_CERTIFICATE_FORMAT),
        )
        sixteenth_birthday = date(born.year + 16, born.month, min(born.day, 28))
        return [(DocumentType.BIRTH_CERTIFICATE, number, sixteenth_birthday)]
    documents = [
        (
            DocumentType.PASSPORT,
            numbers.new(DocumentType.PASSPORT, nationality, PASSPORT_FORMATS[nationality]),
            last_day + timedelta(days=rng.randrange(60, 3650)),
        )
    ]
    second_kind, share = SECOND_DOCUMENTS.get(nationality, (DocumentType.NATIONAL_ID, FOREIGN_ID_CARD_SHARE))
    if rng.random() < share:
        number = numbers.new(second_kind, nationality, SECOND_DOCUMENT_FORMATS[(second_kind, nationality)])
        documents.append((second_kind, number, last_day + timedelta(days=rng.randrange(60, 3650))))
    if rng.random() < OLD_PASSPORT_SHARE:
        number = numbers.new(DocumentType.PASSPORT, nationality, PASSPORT_FORMATS[nationality])
        documents.append((DocumentType.PASSPORT, number, first_day - timedelta(days=rng.randrange(1, 1500))))
    return documents
