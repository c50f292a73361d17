#!/usr/bin/env python3
"""Deterministic generator for a Kimball-style retail star schema (Parquet).

Usage: python3 gen.py --out DIR

Tables written to DIR:
  fact_sales.parquet, dim_date.parquet, dim_product.parquet,
  dim_store.parquet, dim_customer.parquet, dim_promotion.parquet

Only the python standard library and the duckdb python package are used.
Everything is driven by a single fixed seed, so repeated runs produce the
same data.  Money is computed in integer cents and stored as DECIMAL(12,2).
"""
import argparse
import bisect
import csv
import datetime as dt
import math
import os
import random
import shutil
import tempfile

import duckdb

SEED = 20240917

FACT_START = dt.date(2022, 1, 1)
FACT_END = dt.date(2024, 12, 31)
DIM_DATE_START = dt.date(2020, 1, 1)
DIM_DATE_END = dt.date(2026, 12, 31)

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December"]
DOW_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
             "Saturday", "Sunday"]

# ---------------------------------------------------------------- products
# department -> category -> [(item, unit_size, base_price_cents)]
CATALOG = {
    "Fresh": {
        "Dairy": [("Whole Milk", "1 gal", 429), ("Skim Milk", "1 gal", 399),
                  ("Greek Yogurt", "32 oz", 549), ("Cheddar Cheese", "8 oz", 379),
                  ("Salted Butter", "16 oz", 479), ("Cream Cheese", "8 oz", 259),
                  ("Sour Cream", "16 oz", 229), ("Shredded Mozzarella", "16 oz", 449)],
        "Produce": [("Bananas", "1 lb", 69), ("Gala Apples", "3 lb", 449),
                    ("Baby Spinach", "5 oz", 349), ("Roma Tomatoes", "1 lb", 189),
                    ("Carrots", "2 lb", 179), ("Hass Avocados", "4 ct", 499),
                    ("Strawberries", "16 oz", 399), ("Russet Potatoes", "5 lb", 429)],
        "Bakery": [("Sourdough Loaf", "24 oz", 499), ("Plain Bagels", "6 ct", 379),
                   ("Butter Croissants", "4 ct", 549), ("Whole Wheat Bread", "20 oz", 329),
                   ("Blueberry Muffins", "4 ct", 449), ("Flour Tortillas", "10 ct", 279),
                   ("Dinner Rolls", "12 ct", 349)],
    },
    "Grocery": {
        "Beverages": [("Orange Juice", "52 oz", 449), ("Cola", "12 pk", 699),
                      ("Sparkling Water", "8 pk", 549), ("Ground Coffee", "12 oz", 899),
                      ("Green Tea", "20 ct", 379), ("Lemonade", "59 oz", 329),
                      ("Energy Drink", "4 pk", 799)],
        "Snacks": [("Potato Chips", "8 oz", 429), ("Pretzels", "16 oz", 379),
                   ("Granola Bars", "6 ct", 399), ("Microwave Popcorn", "3 ct", 349),
                   ("Trail Mix", "26 oz", 899), ("Milk Chocolate Bar", "3.5 oz", 249),
                   ("Wheat Crackers", "9 oz", 369)],
        "Pantry": [("Spaghetti", "16 oz", 179), ("Long Grain Rice", "5 lb", 599),
                   ("Olive Oil", "500 ml", 899), ("Marinara Sauce", "24 oz", 449),
                   ("Peanut Butter", "16 oz", 399), ("Corn Flakes", "18 oz", 479),
                   ("Black Beans", "15 oz", 119), ("All Purpose Flour", "5 lb", 449)],
    },
    "Household": {
        "Cleaning": [("Dish Soap", "24 oz", 349), ("Laundry Detergent", "92 oz", 1399),
                     ("Paper Towels", "6 rolls", 1099), ("Glass Cleaner", "32 oz", 429),
                     ("Trash Bags", "40 ct", 1249), ("Scrub Sponges", "6 ct", 549)],
        "Personal Care": [("Shampoo", "12 oz", 699), ("Toothpaste", "4 oz", 399),
                          ("Body Wash", "18 oz", 749), ("Deodorant", "2.6 oz", 599),
                          ("Hand Soap", "7.5 oz", 299), ("Conditioner", "12 oz", 699)],
    },
}

