"""What a passport prints: the name books and name pickers per nationality, and the document-number formats."""

import random
from dataclasses import dataclass
from itertools import accumulate

from django.db import connection

from crossings.choices import DocumentType
from crossings.generation.sampling import draw_cumulative
from crossings.models import normalise_document_number
from crossings.models.travellers import document_number_index

UYGHUR_NAME_SHARE = 0.10  # of Chinese citizens: Horgos lies in Xinjiang
HAN_TWO_SYLLABLE_SHARE = 0.7


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


class DocumentNumbers:
    """Random document numbers, unique per (type, issuing country) against the database and one another."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Numbers already registered are known by their blind index only (the numbers are encrypted).
        self.registered: dict[tuple[str, str], set[str]] = {}
        self.taken: dict[tuple[str, str], set[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT document_type, issuing_country, number_index FROM crossings_traveldocument")
            for kind, country, index in cursor.fetchall():
                self.registered.setdefault((kind, country), set()).add(index)

    def new(self, kind: str, country: str, pattern: str) -> str:
        taken = self.taken.setdefault((kind, country), set())
        registered = self.registered.get((kind, country), set())
        while True:
            number = "".join(self._character(symbol) for symbol in pattern)
            normalised = normalise_document_number(number)
            if normalised not in taken and (not registered or document_number_index(normalised) not in registered):
                taken.add(normalised)
                return number

    def _character(self, symbol: str) -> str:
        if symbol == "#":
            return str(self.rng.randrange(10))
        if symbol == "@":
            return self.rng.choice(LETTERS)
        return symbol
