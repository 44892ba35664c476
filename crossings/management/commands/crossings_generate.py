"""Generate a realistic synthetic crossing history for tests, the demo and benchmarks.

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
"""

import argparse
import io
import random
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from crossings.choices import Direction, DocumentType, LaneGroup, Outcome, RefusalReason, VisitState
from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
    normalise_document_number,
)
from horgos.choices import Role
from horgos.models import User

DEFAULT_END_ZONE = ZoneInfo("Asia/Shanghai")
HOUR = 3600
DAY = 86400
NEVER = 2**62  # "busy until" of a traveller whose visit stays open: no later visits
# Plain strings for the hot loops (formatting a choice member costs more than formatting a str).
ENTRY, EXIT = Direction.ENTRY.value, Direction.EXIT.value
ADMITTED, REFUSED = Outcome.ADMITTED.value, Outcome.REFUSED.value

# Population.
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
UYGHUR_NAME_SHARE = 0.10  # of Chinese citizens: Horgos lies in Xinjiang
HAN_TWO_SYLLABLE_SHARE = 0.7
SECOND_DOCUMENT_USE = 0.25  # how often a traveller with two usable documents shows the other one
GENERATED_OFFICERS = 2  # per checkpoint that has no officer

# Traffic.
WEEKEND_FACTOR = 1.3
HOME_CHECKPOINT_SHARE = 0.9  # of a checkpoint country's citizens who use that checkpoint
RUSH_SHARE = 0.5  # of entries in the rush after opening
RUSH_PEAK = 1 * HOUR
RUSH_LENGTH = 5 * HOUR
E_GATE_USE = 0.4  # of travellers with an e-gate document
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

# COPY: rows per statement, and the columns written per table, parents first (the foreign keys are
# deferred to the commit anyway). number_normalised is generated by the database and never written.
COPY_CHUNK_ROWS = 50_000
TABLE_COLUMNS = {
    "crossings_traveller": "id, family_name, given_names, family_name_native, given_names_native, nationality, "
    "birth_date, sex, registered_at",
    "crossings_traveller_guardians": "from_traveller_id, to_traveller_id",
    "crossings_traveldocument": "id, traveller_id, document_type, number, issuing_country, valid_until, registered_at",
    "crossings_crossing": "id, kind, direction, occurred_at, local_date, recorded_at, outcome, refusal_reason, "
    "correction_reason, corrects_id, officer_id, lane_id, document_id, traveller_id",
    "crossings_visit": "id, traveller_id, checkpoint_id, entry_crossing_id, entered_at, must_leave_by, "
    "exit_crossing_id, exited_at, state, overstay_flagged_at",
}


# Names: "Latin native" pairs separated by commas; a lone word has no native spelling.
@dataclass(frozen=True)
class NameBook:
    family: list[tuple[str, str]]
    male: list[tuple[str, str]]
    female: list[tuple[str, str]]
    feminine_suffix: tuple[str, str] | None = None  # added to a woman's family name (Latin, native)


def name_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.split(","):
        latin, _, native = item.strip().partition(" ")
        pairs.append((latin, native))
    return pairs


def zipf_cumulative(count: int) -> list[float]:
    """Cumulative weights for names listed from the most common down: the top few are far ahead."""
    return list(accumulate(1 / (rank + 4) for rank in range(count)))