# category -> brands (a house brand "Value Basket" appears in several)
BRANDS = {
    "Dairy": ["Meadow Fresh", "Alpine Valley", "Value Basket"],
    "Produce": ["Green Acres", "Sunny Orchard", "Value Basket"],
    "Bakery": ["Hearth & Grain", "Golden Crust", "Value Basket"],
    "Beverages": ["Fizzwell", "Morning Ritual", "Clear Spring"],
    "Snacks": ["Crunchtime", "Trailblazer", "Value Basket"],
    "Pantry": ["Nonna's Kitchen", "Harvest Table", "Value Basket"],
    "Cleaning": ["SparkleHome", "PureNest"],
    "Personal Care": ["Dewy", "Everfresh", "PureNest"],
}
BRAND_PRICE_MULT = {"Value Basket": 0.78, "Meadow Fresh": 1.0, "Alpine Valley": 1.22,
                    "Green Acres": 1.15, "Sunny Orchard": 1.0, "Hearth & Grain": 1.25,
                    "Golden Crust": 1.0, "Fizzwell": 1.0, "Morning Ritual": 1.18,
                    "Clear Spring": 0.95, "Crunchtime": 1.0, "Trailblazer": 1.12,
                    "Nonna's Kitchen": 1.2, "Harvest Table": 1.0, "SparkleHome": 1.05,
                    "PureNest": 1.15, "Dewy": 1.1, "Everfresh": 0.95}
CATEGORY_COST_RATIO = {"Dairy": 0.74, "Produce": 0.62, "Bakery": 0.55,
                       "Beverages": 0.66, "Snacks": 0.58, "Pantry": 0.70,
                       "Cleaning": 0.64, "Personal Care": 0.52}
# month (1..12) seasonal multipliers per category
CATEGORY_SEASON = {
    "Beverages": [0.85, 0.85, 0.9, 0.95, 1.05, 1.2, 1.3, 1.25, 1.05, 0.95, 0.9, 1.05],
    "Produce": [0.9, 0.9, 0.95, 1.0, 1.05, 1.12, 1.15, 1.12, 1.05, 1.0, 0.95, 0.95],
    "Bakery": [0.9, 0.9, 0.95, 1.0, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.15, 1.3],
    "Snacks": [1.1, 1.1, 0.95, 0.95, 1.0, 1.05, 1.05, 1.0, 1.0, 1.1, 1.05, 1.15],
    "Cleaning": [1.1, 1.0, 1.15, 1.2, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.0, 0.95],
}

# ---------------------------------------------------------------- geography
REGIONS = {
    "North": {"MN": ["Minneapolis", "Duluth", "Rochester"],
              "WI": ["Madison", "Green Bay", "Milwaukee"],
              "MI": ["Lansing", "Grand Rapids", "Ann Arbor"],
              "ND": ["Fargo", "Bismarck"]},
    "South": {"TX": ["Austin", "Plano", "San Antonio"],
              "GA": ["Savannah", "Athens", "Macon"],
              "FL": ["Tampa", "Orlando", "Gainesville"],
              "TN": ["Nashville", "Knoxville", "Franklin"]},
    "East": {"NY": ["Albany", "Buffalo", "Ithaca"],
             "PA": ["Pittsburgh", "Allentown", "Erie"],
             "MA": ["Worcester", "Springfield", "Lowell"],
             "NJ": ["Trenton", "Princeton", "Hoboken"]},
    "West": {"CA": ["Sacramento", "Fresno", "San Diego"],
             "WA": ["Spokane", "Tacoma", "Olympia"],
             "OR": ["Portland", "Eugene", "Salem"],
             "CO": ["Boulder", "Denver", "Fort Collins"]},
}
STORE_FORMATS = [("Supermarket", 0.6, 1.0, (30000, 55000)),
                 ("Express", 0.25, 0.45, (8000, 15000)),
                 ("Hypermarket", 0.15, 2.1, (90000, 160000))]
REGION_MULT = {"North": 0.85, "South": 1.15, "East": 1.0, "West": 1.25}

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth
William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher
Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven
Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian
Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Edward Sharon
Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna
Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon Samantha
Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Frank Carolyn
Patrick Janet Raymond Maria Jack Olivia Dennis Heather Jerry Diane""".split()
FEMALE = set("""Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah
Karen Lisa Nancy Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol
Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Cynthia Kathleen Amy Angela
Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra
Rachel Carolyn Janet Maria Olivia Heather Diane""".split())
LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee
Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen
King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz
Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz
Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson
Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo
Sanders Patel Myers Long Ross Foster Jimenez""".split()
AGE_BANDS = [("18-24", 0.11), ("25-34", 0.21), ("35-44", 0.22), ("45-54", 0.19),
             ("55-64", 0.15), ("65+", 0.12)]
LOYALTY = [("Bronze", 0.45, 1.0), ("Silver", 0.30, 1.5), ("Gold", 0.18, 2.2),
           ("Platinum", 0.07, 3.4)]

