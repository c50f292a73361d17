#!/usr/bin/env python3
"""Deterministic generator for a grocery-chain STAR SCHEMA lake (held-out eval "grocery").

Usage: python3 gen.py --out DIR

Creates DIR and writes (Parquet, written with duckdb):
  fact_basket_line.parquet  one row per checkout line (~300k rows)
      bl_date_sk        INTEGER  YYYYMMDD surrogate key -> dim_calendar.cal_sk
      bl_store_sk       INTEGER  -> dim_outlet.out_sk
      bl_item_sk        INTEGER  -> dim_article.art_sk
      bl_member_sk      INTEGER  -> dim_member.mem_sk, NULL for non-member shoppers
      bl_basket_no      BIGINT   checkout / transaction number (several lines per basket)
      bl_units          INTEGER  units on the line (negative on refund lines)
      bl_gross_amt      DECIMAL(12,2) units * shelf price of the day
      bl_markdown_amt   DECIMAL(12,2) promotional markdown
      bl_net_amt        DECIMAL(12,2) = bl_gross_amt - bl_markdown_amt (exact, in cents)
      bl_cogs_amt       DECIMAL(12,2) cost of goods sold
      bl_is_refund      BOOLEAN  TRUE on refund lines; a refund basket has only refund lines and
                                 negative units/amounts
  dim_calendar.parquet      cal_sk (YYYYMMDD), cal_date DATE, cal_year, cal_quarter (1-4), cal_month (1-12),
                            cal_month_name ('January'..), cal_weekday_name ('Monday'..), cal_is_weekend BOOLEAN;
                            every day 2022-01-01 .. 2024-12-31
  dim_outlet.parquet        out_sk, out_code ('GS01'..), out_name ('Riverside Market'..),
                            out_format (Supermarket/Express/Hypermarket),
                            out_region (Coastal/Highlands/Metro/Valley), out_opened_year (one store opened 2023
                            and only trades from 2023-04-01)
  dim_article.parquet       art_sk, art_desc (unique product name), art_aisle (Produce, Dairy, Bakery, Frozen,
                            Beverages, Snacks, Household, Meat & Seafood), art_supplier,
                            art_is_private_label BOOLEAN, art_shelf_price DECIMAL(8,2) (2024 price)
  dim_member.parquet        mem_sk, mem_name, mem_tier (Bronze/Silver/Gold), mem_join_date DATE,
                            mem_postcode_area
  _SUCCESS                  marker with seed and row counts (written last)

Planted structure: basket volume grows ~4%/yr; December/November peak and a summer Beverages bump; weekend uplift; the Metro region grows
each year while Valley shrinks slightly; the Frozen aisle shrinks each year; prices rise ~6% in 2023 and ~3%
in 2024; private-label lines get deeper markdowns; ~1.5% of baskets are refunds.

Measure definitions used by the eval cases (cases.jsonl):
  sales / revenue          = SUM(bl_net_amt)       (refunds included, i.e. netted, unless excluded)
  units                    = SUM(bl_units)
  transactions / baskets   = COUNT(DISTINCT bl_basket_no)
  members / customers      = COUNT(DISTINCT bl_member_sk)
  markdown / discount      = SUM(bl_markdown_amt)
  gross margin / profit    = SUM(bl_net_amt - bl_cogs_amt)
  average basket value     = SUM(bl_net_amt) / COUNT(DISTINCT bl_basket_no)
  avg units per basket     = SUM(bl_units) / COUNT(DISTINCT bl_basket_no)
Only the python standard library + duckdb are needed.
"""
import argparse, bisect, csv, datetime as dt, os, random, shutil

SEED = 20250311
N_BASKETS = 82000
N_ARTICLES = 400
N_MEMBERS = 6000
START, END = dt.date(2022, 1, 1), dt.date(2024, 12, 31)