HAN_FAMILY = name_pairs(
    "Wang 王, Li 李, Zhang 张, Liu 刘, Chen 陈, Yang 杨, Huang 黄, Zhao 赵, Wu 吴, Zhou 周, Xu 徐, Sun 孙, Ma 马, "
    "Zhu 朱, Hu 胡, Guo 郭, He 何, Gao 高, Lin 林, Luo 罗, Zheng 郑, Liang 梁, Xie 谢, Song 宋, Tang 唐, Han 韩, "
    "Feng 冯, Deng 邓, Cao 曹, Peng 彭, Zeng 曾, Xiao 肖, Tian 田, Dong 董, Pan 潘, Yuan 袁, Cai 蔡, Jiang 蒋, Yu 余, "
    "Du 杜, Ye 叶, Cheng 程, Wei 魏, Su 苏, Lyu 吕, Ding 丁, Ren 任, Shen 沈, Yao 姚, Lu 卢"
)
HAN_FAMILY_CUMULATIVE = zipf_cumulative(len(HAN_FAMILY))
HAN_MALE_SYLLABLES = name_pairs(
    "Wei 伟, Qiang 强, Lei 磊, Jun 军, Yong 勇, Jie 杰, Tao 涛, Ming 明, Chao 超, Gang 刚, Hua 华, Jian 建, Guo 国, "
    "Hai 海, Yu 宇, Hao 浩, Long 龙, Peng 鹏, Fei 飞, Liang 亮, Bin 斌, Hui 辉, Bo 博, Xuan 轩, Zhi 志, Wen 文, "
    "Dong 东, Cheng 成, Kai 凯, Xiang 翔"
)
HAN_FEMALE_SYLLABLES = name_pairs(
    "Fang 芳, Na 娜, Min 敏, Jing 静, Li 丽, Yan 艳, Juan 娟, Xiu 秀, Xia 霞, Ping 平, Ying 英, Lan 兰, Hong 红, "
    "Mei 梅, Xin 欣, Ting 婷, Jia 佳, Xue 雪, Lin 琳, Ying 颖, Si 思, Yi 怡, Xuan 萱, Qian 倩, Yun 云, Hui 慧, "
    "Lu 露, Yue 悦, Zi 子, Wen 雯"
)
UYGHUR_MALE = name_pairs(
    "Maimaiti 买买提, Aili 艾力, Tuerxun 吐尔逊, Abudula 阿不都拉, Yusufu 玉素甫, Aikebaier 艾克拜尔, Kelimu 克里木, "
    "Nuermaimaiti 努尔买买提, Aisan 艾山, Yimamu 伊玛木"
)
UYGHUR_FEMALE = name_pairs(
    "Guli 古丽, Reyila 热依拉, Ayinuer 阿依努尔, Zulipiya 祖丽皮亚, Mayila 玛依拉, Patima 帕提玛"
)
# An Uyghur's passport family name is the father's given name.
UYGHUR = NameBook(family=UYGHUR_MALE, male=UYGHUR_MALE, female=UYGHUR_FEMALE)