# name, media type, discount pct, active months (None = all year), weight
PROMOTIONS = [
    ("Weekly Flyer Deals", "Flyer", 10, None, 3.0),
    ("New Year Reset", "Email", 15, [1], 1.5),
    ("Spring Clean Event", "In-Store", 20, [3, 4], 1.2),
    ("Summer BBQ Savings", "TV", 15, [6, 7, 8], 1.4),
    ("Back to School", "Online", 10, [8, 9], 1.1),
    ("Holiday Spectacular", "TV", 25, [11, 12], 2.0),
    ("Loyalty Member Bonus", "Email", 12, None, 1.6),
    ("Digital Coupon Days", "Online", 18, None, 1.3),
    ("Buy More Save More", "In-Store", 8, None, 1.8),
    ("Clearance Corner", "In-Store", 30, [1, 2, 7], 0.7),
    ("Radio Hot Buys", "Radio", 14, None, 0.9),
    ("Fall Harvest Sale", "Flyer", 16, [10, 11], 1.0),
]
PROMO_PROB = 0.23

MONTH_SEASON = [0.86, 0.82, 0.93, 0.95, 1.0, 1.03, 1.06, 1.04, 0.96, 1.0, 1.1, 1.33]
DOW_MULT = [0.88, 0.84, 0.9, 0.96, 1.08, 1.26, 1.1]
BASE_TXN_PER_DAY = 94.0
ANNUAL_GROWTH = 0.085
LINES_PER_TXN = ([1, 2, 3, 4, 5, 6, 7, 8], [22, 20, 17, 13, 10, 8, 6, 4])
QTY = ([1, 2, 3, 4, 5, 6], [60, 25, 9, 4, 1.5, 0.5])


def cents(c):
    s = "-" if c < 0 else ""
    c = abs(c)
    return f"{s}{c // 100}.{c % 100:02d}"


def daterange(a, b):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def build_dims(rng):
    # ---- products
    products = []
    pk = 0
    for dept, cats in CATALOG.items():
        for cat, items in cats.items():
            for brand in BRANDS[cat]:
                for item, size, base in items:
                    if brand == "Value Basket" and rng.random() < 0.25:
                        continue
                    if brand != "Value Basket" and rng.random() < 0.12:
                        continue
                    pk += 1
                    price = int(round(base * BRAND_PRICE_MULT[brand] * rng.uniform(0.93, 1.07)))
                    price = (price // 10) * 10 + 9  # ...9 price endings
                    cost_ratio = CATEGORY_COST_RATIO[cat] * rng.uniform(0.9, 1.1)
                    if brand == "Value Basket":
                        cost_ratio *= 0.93
                    popularity = math.exp(rng.gauss(0, 0.75))
                    if brand == "Value Basket":
                        popularity *= 1.3
                    products.append(dict(
                        product_key=pk,
                        product_code=f"SKU-{cat[:3].upper()}-{10000 + pk * 7}",
                        product_desc=f"{brand} {item} {size}",
                        brand_name=brand, category_name=cat, department_name=dept,
                        unit_size=size, price=price, cost_ratio=cost_ratio,
                        popularity=popularity))
    assert len({p["product_desc"] for p in products}) == len(products)

    # ---- stores
    cities = [(region, st, city) for region, states in REGIONS.items()
              for st, cs in states.items() for city in cs]
    rng.shuffle(cities)
    n_stores = 40
    store_numbers = sorted(rng.sample(range(1, 160), n_stores))
    stores = []
    for i in range(n_stores):
        region, st, city = cities[i]
        r = rng.random()
        acc = 0
        for fmt, share, mult, (lo, hi) in STORE_FORMATS:
            acc += share
            if r < acc:
                break
        sq = int(round(rng.uniform(lo, hi), -2))
        weight = mult * REGION_MULT[region] * math.exp(rng.gauss(0, 0.3))
        num = store_numbers[i]
        stores.append(dict(store_key=i + 1, store_number=num,
                           store_label=f"Store {num:03d} {city}", city_name=city,
                           state_code=st, sales_region=region, store_format=fmt,
                           square_feet=sq, weight=weight))

    # ---- customers
    n_customers = 6000
    combos = [(f, l) for f in FIRST_NAMES for l in LAST_NAMES]
    names = rng.sample(combos, n_customers)
    store_cum = list(_cum([s["weight"] for s in stores]))
    customers = []
    for i, (fn, ln) in enumerate(names):
        home = stores[_pick(rng, store_cum)]
        city = home["city_name"] if rng.random() < 0.9 else rng.choice(cities)[2]
        age = rng.choices([a for a, _ in AGE_BANDS], [w for _, w in AGE_BANDS])[0]
        lv = rng.choices(LOYALTY, [w for _, w, _ in LOYALTY])[0]
        if rng.random() < 0.72:
            signup = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(2191))
        else:
            signup = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1035))
        weight = math.exp(rng.gauss(0, 0.8)) * lv[2]
        customers.append(dict(customer_key=i + 1, customer_full_name=f"{fn} {ln}",
                              gender="F" if fn in FEMALE else "M", age_band=age,
                              loyalty_level=lv[0], city_name=city, signup_date=signup,
                              home_store=home["store_key"], weight=weight))

    promotions = []
    for i, (name, media, pct, months, w) in enumerate(PROMOTIONS):
        promotions.append(dict(promotion_key=i + 1, promotion_name=name,
                               promo_media_type=media, discount_pct=pct,
                               months=months, weight=w))
    return products, stores, customers, promotions