OUTLETS = [  # name, format, region, opened
    ("Riverside Market", "Supermarket", "Coastal", 2004), ("Harbour View", "Hypermarket", "Coastal", 1999),
    ("Seagate Express", "Express", "Coastal", 2016), ("Bayfront Fresh", "Supermarket", "Coastal", 2009),
    ("Lighthouse Corner", "Express", "Coastal", 2019), ("Dune Road", "Supermarket", "Coastal", 2012),
    ("Glen Hollow", "Supermarket", "Highlands", 2001), ("Pinecrest", "Express", "Highlands", 2014),
    ("Summit Grocers", "Hypermarket", "Highlands", 2007), ("Heather Fields", "Supermarket", "Highlands", 2010),
    ("Ridgeway Express", "Express", "Metro", 2018), ("Central Plaza", "Hypermarket", "Metro", 2003),
    ("Union Square", "Supermarket", "Metro", 2011), ("Station Street", "Express", "Metro", 2015),
    ("Docklands", "Supermarket", "Metro", 2017), ("Northgate Hyper", "Hypermarket", "Metro", 2020),
    ("Old Town Express", "Express", "Metro", 2021), ("Canal Side", "Supermarket", "Metro", 2023),
    ("Meadowbrook", "Supermarket", "Valley", 1998), ("Orchard Lane", "Express", "Valley", 2013),
    ("Willow Creek", "Supermarket", "Valley", 2005), ("Millbrook Hyper", "Hypermarket", "Valley", 2008),
    ("Vineyard Road", "Express", "Valley", 2016), ("Greenacre", "Supermarket", "Valley", 2002),
    ("Stonebridge", "Supermarket", "Valley", 2012),
]
FORMAT_W = {"Hypermarket": 2.3, "Supermarket": 1.0, "Express": 0.45}
FORMAT_LINES = {"Hypermarket": [8, 14, 18, 18, 15, 11, 8, 5, 3], "Supermarket": [14, 20, 20, 16, 12, 8, 5, 3, 2],
                "Express": [35, 28, 18, 10, 5, 2, 1, 1, 0]}
REGION_YEAR = {"Coastal": {2022: 1.0, 2023: 1.03, 2024: 1.05}, "Highlands": {2022: 1.0, 2023: 1.0, 2024: 0.99},
               "Metro": {2022: 1.0, 2023: 1.22, 2024: 1.48}, "Valley": {2022: 1.0, 2023: 0.94, 2024: 0.88}}