NAME_BOOKS = {
    "KZ": NameBook(
        family=name_pairs(
            "Nurlanov Нұрланов, Akhmetov Ахметов, Omarov Омаров, Suleimenov Сүлейменов, Iskakov Ысқақов, "
            "Abenov Әбенов, Zhaksylykov Жақсылықов, Bekov Беков, Kassymov Қасымов, Sarsenbayev Сәрсенбаев, "
            "Zhumabayev Жұмабаев, Baimukhamedov Баймұхамедов, Yessenov Есенов, Mukanov Мұқанов, "
            "Kenzhebayev Кенжебаев, Utegenov Өтегенов, Tulegenov Төлегенов, Ermekov Ермеков, Zhakupov Жақыпов, "
            "Amanov Аманов, Kaliyev Қалиев, Nurpeisov Нұрпейісов, Baitursynov Байтұрсынов, Abilov Әбілов, "
            "Tokhtarov Тоқтаров, Ibrayev Ибраев"
        ),
        male=name_pairs(
            "Nurlan Нұрлан, Yerlan Ерлан, Askar Асқар, Daniyar Данияр, Arman Арман, Bauyrzhan Бауыржан, "
            "Aidos Айдос, Marat Марат, Serik Серік, Dauren Дәурен, Timur Тимур, Azamat Азамат, Kairat Қайрат, "
            "Berik Берік, Almas Алмас, Yerzhan Ержан, Ruslan Руслан, Nursultan Нұрсұлтан, Askhat Асхат, "
            "Zhandos Жандос, Alikhan Әлихан, Madi Мади, Sanzhar Санжар, Temirlan Темірлан"
        ),
        female=name_pairs(
            "Aigerim Айгерім, Aruzhan Аружан, Dana Дана, Gulnara Гүлнара, Saule Сәуле, Ainur Айнұр, Aliya Әлия, "
            "Madina Мадина, Zhanar Жанар, Dinara Динара, Assel Әсел, Kamila Камила, Akbota Ақбота, Laura Лаура, "
            "Moldir Мөлдір, Zarina Зарина, Gaukhar Гаухар, Togzhan Тоғжан, Ayana Аяна, Meruyert Меруерт, "
            "Balzhan Балжан, Zhansaya Жансая"
        ),
        feminine_suffix=("a", "а"),
    ),
    "RU": NameBook(
        family=name_pairs(
            "Ivanov Иванов, Smirnov Смирнов, Kuznetsov Кузнецов, Popov Попов, Vasilev Васильев, Petrov Петров, "
            "Sokolov Соколов, Mikhailov Михайлов, Novikov Новиков, Fedorov Фёдоров, Morozov Морозов, Volkov Волков"
        ),
        male=name_pairs(
            "Aleksandr Александр, Dmitrii Дмитрий, Sergei Сергей, Andrei Андрей, Aleksei Алексей, Ivan Иван, "
            "Mikhail Михаил, Nikolai Николай, Pavel Павел, Maksim Максим"
        ),
        female=name_pairs(
            "Elena Елена, Olga Ольга, Natalia Наталья, Irina Ирина, Anna Анна, Tatiana Татьяна, "
            "Svetlana Светлана, Mariia Мария, Ekaterina Екатерина, Iuliia Юлия"
        ),
        feminine_suffix=("a", "а"),
    ),
    # Uzbek passports are in Latin script: no separate native spelling.
    "UZ": NameBook(
        family=name_pairs("Karimov, Rakhimov, Yusupov, Abdullaev, Ismoilov, Mirzaev, Nazarov, Sobirov, Tursunov"),
        male=name_pairs("Alisher, Bekzod, Jasur, Sardor, Rustam, Otabek, Sherzod, Javlon"),
        female=name_pairs("Dilnoza, Gulnora, Malika, Nodira, Shahnoza, Zarina, Feruza, Munisa"),
        feminine_suffix=("a", ""),
    ),
    "KG": NameBook(
        family=name_pairs(
            "Asanov Асанов, Mamytov Мамытов, Osmonov Осмонов, Toktogulov Токтогулов, Sydykov Сыдыков, "
            "Abdrakhmanov Абдрахманов, Zhumaliev Жумалиев, Sadyrov Садыров"
        ),
        male=name_pairs("Aibek Айбек, Bakyt Бакыт, Nurbek Нурбек, Ulan Улан, Kanat Канат, Azamat Азамат, Emil Эмил"),
        female=name_pairs("Aizhan Айжан, Gulzat Гулзат, Cholpon Чолпон, Aida Аида, Nazgul Назгүл, Begimai Бегимай"),
        feminine_suffix=("a", "а"),
    ),
    "TJ": NameBook(
        family=name_pairs(
            "Rahmonov Раҳмонов, Saidov Саидов, Nazarov Назаров, Sharipov Шарипов, Qodirov Қодиров, Safarov Сафаров"
        ),
        male=name_pairs("Farhod Фарҳод, Firdavs Фирдавс, Jamshed Ҷамшед, Rustam Рустам, Behruz Беҳрӯз, Daler Далер"),
        female=name_pairs("Madina Мадина, Nigina Нигина, Parvina Парвина, Zarrina Заррина, Manizha Манижа"),
        feminine_suffix=("a", "а"),
    ),
    "MN": NameBook(
        family=name_pairs(
            "Bat-Erdene Бат-Эрдэнэ, Ganbold Ганболд, Enkhbayar Энхбаяр, Tsogt Цогт, Dorj Дорж, Gantulga Гантулга"
        ),
        male=name_pairs("Bold Болд, Temuujin Тэмүүжин, Batbayar Батбаяр, Erdene Эрдэнэ, Munkh-Orgil Мөнх-Оргил"),
        female=name_pairs("Oyuun Оюун, Saraa Сараа, Anu Ану, Nomin Номин, Enkhjin Энхжин, Solongo Солонго"),
    ),
    # Latin-script countries: the native spelling keeps the letters the passport's Latin line transcribes.
    "TR": NameBook(
        family=name_pairs(
            "Yilmaz Yılmaz, Kaya Kaya, Demir Demir, Sahin Şahin, Celik Çelik, Ozturk Öztürk, Aydin Aydın, "
            "Yildiz Yıldız, Arslan Arslan"
        ),
        male=name_pairs("Mehmet Mehmet, Mustafa Mustafa, Ahmet Ahmet, Emre Emre, Burak Burak, Omer Ömer"),
        female=name_pairs("Ayse Ayşe, Fatma Fatma, Zeynep Zeynep, Elif Elif, Ozge Özge, Busra Büşra"),
    ),
    "DE": NameBook(
        family=name_pairs(
            "Mueller Müller, Schmidt Schmidt, Schneider Schneider, Fischer Fischer, Weber Weber, Meyer Meyer, "
            "Wagner Wagner, Becker Becker, Schaefer Schäfer, Koehler Köhler"
        ),
        male=name_pairs("Lukas Lukas, Jonas Jonas, Felix Felix, Thomas Thomas, Juergen Jürgen, Stefan Stefan"),
        female=name_pairs("Anna Anna, Lena Lena, Julia Julia, Sabine Sabine, Katharina Katharina, Baerbel Bärbel"),
    ),
}