def _cum(ws):
    acc = 0.0
    for w in ws:
        acc += w
        yield acc


def _pick(rng, cum):
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def write_facts(rng, path, products, stores, customers, promotions):
    # per-month product cumulative weights (category seasonality)
    prod_cum = {}
    for m in range(1, 13):
        ws = [p["popularity"] * CATEGORY_SEASON.get(p["category_name"], [1] * 12)[m - 1]
              for p in products]
        prod_cum[m] = list(_cum(ws))
    promo_cum = {}
    for m in range(1, 13):
        active = [p for p in promotions if p["months"] is None or m in p["months"]]
        promo_cum[m] = (active, list(_cum([p["weight"] for p in active])))
    cust_cum = list(_cum([c["weight"] for c in customers]))
    store_cum = list(_cum([s["weight"] for s in stores]))
    # prices per product and year (3.5% yearly inflation), cents
    price = {}
    for p in products:
        for y in (2022, 2023, 2024):
            pr = int(round(p["price"] * (1.035 ** (y - 2022))))
            co = int(round(pr * p["cost_ratio"]))
            price[(p["product_key"], y)] = (pr, co)

    sales_key = 0
    txn_no = 700000
    n_days_total = (FACT_END - FACT_START).days
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        for d in daterange(FACT_START, FACT_END):
            t = (d - FACT_START).days / 365.0
            factor = (MONTH_SEASON[d.month - 1] * DOW_MULT[d.weekday()]
                      * (1 + ANNUAL_GROWTH) ** t)
            if d.month == 12 and 15 <= d.day <= 24:
                factor *= 1.3
            if d.month == 11 and 24 <= d.day <= 30 and d.weekday() == 4:
                factor *= 1.6  # black friday
            if (d.month, d.day) in ((1, 1), (12, 25)):
                factor *= 0.35
            n_txn = max(1, int(round(BASE_TXN_PER_DAY * factor * rng.gauss(1, 0.06))))
            date_key = d.year * 10000 + d.month * 100 + d.day
            pcum = prod_cum[d.month]
            active, acum = promo_cum[d.month]
            for _ in range(n_txn):
                txn_no += 1
                # customer who had signed up by then
                for _try in range(60):
                    c = customers[_pick(rng, cust_cum)]
                    if c["signup_date"] <= d:
                        break
                if rng.random() < 0.85:
                    store_key = c["home_store"]
                else:
                    store_key = stores[_pick(rng, store_cum)]["store_key"]
                n_lines = rng.choices(*LINES_PER_TXN)[0]
                chosen = set()
                for _l in range(n_lines):
                    for _try in range(10):
                        pi = _pick(rng, pcum)
                        if pi not in chosen:
                            break
                    if pi in chosen:
                        continue
                    chosen.add(pi)
                    p = products[pi]
                    qty = rng.choices(*QTY)[0]
                    pr, co = price[(p["product_key"], d.year)]
                    gross = qty * pr
                    promo_key = ""
                    disc = 0
                    if rng.random() < PROMO_PROB:
                        promo = active[_pick(rng, acum)]
                        promo_key = promo["promotion_key"]
                        disc = (gross * promo["discount_pct"] + 50) // 100
                    net = gross - disc
                    cost = qty * co
                    sales_key += 1
                    w.writerow([sales_key, date_key, p["product_key"], store_key,
                                c["customer_key"], promo_key, txn_no, qty, cents(pr),
                                cents(disc), cents(net), cents(cost), cents(net - cost)])
    return sales_key


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    products, stores, customers, promotions = build_dims(rng)
    tmp = tempfile.mkdtemp(prefix="kimball_gen_")
    try:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")

        def write_csv(name, header, rows):
            p = os.path.join(tmp, name + ".csv")
            with open(p, "w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
            return p

        def copy(name, csv_path, columns, header=True):
            cols = ", ".join(f"'{k}': '{v}'" for k, v in columns)
            target = os.path.join(out, name + ".parquet")
            con.execute(
                f"COPY (SELECT * FROM read_csv('{csv_path}', header = {str(header).lower()}, "
                f"columns = {{{cols}}}, nullstr = '', quote = '\"', escape = '\"')) "
                f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)")

        # dim_date
        rows = []
        for d in daterange(DIM_DATE_START, DIM_DATE_END):
            rows.append([d.year * 10000 + d.month * 100 + d.day, d.isoformat(), d.year,
                         (d.month - 1) // 3 + 1, d.month, MONTH_NAMES[d.month - 1],
                         DOW_NAMES[d.weekday()], "true" if d.weekday() >= 5 else "false",
                         d.year + 1 if d.month >= 2 else d.year])
        hdr = ["date_key", "full_date", "calendar_year", "calendar_quarter", "month_number",
               "month_name", "day_of_week_name", "is_weekend", "fiscal_year"]
        copy("dim_date", write_csv("dim_date", hdr, rows),
             [("date_key", "INTEGER"), ("full_date", "DATE"), ("calendar_year", "INTEGER"),
              ("calendar_quarter", "INTEGER"), ("month_number", "INTEGER"),
              ("month_name", "VARCHAR"), ("day_of_week_name", "VARCHAR"),
              ("is_weekend", "BOOLEAN"), ("fiscal_year", "INTEGER")])

        pcols = ["product_key", "product_code", "product_desc", "brand_name",
                 "category_name", "department_name", "unit_size"]
        copy("dim_product", write_csv("dim_product", pcols,
                                      [[p[c] for c in pcols] for p in products]),
             [("product_key", "INTEGER")] + [(c, "VARCHAR") for c in pcols[1:]])

        scols = ["store_key", "store_number", "store_label", "city_name", "state_code",
                 "sales_region", "store_format", "square_feet"]
        copy("dim_store", write_csv("dim_store", scols,
                                    [[s[c] for c in scols] for s in stores]),
             [("store_key", "INTEGER"), ("store_number", "INTEGER"),
              ("store_label", "VARCHAR"), ("city_name", "VARCHAR"),
              ("state_code", "VARCHAR"), ("sales_region", "VARCHAR"),
              ("store_format", "VARCHAR"), ("square_feet", "INTEGER")])

        ccols = ["customer_key", "customer_full_name", "gender", "age_band",
                 "loyalty_level", "city_name", "signup_date"]
        copy("dim_customer", write_csv("dim_customer", ccols,
                                       [[c[k] if k != "signup_date" else c[k].isoformat()
                                         for k in ccols] for c in customers]),
             [("customer_key", "INTEGER"), ("customer_full_name", "VARCHAR"),
              ("gender", "VARCHAR"), ("age_band", "VARCHAR"),
              ("loyalty_level", "VARCHAR"), ("city_name", "VARCHAR"),
              ("signup_date", "DATE")])

        prcols = ["promotion_key", "promotion_name", "promo_media_type", "discount_pct"]
        copy("dim_promotion", write_csv("dim_promotion", prcols,
                                        [[p[c] for c in prcols] for p in promotions]),
             [("promotion_key", "INTEGER"), ("promotion_name", "VARCHAR"),
              ("promo_media_type", "VARCHAR"), ("discount_pct", "DECIMAL(5,2)")])

        fpath = os.path.join(tmp, "fact_sales.csv")
        n = write_facts(rng, fpath, products, stores, customers, promotions)
        money = "DECIMAL(12,2)"
        copy("fact_sales", fpath,
             [("fs_sales_key", "BIGINT"), ("fs_date_key", "INTEGER"),
              ("fs_product_key", "INTEGER"), ("fs_store_key", "INTEGER"),
              ("fs_customer_key", "INTEGER"), ("fs_promotion_key", "INTEGER"),
              ("fs_transaction_no", "BIGINT"), ("fs_quantity", "INTEGER"),
              ("fs_unit_price", money), ("fs_discount_amount", money),
              ("fs_net_amount", money), ("fs_cost_amount", money),
              ("fs_gross_margin", money)], header=False)
        con.close()
        print(f"wrote {n} fact rows, {len(products)} products, {len(stores)} stores, "
              f"{len(customers)} customers, {len(promotions)} promotions to {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