AISLES = {  # aisle: (weight, price lo, price hi, suppliers, products)
    "Produce": (20, 0.6, 6.5, ["Green Valley Farms", "Sunfield Growers", "Orchard Co"],
                ["Bananas", "Gala Apples", "Carrots", "Broccoli", "Baby Spinach", "Tomatoes", "Avocados",
                 "Red Onions", "Potatoes", "Cucumbers", "Strawberries", "Blueberries", "Lemons", "Peppers"]),
    "Dairy": (16, 0.9, 8.5, ["Meadow Dairy", "Alpine Creamery", "Green Valley Farms"],
              ["Whole Milk", "Greek Yogurt", "Cheddar", "Butter", "Free Range Eggs", "Mozzarella", "Cream",
               "Skimmed Milk", "Cottage Cheese", "Brie", "Oat Drink", "Kefir"]),
    "Bakery": (11, 0.8, 5.5, ["Hearth Bakers", "Golden Crust"],
               ["Sourdough Loaf", "Croissants", "Bagels", "Wholemeal Bread", "Muffins", "Baguette",
                "Cinnamon Rolls", "Pitta Bread", "Rye Bread", "Tortilla Wraps"]),
    "Frozen": (10, 1.5, 9.0, ["Polar Foods", "Frostline"],
               ["Peas", "Pizza Margherita", "Fish Fingers", "Vanilla Ice Cream", "Chips", "Mixed Berries",
                "Chicken Nuggets", "Veggie Burgers", "Spinach Portions", "Lasagne"]),
    "Beverages": (13, 0.7, 12.0, ["Brookside Drinks", "Crestline Beverages", "Highland Springs"],
                  ["Sparkling Water", "Orange Juice", "Cola", "Ground Coffee", "Green Tea", "Lemonade",
                   "Apple Juice", "Still Water", "Iced Tea", "Energy Drink", "Tonic Water", "Espresso Beans"]),
    "Snacks": (11, 0.8, 5.0, ["Crunchworks", "Nutty Co", "Golden Crust"],
               ["Sea Salt Crisps", "Tortilla Chips", "Salted Peanuts", "Dark Chocolate", "Granola Bars",
                "Popcorn", "Pretzels", "Rice Cakes", "Trail Mix", "Oat Cookies"]),
    "Household": (8, 1.2, 14.0, ["CleanHome", "Brightway"],
                  ["Washing Up Liquid", "Laundry Pods", "Kitchen Roll", "Toilet Tissue", "Bin Bags",
                   "Surface Spray", "Sponges", "Dishwasher Tablets", "Fabric Softener", "Foil Wrap"]),
    "Meat & Seafood": (11, 2.5, 18.0, ["Hillside Butchers", "Ocean Catch", "Sunfield Growers"],
                       ["Chicken Breast", "Beef Mince", "Salmon Fillets", "Pork Sausages", "Lamb Chops",
                        "Prawns", "Bacon Rashers", "Cod Fillets", "Sirloin Steak", "Turkey Slices"]),
}
AISLE_YEAR = {"Frozen": {2022: 1.0, 2023: 0.80, 2024: 0.63}, "Produce": {2022: 1.0, 2023: 1.05, 2024: 1.10}}
PRIVATE_LABEL = "FreshWay"
VARIANTS = ["Organic", "Value", "Family Pack", "Classic", "Premium", "Light", "Large", "Mini", "Finest", "Everyday"]
MONTH_W = [0.86, 0.82, 0.93, 0.95, 0.99, 1.02, 1.06, 1.04, 0.96, 0.98, 1.10, 1.38]
WEEKDAY_W = [0.86, 0.83, 0.90, 0.95, 1.12, 1.36, 1.13]  # Mon..Sun
PRICE_YEAR = {2022: 0.92, 2023: 0.975, 2024: 1.0}
YEAR_W = {2022: 1.0, 2023: 1.04, 2024: 1.075}  # basket volume growth
FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Freya", "Oscar",
         "Lily", "Harry", "Grace", "Jack", "Sophie", "Charlie", "Ella", "Thomas", "Ruby", "James", "Evie",
         "William", "Rosie", "Henry", "Alice", "Jacob", "Florence", "Alfie", "Poppy", "Theo", "Emily", "Finley",
         "Millie", "Archie", "Daisy", "Joshua", "Matilda", "Samuel", "Hannah", "Ethan", "Lucy", "Daniel",
         "Chloe", "Max", "Layla", "Logan", "Zara", "Adam", "Nora", "Reuben", "Eliza", "Toby", "Maya", "Rory",
         "Iris", "Hugo", "Clara", "Felix", "Esme", "Ben", "Anna", "Ryan", "Holly", "Callum"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
        "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodriguez",
        "Cox", "Alexander", "Morris", "Cooper", "Ward", "Hughes", "Fraser", "Reid", "Murray", "Campbell",
        "Stewart", "Kerr", "Ross", "Grant", "Barker", "Bennett", "Chapman", "Fox", "Lloyd", "Marsh",
        "Nolan", "Owen", "Parker", "Quinn", "Reed", "Shaw", "Turner", "Vaughan", "Webb", "Young",
        "Ahmed", "Ali", "Chen", "Singh", "Novak", "Kowalski", "Murphy", "Byrne", "Doyle", "Lynch"]
