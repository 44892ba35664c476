"""The trade of a benchmark database, generated at COPY speed: set-based SQL on the server, no model saves.

    python -m bench.trade_data '{"merchants": 1200, "shops": 5000, "listings": 50000, "sales": 2000000}'

Run after `crossings_generate` on the database DATABASE_URL names (bench/data.py does). It writes, in one
transaction, rows consistent with the rules (DESIGN.md, trade/rules.py, trade/services/sales.py):

* merchants, most approved (some pending, some suspended with a reason); shops building-floor-unit on both sides;
  listings in four languages (titles with Chinese characters, Kazakh and Russian Cyrillic), most approved;
* sales during admitted visits (sold between entry and exit, or within hours of an entry still open), in an open
  shop of an approved merchant, of that shop's approved listings, by the visit's traveller with the document
  shown at entry, counted against the side of the visit's checkpoint; a few voided, with who, when and why;
* one allowance ledger per traveller, side and period (the checkpoint's local day for CN, its month for KZ) with
  the limits of the policy in force, the value used (in the policy's currency, at the day's exchange rate) and
  weight used of its recorded sales: each period keeps few enough sales to stay within the limits;
* a EUR rate for every day of the history (the KZ allowance is counted in EUR).
"""

import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

EUR_RATE = "7.800000"
# Sales kept per allowance period: a sale is at most 3 lines × 3 × 150 CNY (1,350 CNY) and 3 × 3 × 0.5 kg (4.5 kg),
# so 5 a day stay within CN's 8,000 CNY and 8 a month within KZ's 1,500 EUR (11,700 CNY) and 50 kg.
SALES_PER_PERIOD = {"CN": 5, "KZ": 8}
PRODUCTS = [  # (English, Chinese, Kazakh, Russian)
    ("Green tea", "绿茶", "Көк шай", "Зелёный чай"),
    ("Silk scarf", "丝巾", "Жібек орамал", "Шёлковый шарф"),
    ("Leather boots", "皮靴", "Былғары етік", "Кожаные сапоги"),
    ("Porcelain cup", "瓷杯", "Фарфор кесе", "Фарфоровая чашка"),
    ("Mobile phone", "手机", "Ұялы телефон", "Мобильный телефон"),
    ("Wool blanket", "羊毛毯", "Жүн көрпе", "Шерстяное одеяло"),
    ("Dried apricots", "杏干", "Кептірілген өрік", "Курага"),
    ("Honey", "蜂蜜", "Бал", "Мёд"),
    ("Children's jacket", "儿童夹克", "Балалар күртешесі", "Детская куртка"),
    ("Kitchen knife", "菜刀", "Ас пышағы", "Кухонный нож"),
    ("Headphones", "耳机", "Құлаққап", "Наушники"),
    ("Cotton shirt", "棉衬衫", "Мақта жейде", "Хлопковая рубашка"),
    ("Rice cooker", "电饭锅", "Күріш пісіргіш", "Рисоварка"),
    ("Chocolate", "巧克力", "Шоколад", "Шоколад"),
    ("Perfume", "香水", "Әтір", "Духи"),
    ("Backpack", "背包", "Арқа сөмке", "Рюкзак"),
]