# Document numbers: "#" a digit, "@" a capital letter, anything else as it stands.
PASSPORT_FORMATS = {
    "CN": "E########",
    "KZ": "N#######",
    "RU": "7########",
    "UZ": "FA#######",
    "KG": "AC#######",
    "TJ": "4########",
    "TR": "U########",
    "MN": "E#######",
    "DE": "C@@######",
}
SECOND_DOCUMENT_FORMATS = {
    (DocumentType.EXIT_ENTRY_PERMIT, "CN"): "B########",
    (DocumentType.NATIONAL_ID, "KZ"): "0########",
    (DocumentType.NATIONAL_ID, "RU"): "## ## ######",  # spaces as printed; the unique key ignores them
    (DocumentType.NATIONAL_ID, "UZ"): "AD#######",
    (DocumentType.NATIONAL_ID, "KG"): "ID#######",
    (DocumentType.NATIONAL_ID, "TJ"): "A########",
    (DocumentType.NATIONAL_ID, "TR"): "#########",
    (DocumentType.NATIONAL_ID, "MN"): "@@########",
    (DocumentType.NATIONAL_ID, "DE"): "L@#######",
}
BIRTH_CERTIFICATE_FORMATS = {"CN": "Q#########", "KZ": "I-@@ ######"}
BIRTH_CERTIFICATE_FORMAT = "BC-########"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q: they look like digits


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Create a realistic synthetic crossing history with PostgreSQL COPY (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--travellers", type=int, required=True, help="how many travellers to create")
        parser.add_argument("--days", type=int, required=True, help="how many local days of traffic")
        parser.add_argument("--seed", type=int, required=True, help="the random seed: same seed, same data")
        parser.add_argument("--daily-visits", type=int, help="visits on an ordinary weekday (default: travellers/10)")
        parser.add_argument("--end", type=parse_day, help="the last day (default: today in Asia/Shanghai)")

    def handle(self, *args, travellers: int, days: int, seed: int, daily_visits: int | None, end: date | None, **_):
        daily_visits = max(1, travellers // 10) if daily_visits is None else daily_visits
        for name, value in (("--travellers", travellers), ("--days", days), ("--daily-visits", daily_visits)):
            if value < 1:
                raise CommandError(f"{name} must be at least 1 (got {value}).")
        now = timezone.now()
        end = end or now.astimezone(DEFAULT_END_ZONE).date()
        started = time.perf_counter()
        stats = generate_history(
            travellers=travellers,
            days=[end - timedelta(days=back) for back in range(days - 1, -1, -1)],
            daily_visits=daily_visits,
            rng=random.Random(seed),
            now=int(now.timestamp()),
        )
        self.stdout.write(
            f"crossings_generate: {stats['travellers']} travellers, {stats['documents']} documents, "
            f"{stats['visits_open'] + stats['visits_closed']} visits ({stats['visits_open']} open, "
            f"{stats['visits_closed']} closed), {stats['admitted'] + stats['refused']} crossings "
            f"({stats['admitted']} admitted, {stats['refused']} refused), {stats['overstays']} overstays "
            f"in {time.perf_counter() - started:.1f} s"
        )


@transaction.atomic
def generate_history(*, travellers: int, days: list[date], daily_visits: int, rng: random.Random, now: int):
    """All of it in one transaction: a failure leaves nothing half-written. Returns the counts written."""
    call_command("crossings_load_reference", stdout=io.StringIO())
    plans = load_checkpoint_plans(days, now=now)
    with connection.cursor() as cursor:
        writer = CopyWriter(cursor)
        population = create_population(rng, writer, travellers, days)
        simulator = TrafficSimulator(rng, writer, population, plans, days, daily_visits)
        simulator.run()
        writer.flush()
    return {**writer.stats, "overstays": simulator.overstays}


# ---------------------------------------------------------------------------------------------------------
# Writing: COPY in chunks, ids taken from the sequences first.


class CopyWriter:
    """Buffers tab-separated rows per table and sends each table's rows with COPY whenever a chunk is full."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.buffers: dict[str, list[str]] = {table: [] for table in TABLE_COLUMNS}
        self.stats = dict.fromkeys(
            ("travellers", "documents", "visits_open", "visits_closed", "admitted", "refused"), 0
        )
        # Formatting timestamps is the hot spot: each day's text is made once, each time of day once.
        self._day_text: dict[int, str] = {}
        self._time_of_day = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]

    def timestamp(self, moment: int) -> str:
        """An epoch second as PostgreSQL reads it, in UTC."""
        day, second = divmod(moment, DAY)
        prefix = self._day_text.get(day)
        if prefix is None:
            prefix = self._day_text[day] = datetime.fromtimestamp(day * DAY, tz=UTC).strftime("%Y-%m-%d ")
        return prefix + self._time_of_day[second]

    def take_ids(self, table: str, count: int) -> list[int]:
        """`count` ids from the table's sequence, ascending. One nextval per row keeps them safe from other
        writers at the same time; a million take a fraction of a second."""
        if count == 0:
            return []
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return sorted(row[0] for row in self.cursor.fetchall())

    def add(self, table: str, line: str) -> None:
        buffer = self.buffers[table]
        buffer.append(line)
        if len(buffer) >= COPY_CHUNK_ROWS:
            self._copy(table)

    def _copy(self, table: str) -> None:
        lines = self.buffers[table]
        if lines:
            data = io.StringIO("".join(lines))
            self.cursor.copy_expert(f"COPY {table} ({TABLE_COLUMNS[table]}) FROM STDIN", data)
            lines.clear()

    def flush(self) -> None:
        for table in TABLE_COLUMNS:
            self._copy(table)
        # Fresh statistics, so that the demo and the benchmarks query the new rows with sensible plans.
        for table in TABLE_COLUMNS:
            self.cursor.execute(f"ANALYZE {table}")


# ---------------------------------------------------------------------------------------------------------
# Reference data: what the database says about checkpoints, lanes, hours, closures, documents and stays.


@dataclass
class CheckpointPlan:
    """One checkpoint as the simulation sees it, times as epoch seconds.

    Per day index: `window` is the weekly opening hours [opens, closes) or None, `open_intervals` the same less
    any closures, `must_leave_by` the limit of a visit entered that day (epoch second, text for COPY) and
    `max_stay_days` the stay policy's limit.
    """

    id: int
    code: str
    country: str
    zone: ZoneInfo
    horizon: int  # nothing happens at or after this moment: now, or the end of the last day
    officers: list[int]
    lanes: dict[tuple[str, str], list[int]]  # open lanes by (direction, group)
    closed_entry_lanes: list[int]
    accepted: list[tuple[str, tuple[str, ...], bool]]  # AcceptedDocument: (type, issuing countries, e-gate)
    window: list[tuple[int, int] | None] = field(default_factory=list)
    open_intervals: list[list[tuple[int, int]]] = field(default_factory=list)
    must_leave_by: list[tuple[int, str]] = field(default_factory=list)
    max_stay_days: list[int] = field(default_factory=list)

    def acceptance(self, document_type: str, issuing_country: str) -> tuple[bool, bool]:
        """(accepted here, may use the e-gates) from the AcceptedDocument rows that match the document."""
        e_gates = [
            e_gate
            for kind, countries, e_gate in self.accepted
            if kind == document_type and (not countries or issuing_country in countries)
        ]
        return bool(e_gates), any(e_gates)

    def is_open_at(self, day_index: int, moment: int) -> bool:
        return any(start <= moment < end for start, end in self.open_intervals[day_index])


def epoch(day: date, at: clock_time, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, at, tzinfo=zone).timestamp())


def load_checkpoint_plans(days: list[date], *, now: int) -> list[CheckpointPlan]:
    policies = list(StayPolicy.objects.order_by("effective_from").values_list("effective_from", "max_stay_days"))
    plans = []
    for checkpoint in Checkpoint.objects.order_by("code"):
        lanes: dict[tuple[str, str], list[int]] = {}
        closed_entry_lanes = []
        for lane in Lane.objects.filter(checkpoint=checkpoint).order_by("id"):
            if lane.is_open:
                lanes.setdefault((lane.direction, lane.group), []).append(lane.id)
            elif lane.direction == ENTRY:
                closed_entry_lanes.append(lane.id)
        accepted = AcceptedDocument.objects.filter(checkpoint=checkpoint).order_by("id")
        plan = CheckpointPlan(
            id=checkpoint.id,
            code=checkpoint.code,
            country=checkpoint.country.code,
            zone=checkpoint.zone,
            horizon=min(now, epoch(days[-1] + timedelta(days=1), clock_time.min, checkpoint.zone)),
            officers=ensure_officers(checkpoint),
            lanes=lanes,
            closed_entry_lanes=closed_entry_lanes,
            accepted=[
                (kind, tuple(countries), e_gate)
                for kind, countries, e_gate in accepted.values_list("document_type", "issuing_countries", "e_gate")
            ],
        )
        add_daily_hours(plan, checkpoint, days)
        add_stay_limits(plan, policies, days)
        plans.append(plan)
    return plans


def ensure_officers(checkpoint: Checkpoint) -> list[int]:
    """The ids of the officers assigned to the checkpoint; two generated ones are assigned when it has none."""
    assigned = OfficerAssignment.objects.filter(checkpoint=checkpoint).order_by("officer_id")
    officers = list(assigned.values_list("officer_id", flat=True))
    if officers:
        return officers
    number = 0
    while len(officers) < GENERATED_OFFICERS:
        number += 1
        user, created = User.objects.get_or_create(
            username=f"gen.officer.{checkpoint.code.lower()}.{number}", defaults={"role": Role.OFFICER}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if user.role != Role.OFFICER or OfficerAssignment.objects.filter(officer=user).exists():
            continue  # the name is taken by someone else: try the next one
        OfficerAssignment.objects.create(officer=user, checkpoint=checkpoint)
        officers.append(user.id)
    return officers


def add_daily_hours(plan: CheckpointPlan, checkpoint: Checkpoint, days: list[date]) -> None:
    hours = {row.weekday: row for row in OpeningHours.objects.filter(checkpoint=checkpoint)}
    first = datetime.combine(days[0], clock_time.min, tzinfo=plan.zone)
    last = datetime.combine(days[-1] + timedelta(days=2), clock_time.min, tzinfo=plan.zone)
    closures = [
        (int(starts_at.timestamp()), int(ends_at.timestamp()))
        for starts_at, ends_at in Closure.objects.filter(checkpoint=checkpoint, starts_at__lt=last, ends_at__gt=first)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    ]
    for day in days:
        row = hours.get(day.weekday())
        if row is None:  # no row: closed all day
            plan.window.append(None)
            plan.open_intervals.append([])
            continue
        opens = epoch(day, row.opens_at, plan.zone)
        # 00:00 as closing time means midnight at the end of the day.
        closing_day = day + timedelta(days=1) if row.closes_at == clock_time(0, 0) else day
        closes = epoch(closing_day, row.closes_at, plan.zone)
        plan.window.append((opens, closes))
        plan.open_intervals.append(subtract_closures([(opens, closes)], closures))


def subtract_closures(intervals: list[tuple[int, int]], closures: list[tuple[int, int]]) -> list[tuple[int, int]]:
    for closure_start, closure_end in closures:
        remaining = []
        for start, end in intervals:
            if closure_end <= start or closure_start >= end:
                remaining.append((start, end))
                continue
            if start < closure_start:
                remaining.append((start, closure_start))
            if closure_end < end:
                remaining.append((closure_end, end))
        intervals = remaining
    return intervals


def add_stay_limits(plan: CheckpointPlan, policies: list[tuple[date, int]], days: list[date]) -> None:
    """The policy in force on the entry day counts the entry day as day 1; the last day ends at local midnight."""
    starts = [effective_from for effective_from, _ in policies]
    for day in days:
        position = bisect_right(starts, day)
        if position == 0:
            raise CommandError(f"No stay policy is in force on {day}; an administrator must add one.")
        max_stay_days = policies[position - 1][1]
        leave_by = datetime.combine(day + timedelta(days=max_stay_days), clock_time.min, tzinfo=plan.zone)
        leave_by -= timedelta(microseconds=1)
        text = leave_by.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
        plan.must_leave_by.append((int(leave_by.timestamp()), text))
        plan.max_stay_days.append(max_stay_days)


# ---------------------------------------------------------------------------------------------------------
# Population: travellers, their documents, children and their guardians.


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


class DocumentNumbers:
    """Random document numbers, unique per (type, issuing country) against the database and one another."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: dict[tuple[str, str], set[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT document_type, issuing_country, number_normalised FROM crossings_traveldocument")
            for kind, country, number in cursor.fetchall():
                self.taken.setdefault((kind, country), set()).add(number)

    def new(self, kind: str, country: str, pattern: str) -> str:
        taken = self.taken.setdefault((kind, country), set())
        while True:
            number = "".join(self._character(symbol) for symbol in pattern)
            normalised = normalise_document_number(number)
            if normalised not in taken:
                taken.add(normalised)
                return number

    def _character(self, symbol: str) -> str:
        if symbol == "#":
            return str(self.rng.randrange(10))
        if symbol == "@":
            return self.rng.choice(LETTERS)
        return symbol


def draw_cumulative(rng: random.Random, items: list, cumulative_weights: list[float]):
    return items[bisect_right(cumulative_weights, rng.random() * cumulative_weights[-1])]


def pick_nationality(rng: random.Random) -> str:
    draw = rng.random()
    for country, share in NATIONALITY_SHARES.items():
        if draw < share:
            return country
        draw -= share
    return draw_cumulative(rng, THIRD_COUNTRIES, THIRD_COUNTRY_CUMULATIVE)


def pick_name(rng: random.Random, nationality: str, sex: str) -> tuple[str, str, str, str]:
    """(family, given, family native, given native) as a passport of that country prints them."""
    if nationality == "CN" and rng.random() >= UYGHUR_NAME_SHARE:
        family_latin, family_native = draw_cumulative(rng, HAN_FAMILY, HAN_FAMILY_CUMULATIVE)
        syllables = HAN_MALE_SYLLABLES if sex == "M" else HAN_FEMALE_SYLLABLES
        given = rng.sample(syllables, 2) if rng.random() < HAN_TWO_SYLLABLE_SHARE else [rng.choice(syllables)]
        # One word in the passport: 晓明 is "Xiaoming".
        given_latin = "".join(latin for latin, _ in given).capitalize()
        return family_latin, given_latin, family_native, "".join(native for _, native in given)
    book = UYGHUR if nationality == "CN" else NAME_BOOKS[nationality]
    family_latin, family_native = rng.choice(book.family)
    given_latin, given_native = rng.choice(book.male if sex == "M" else book.female)
    if sex == "F":
        family_latin, family_native = feminine(book, family_latin, family_native)
    return family_latin, given_latin, family_native, given_native


def feminine(book: NameBook, latin: str, native: str) -> tuple[str, str]:
    if not book.feminine_suffix:
        return latin, native
    latin_suffix, native_suffix = book.feminine_suffix
    return latin + latin_suffix, native + native_suffix if native else native


def child_names(rng: random.Random, guardian: tuple[str, str, str, str], guardian_sex: str, nationality: str, sex: str):
    """The guardian's family name (in the child's gender where the language has one), a new given name."""
    family_latin, _, family_native, _ = guardian
    book = NAME_BOOKS.get(nationality)
    if book and book.feminine_suffix and guardian_sex != sex:
        latin_suffix, native_suffix = book.feminine_suffix
        if sex == "F":
            family_latin, family_native = feminine(book, family_latin, family_native)
        else:
            family_latin = family_latin.removesuffix(latin_suffix)
            family_native = family_native.removesuffix(native_suffix) if native_suffix else family_native
    _, given_latin, _, given_native = pick_name(rng, nationality, sex)
    return family_latin, given_latin, family_native, given_native


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
    for traveller_id, ((family, given, family_native, given_native), nationality, born, sex) in zip(
        traveller_ids, people, strict=True
    ):
        writer.add(
            "crossings_traveller",
            f"{traveller_id}\t{family}\t{given}\t{family_native}\t{given_native}\t{nationality}\t{born}\t{sex}\t"
            f"{registered_at}\n",
        )
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
        writer.add(
            "crossings_traveldocument",
            f"{document_id}\t{traveller_ids[index]}\t{kind}\t{number}\t{country}\t{valid_until}\t{registered_at}\n",
        )
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


# ---------------------------------------------------------------------------------------------------------
# Traffic.


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