POSTCODES = {"Coastal": ["CS1", "CS2", "CS4", "CS7", "BY3"], "Highlands": ["HL1", "HL2", "HL5", "GN2"],
             "Metro": ["MC1", "MC2", "MC3", "MC5", "MC8", "MC9"], "Valley": ["VL1", "VL3", "VL4", "WC2", "WC6"]}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def cents(x):
    sign = "-" if x < 0 else ""
    return sign + "%d.%02d" % divmod(abs(int(x)), 100)


def cumsum(ws):
    out, s = [], 0.0
    for w in ws:
        s += w
        out.append(s)
    return out


def pick(rng, cum):
    return min(bisect.bisect_left(cum, rng.random() * cum[-1]), len(cum) - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    import duckdb
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, "_tmp_gen")
    os.makedirs(tmp, exist_ok=True)

    # ---- outlets
    order = list(range(len(OUTLETS)))
    rng.shuffle(order)  # codes / surrogate keys not grouped by region
    outlets = []  # sk, code, name, format, region, opened, weight
    for k, i in enumerate(order):
        name, fmt, reg, opened = OUTLETS[i]
        outlets.append((101 + k, "GS%02d" % (k + 1), name, fmt, reg, opened, FORMAT_W[fmt] * (0.7 + 0.6 * rng.random())))

    # ---- articles
    articles = []  # sk, desc, aisle, supplier, private, price_cents(2024), cost ratio, popularity
    descs = set()
    aisles, aw = list(AISLES), [v[0] for v in AISLES.values()]
    for i in range(N_ARTICLES):
        a = rng.choices(aisles, aw)[0]
        _, lo, hi, sups, prods = AISLES[a]
        private = rng.random() < 0.27
        sup = PRIVATE_LABEL if private else rng.choice(sups)
        while True:
            d = f"{rng.choice(VARIANTS)} {rng.choice(prods)}"
            if private:
                d = f"{PRIVATE_LABEL} {d}"
            if d not in descs:
                break
            d = f"{d} {rng.choice(['250g', '500g', '1kg', '2-pack', '4-pack', '6-pack', '1L', '2L'])}"
            if d not in descs:
                break
        descs.add(d)
        price = int(round((lo + (hi - lo) * rng.random() ** 1.5) * (0.8 if private else 1.0) * 100))
        price = max(49, price - price % 10 + 9)
        cost = (0.52 if private else 0.68) + rng.random() * 0.14
        pop = 1.0 / (rng.random() * 40 + 1) ** 0.9
        articles.append((5001 + i, d, a, sup, private, price, cost, pop))
    aisle_idx = {a: [j for j, r in enumerate(articles) if r[2] == a] for a in aisles}
    aisle_cum = {a: cumsum([articles[j][7] for j in aisle_idx[a]]) for a in aisles}

    # ---- members
    mspan = (dt.date(2024, 11, 30) - dt.date(2015, 1, 1)).days
    raw = []
    for i in range(N_MEMBERS):
        jd = dt.date(2015, 1, 1) + dt.timedelta(days=int(mspan * rng.random() ** 0.75))
        tier = rng.choices(["Bronze", "Silver", "Gold"], [58, 29, 13])[0]
        home = rng.choice(outlets)
        area = rng.choice(POSTCODES[home[4]])
        raw.append([jd, f"{rng.choice(FIRST)} {rng.choice(LAST)}", tier, area, home[0]])
    raw.sort(key=lambda r: r[0])
    members = [(200001 + i, r[1], r[2], r[0], r[3], r[4]) for i, r in enumerate(raw)]
    joins = [m[3] for m in members]
    m_act_cum = cumsum([{"Bronze": 1.0, "Silver": 1.7, "Gold": 2.8}[m[2]] * (0.2 + rng.random() * 1.6)
                        for m in members])
    by_home = {}
    for j, m in enumerate(members):
        by_home.setdefault(m[5], []).append(j)

    # ---- calendar and (date, store) weights
    days, dweights = [], []
    d = START
    while d <= END:
        days.append(d)
        dweights.append(MONTH_W[d.month - 1] * WEEKDAY_W[d.weekday()] * YEAR_W[d.year] * (1 + 0.004 * rng.random()))
        d += dt.timedelta(days=1)
    day_cum = cumsum(dweights)
    store_cum = {y: cumsum([o[6] * REGION_YEAR[o[4]][y] for o in outlets]) for y in (2022, 2023, 2024)}
    canal_open = dt.date(2023, 4, 1)

    fcsv = os.path.join(tmp, "fact.csv")
    n_lines = 0
    bdates = sorted(days[pick(rng, day_cum)] for _ in range(N_BASKETS))
    with open(fcsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["bl_date_sk", "bl_store_sk", "bl_item_sk", "bl_member_sk", "bl_basket_no", "bl_units",
                    "bl_gross_amt", "bl_markdown_amt", "bl_net_amt", "bl_cogs_amt", "bl_is_refund"])
        for k, bd in enumerate(bdates):
            y = bd.year
            while True:
                st = outlets[pick(rng, store_cum[y])]
                if not (st[2] == "Canal Side" and bd < canal_open):
                    break
            basket_no = 9000000001 + k
            date_sk = bd.year * 10000 + bd.month * 100 + bd.day
            # member or not: members joined on/before the date; home-store members preferred
            mem = None
            if rng.random() < 0.58:
                hi = bisect.bisect_right(joins, bd)
                if hi > 0:
                    home = [j for j in by_home.get(st[0], []) if j < hi]
                    if home and rng.random() < 0.7:
                        mem = members[rng.choice(home)][0]
                    else:
                        mem = members[bisect.bisect_left(m_act_cum, rng.random() * m_act_cum[hi - 1], 0, hi - 1)][0]
            refund = rng.random() < 0.015
            if refund:
                nlines = rng.choices([1, 2, 3], [70, 22, 8])[0]
            else:
                nlines = 1 + rng.choices(range(9), FORMAT_LINES[st[3]])[0]
            # aisle weights for the date
            aw_day = []
            for a in aisles:
                wa = AISLES[a][0] * AISLE_YEAR.get(a, {}).get(y, 1.0)
                if a == "Beverages" and bd.month in (6, 7, 8):
                    wa *= 1.45
                if a == "Bakery" and bd.month == 12:
                    wa *= 1.3
                aw_day.append(wa)
            chosen = set()
            for _ in range(nlines):
                for _try in range(20):
                    a = rng.choices(aisles, aw_day)[0]
                    cand = aisle_idx[a]
                    j = cand[pick(rng, aisle_cum[a])]
                    if j not in chosen:
                        break
                chosen.add(j)
                art = articles[j]
                units = rng.choices([1, 2, 3, 4, 6], [58, 24, 10, 5, 3])[0]
                if a == "Produce":
                    units += rng.choice([0, 0, 1, 2])
                up = int(round(art[5] * PRICE_YEAR[y]))
                gross = units * up
                md = 0
                r = rng.random()
                if r < (0.24 if art[4] else 0.14):
                    md = int(round(gross * rng.choice([0.1, 0.15, 0.2, 0.25, 0.33, 0.5])))
                net = gross - md
                cogs = int(round(units * up * art[6]))
                sgn = -1 if refund else 1
                w.writerow([date_sk, st[0], art[0], "" if mem is None else mem, basket_no, sgn * units,
                            cents(sgn * gross), cents(sgn * md), cents(sgn * net), cents(sgn * cogs),
                            "true" if refund else "false"])
                n_lines += 1

    ocsv = os.path.join(tmp, "outlet.csv")
    with open(ocsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["out_sk", "out_code", "out_name", "out_format", "out_region", "out_opened_year"])
        for o in sorted(outlets):
            w.writerow(o[:6])
    acsv = os.path.join(tmp, "article.csv")
    with open(acsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["art_sk", "art_desc", "art_aisle", "art_supplier", "art_is_private_label", "art_shelf_price"])
        for a in articles:
            w.writerow([a[0], a[1], a[2], a[3], "true" if a[4] else "false", cents(a[5])])
    mcsv = os.path.join(tmp, "member.csv")
    with open(mcsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["mem_sk", "mem_name", "mem_tier", "mem_join_date", "mem_postcode_area"])
        for m in members:
            w.writerow([m[0], m[1], m[2], m[3].isoformat(), m[4]])

    con = duckdb.connect()

    def q(path):
        return "'" + path.replace("'", "''") + "'"

    def copy(sel, src, name):
        con.execute(f"COPY ({sel.format(src=f'read_csv({q(src)}, header=true, all_varchar=true)')}) "
                    f"TO {q(os.path.join(out, name))} (FORMAT PARQUET)")

    copy("""SELECT CAST(bl_date_sk AS INTEGER) bl_date_sk, CAST(bl_store_sk AS INTEGER) bl_store_sk,
        CAST(bl_item_sk AS INTEGER) bl_item_sk, CAST(NULLIF(bl_member_sk, '') AS INTEGER) bl_member_sk,
        CAST(bl_basket_no AS BIGINT) bl_basket_no, CAST(bl_units AS INTEGER) bl_units,
        CAST(bl_gross_amt AS DECIMAL(12,2)) bl_gross_amt, CAST(bl_markdown_amt AS DECIMAL(12,2)) bl_markdown_amt,
        CAST(bl_net_amt AS DECIMAL(12,2)) bl_net_amt, CAST(bl_cogs_amt AS DECIMAL(12,2)) bl_cogs_amt,
        CAST(bl_is_refund AS BOOLEAN) bl_is_refund FROM {src}""", fcsv, "fact_basket_line.parquet")
    con.execute(f"""COPY (SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER) cal_sk, CAST(d AS DATE) cal_date,
        CAST(year(d) AS INTEGER) cal_year, CAST(quarter(d) AS INTEGER) cal_quarter,
        CAST(month(d) AS INTEGER) cal_month, strftime(d, '%B') cal_month_name,
        strftime(d, '%A') cal_weekday_name, isodow(d) >= 6 cal_is_weekend
        FROM (SELECT unnest(generate_series(DATE '{START}', DATE '{END}', INTERVAL 1 DAY)) d) ORDER BY d)
        TO {q(os.path.join(out, 'dim_calendar.parquet'))} (FORMAT PARQUET)""")
    copy("""SELECT CAST(out_sk AS INTEGER) out_sk, out_code, out_name, out_format, out_region,
        CAST(out_opened_year AS INTEGER) out_opened_year FROM {src} ORDER BY out_sk""", ocsv, "dim_outlet.parquet")
    copy("""SELECT CAST(art_sk AS INTEGER) art_sk, art_desc, art_aisle, art_supplier,
        CAST(art_is_private_label AS BOOLEAN) art_is_private_label,
        CAST(art_shelf_price AS DECIMAL(8,2)) art_shelf_price FROM {src} ORDER BY art_sk""", acsv,
         "dim_article.parquet")
    copy("""SELECT CAST(mem_sk AS INTEGER) mem_sk, mem_name, mem_tier, CAST(mem_join_date AS DATE) mem_join_date,
        mem_postcode_area FROM {src} ORDER BY mem_sk""", mcsv, "dim_member.parquet")
    con.close()
    shutil.rmtree(tmp)
    with open(os.path.join(out, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\nbaskets={N_BASKETS}\nbasket_lines={n_lines}\noutlets={len(outlets)}\n"
                f"articles={N_ARTICLES}\nmembers={N_MEMBERS}\n")
    print(f"wrote {out}: baskets={N_BASKETS} lines={n_lines} outlets={len(outlets)} articles={N_ARTICLES} "
          f"members={N_MEMBERS}")


if __name__ == "__main__":
    main()