def _statements(sizes: dict, clerk_id: int, visits: int) -> list[tuple[str, dict]]:
    wanted = sizes["sales"] * 1.4  # the periods' caps and the final trim take some away
    per_visit = max(1, math.ceil(wanted / max(visits, 1)))
    chance = min(1.0, wanted / max(visits * per_visit, 1))
    products = json.dumps(PRODUCTS, ensure_ascii=False)
    parameters = {**sizes, "clerk": clerk_id, "per_visit": per_visit, "chance": chance, "products": products}
    parameters.update(rate=EUR_RATE, cap_cn=SALES_PER_PERIOD["CN"], cap_kz=SALES_PER_PERIOD["KZ"])
    sql = [
        "SELECT setseed(0.14)",
        """INSERT INTO merchants_merchant (legal_name, trade_name, country, registration_number, licence_number,
            licence_valid_until, contact_person, phone, email, address, state, state_reason, state_changed_at,
            created_at)
        SELECT 'Bench Trading ' || i || ' LLP', 'Bench ' || i, CASE WHEN i %% 2 = 0 THEN 'CN' ELSE 'KZ' END,
            'REG' || lpad(i::text, 8, '0'), 'LIC' || i, current_date + (i %% 700) - 30, 'Contact ' || i,
            '+7 727 ' || lpad((i %% 10000000)::text, 7, '0'), 'merchant' || i || '@bench.example',
            'Khorgos ICBC, building ' || (i %% 20 + 1),
            CASE WHEN i %% 25 = 0 THEN 'pending' WHEN i %% 25 = 1 THEN 'suspended' ELSE 'approved' END,
            CASE WHEN i %% 25 = 1 THEN 'Licence under review' ELSE '' END, now(), now()
        FROM generate_series(1, %(merchants)s) i""",
        """CREATE TEMP TABLE bench_m ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id FROM merchants_merchant""",
        """INSERT INTO merchants_shop (unit_code, side, name, area_m2, opened_on, state, merchant_id)
        SELECT 'B' || (i / 250 + 1) || '-' || (i / 50 %% 5 + 1) || '-' || lpad((i %% 50 + 1)::text, 3, '0'),
            CASE WHEN (i / 250) %% 2 = 0 THEN 'CN' ELSE 'KZ' END, 'Bench shop ' || i, 20 + i %% 80,
            current_date - 1200 + i %% 300, CASE WHEN i %% 33 = 0 THEN 'closed' ELSE 'open' END, m.id
        FROM generate_series(0, %(shops)s - 1) i JOIN bench_m m ON m.rn = i %% (SELECT count(*) FROM bench_m)""",
        """CREATE TEMP TABLE bench_h ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, code FROM merchants_hsheading""",
        """CREATE TEMP TABLE bench_s ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id FROM merchants_shop""",
        """INSERT INTO merchants_listing (title_en, title_zh_hans, title_kk, title_ru, description_en,
            description_zh_hans, description_kk, description_ru, hs_code, origin_country, price, unit_weight_kg,
            photo, thumbnail, state, rejection_reason, created_at, updated_at, submitted_at, reviewed_at,
            hs_heading_id, shop_id, stock_quantity)
        SELECT p->>0 || ' ' || i, p->>1 || ' ' || i, p->>2 || ' ' || i, p->>3 || ' ' || i,
            'Bench listing ' || i, '基准商品 ' || i, 'Тауар ' || i, 'Товар ' || i,
            h.code || lpad((i %% 100)::text, 2, '0'), (ARRAY['CN', 'KZ', 'RU', 'TR', 'UZ', 'DE'])[i %% 6 + 1],
            round((5 + random() * 145)::numeric, 2), round((0.05 + random() * 0.45)::numeric, 3), '', '',
            CASE WHEN i %% 50 = 0 THEN 'draft' WHEN i %% 50 = 1 THEN 'submitted' WHEN i %% 50 = 2 THEN 'rejected'
                ELSE 'approved' END,
            CASE WHEN i %% 50 = 2 THEN 'Photo does not show the goods' ELSE '' END,
            now() - (i %% 900) * interval '1 day', now() - (i %% 300) * interval '1 day',
            CASE WHEN i %% 50 <> 0 THEN now() - (i %% 300) * interval '1 day' END,
            CASE WHEN i %% 50 > 1 THEN now() - (i %% 300) * interval '1 day' END,
            h.id, s.id, (i * 7) %% 200
        FROM generate_series(0, %(listings)s - 1) i
        JOIN bench_s s ON s.rn = i %% (SELECT count(*) FROM bench_s)
        JOIN bench_h h ON h.rn = (i * 31) %% (SELECT count(*) FROM bench_h),
        LATERAL (SELECT (%(products)s::jsonb)->(i %% jsonb_array_length(%(products)s::jsonb)) AS p) product""",
        # The listings each selling shop may sell, numbered within the shop.
        """CREATE TEMP TABLE bench_sl ON COMMIT DROP AS
        SELECT l.shop_id, row_number() OVER (PARTITION BY l.shop_id ORDER BY l.id) - 1 AS k, l.id, l.price,
            l.unit_weight_kg, l.origin_country, l.hs_heading_id
        FROM merchants_listing l JOIN merchants_shop s ON s.id = l.shop_id
        JOIN merchants_merchant m ON m.id = s.merchant_id
        WHERE l.state = 'approved' AND s.state = 'open' AND m.state = 'approved'""",
        "CREATE INDEX ON bench_sl (shop_id, k)",
        """CREATE TEMP TABLE bench_e ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY shop_id) - 1 AS rn, shop_id, count(*) AS listings
        FROM bench_sl GROUP BY shop_id""",
        """CREATE TEMP TABLE bench_sale ON COMMIT DROP AS
        SELECT v.id AS visit_id, v.traveller_id, c.document_id, cp.code AS side, sold_at,
            CASE WHEN cp.code = 'CN' THEN (sold_at AT TIME ZONE cp.time_zone)::date
                ELSE date_trunc('month', sold_at AT TIME ZONE cp.time_zone)::date END AS period_start,
            (sold_at AT TIME ZONE cp.time_zone)::date AS local_day,
            floor(random() * (SELECT count(*) FROM bench_e))::int AS shop_rn, random() < 0.01 AS voided
        FROM crossings_visit v
        JOIN crossings_crossing c ON c.id = v.entry_crossing_id
        JOIN crossings_checkpoint cp ON cp.id = v.checkpoint_id
        CROSS JOIN generate_series(1, %(per_visit)s) n,
        LATERAL (SELECT v.entered_at + random() * (coalesce(v.exited_at, least(v.entered_at + interval '6 hours',
            now())) - v.entered_at) AS sold_at) moment
        WHERE random() < %(chance)s""",
        # Within the limits: only the first sales of each traveller's period.
        """DELETE FROM bench_sale WHERE ctid IN (SELECT ctid FROM (SELECT ctid, side, row_number() OVER (
            PARTITION BY traveller_id, side, period_start ORDER BY sold_at) AS nth FROM bench_sale) ranked
            WHERE nth > CASE WHEN side = 'CN' THEN %(cap_cn)s ELSE %(cap_kz)s END)""",
        """DELETE FROM bench_sale WHERE ctid IN (SELECT ctid FROM bench_sale ORDER BY random()
            OFFSET %(sales)s)""",
        """ALTER TABLE bench_sale ADD COLUMN id bigint DEFAULT nextval(pg_get_serial_sequence('trade_sale', 'id')),
            ADD COLUMN shop_id bigint""",
        "UPDATE bench_sale SET shop_id = e.shop_id FROM bench_e e WHERE e.rn = bench_sale.shop_rn",
        """CREATE TEMP TABLE bench_line ON COMMIT DROP AS
        SELECT sale.id AS sale_id, sl.id AS listing_id, sl.origin_country, sl.hs_heading_id, q.quantity,
            sl.price AS unit_price, sl.price * q.quantity AS line_total, sl.unit_weight_kg * q.quantity AS weight
        FROM bench_sale sale JOIN bench_e e ON e.shop_id = sale.shop_id
        CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 3 + 0 * sale.id)::int) line
        CROSS JOIN LATERAL (SELECT floor(random() * e.listings)::int AS k, 1 + floor(random() * 3)::int AS quantity
            WHERE line IS NOT NULL) q
        JOIN bench_sl sl ON sl.shop_id = e.shop_id AND sl.k = q.k""",
        """CREATE TEMP TABLE bench_total ON COMMIT DROP AS
        SELECT sale_id, sum(line_total) AS total_cny, sum(weight) AS weight FROM bench_line GROUP BY sale_id""",
        """ALTER TABLE bench_sale ADD COLUMN total_cny numeric, ADD COLUMN weight numeric,
            ADD COLUMN charged numeric, ADD COLUMN ledger_id bigint""",
        """UPDATE bench_sale SET total_cny = t.total_cny, weight = t.weight,
            charged = CASE WHEN side = 'CN' THEN t.total_cny ELSE round(t.total_cny / %(rate)s::numeric, 2) END
        FROM bench_total t WHERE t.sale_id = bench_sale.id""",
        """INSERT INTO trade_exchangerate (currency, day, rate_to_cny, entered_at, entered_by_id)
        SELECT 'EUR', day, %(rate)s::numeric, now(), %(clerk)s
        FROM generate_series((SELECT min(local_day) FROM bench_sale), (SELECT max(local_day) FROM bench_sale),
            interval '1 day') day
        ON CONFLICT DO NOTHING""",
        """INSERT INTO trade_allowanceledger (side, period_start, currency, value_limit, weight_limit_kg, value_used,
            value_used_cny, weight_used_kg, traveller_id, policy_id)
        SELECT sale.side, sale.period_start, p.currency, p.value_limit, p.weight_limit_kg,
            coalesce(sum(sale.charged) FILTER (WHERE NOT sale.voided), 0),
            coalesce(sum(sale.total_cny) FILTER (WHERE NOT sale.voided), 0),
            coalesce(sum(sale.weight) FILTER (WHERE NOT sale.voided), 0), sale.traveller_id, p.id
        FROM bench_sale sale JOIN LATERAL (SELECT * FROM trade_allowancepolicy p WHERE p.side = sale.side
            AND p.effective_from <= sale.period_start ORDER BY p.effective_from DESC LIMIT 1) p ON true
        GROUP BY sale.traveller_id, sale.side, sale.period_start, p.id, p.currency, p.value_limit,
            p.weight_limit_kg""",
        """UPDATE bench_sale SET ledger_id = l.id FROM trade_allowanceledger l WHERE l.traveller_id =
            bench_sale.traveller_id AND l.side = bench_sale.side AND l.period_start = bench_sale.period_start""",
        """INSERT INTO trade_sale (id, receipt_number, sold_at, side, total_cny, total_weight_kg, charged_value,
            charged_currency, rate_to_cny, state, recorded_at, voided_at, void_reason, buyer_id, document_id,
            ledger_id, recorded_by_id, shop_id, visit_id, voided_by_id)
        SELECT id, 'R' || id, sold_at, side, total_cny, weight, charged, CASE WHEN side = 'CN' THEN 'CNY' ELSE 'EUR'
            END, CASE WHEN side = 'KZ' THEN %(rate)s::numeric END,
            CASE WHEN voided THEN 'voided' ELSE 'recorded' END, sold_at,
            CASE WHEN voided THEN sold_at + interval '10 minutes' END,
            CASE WHEN voided THEN 'Returned by the buyer' ELSE '' END, traveller_id, document_id, ledger_id,
            %(clerk)s, shop_id, visit_id, CASE WHEN voided THEN %(clerk)s END
        FROM bench_sale ORDER BY sold_at""",
        """INSERT INTO trade_saleline (quantity, unit_price_cny, line_total_cny, line_weight_kg, listing_id, sale_id,
            origin_country, hs_heading_id)
        SELECT quantity, unit_price, line_total, weight, listing_id, sale_id, origin_country, hs_heading_id
        FROM bench_line""",
    ]
    return [(statement, parameters) for statement in sql]


def generate_trade(sizes: dict) -> dict[str, int]:
    """Write the trade of the benchmark database (see the module's docstring); returns the counts."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from crossings.selectors.reference import reference_data_changed
    from horgos.choices import Role
    from horgos.models import User

    call_command("merchants_load_hs", verbosity=0)
    call_command("trade_load_reference", verbosity=0)
    clerk, _ = User.objects.get_or_create(username="bench.clerk", defaults={"role": Role.MERCHANT})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crossings_visit")
        visits = cursor.fetchone()[0]
        for statement, parameters in _statements(sizes, clerk.pk, visits):
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            print(f"    {time.perf_counter() - started:6.1f} s  {' '.join(statement.split()[:4])}", flush=True)
        # Rates written by SQL send no signals: processes caching them (trade.selectors.reference) reload
        reference_data_changed()
        counts = {}
        for table in ("merchants_merchant", "merchants_shop", "merchants_listing", "trade_sale", "trade_saleline"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        for table in (
            "merchants_merchant",
            "merchants_shop",
            "merchants_listing",
            "trade_sale",
            "trade_saleline",
            "trade_allowanceledger",
        ):
            cursor.execute(f"ANALYZE {table}")
    return counts


def main() -> None:
    import django

    django.setup()
    print(f"    {generate_trade(json.loads(sys.argv[1]))}")


if __name__ == "__main__":
    main()
