#!/usr/bin/env python3
"""Deterministic generator for an "invoices" lake in the style of UCI "Online Retail II" (held-out eval).

Usage: python3 gen.py --out DIR

Creates DIR and writes ONE flat CSV, online_retail.csv (~200k invoice lines of a UK gift wholesaler,
2022-01-04 .. 2024-12-23), with exactly these headers:
  Invoice        invoice number text, e.g. 512345; cancellations are 'C' + number (e.g. C512399)
  StockCode      product code, 5 digits, some with a letter suffix (85123A); one code <-> one Description
  Description    upper-case product name, e.g. WHITE HANGING HEART T-LIGHT HOLDER (unique per product)
  Quantity       integer units on the line; negative on cancellation lines
  InvoiceDate    text 'YYYY-MM-DD HH:MM:SS' (same for all lines of an invoice)
  Price          unit price in GBP (2 decimals, always positive)
  Customer ID    float-looking text such as 13085.0; empty for guest invoices
  Country        customer country (41 countries, United Kingdom ~85% of revenue)
plus _SUCCESS (seed and row counts, written last). There is NO revenue column.

Measure definitions used by the eval cases (cases.jsonl):
  revenue / sales     = SUM(Quantity * Price) over all lines (cancellations included, they net off)
  units               = SUM(Quantity)
  invoices / orders   = COUNT(DISTINCT Invoice)
  customers           = COUNT(DISTINCT "Customer ID")   (NULL = guest, not counted)
  average order value = revenue / invoices
  cancellations       = invoices whose number starts with 'C'
Shape: seasonality peaking in November, growth 2022 -> 2024, no Saturday trading, a few very large
wholesale customers, every country trades in every year. Only python stdlib is needed (duckdb optional,
not used). Runs in a few seconds.
"""
import argparse, bisect, csv, datetime as dt, math, os, random

SEED = 20250115
N_INVOICES = 10800          # regular (non-cancellation) invoices drawn at random
N_PRODUCTS = 3000
CANCEL_RATE = 0.085         # share of regular invoices (with a customer) that get a later cancellation
GUEST_RATE = 0.13           # share of invoices without a customer id
FOREIGN_FACTOR = 0.62       # damps the activity of non-UK customers (UK ~85% of revenue)

# country: (number of customers, activity multiplier per customer)
COUNTRIES = {
    "United Kingdom": (3900, 1.00), "Germany": (96, 2.5), "France": (88, 2.0), "EIRE": (5, 30.0),
    "Netherlands": (21, 7.5), "Spain": (31, 2.3), "Belgium": (26, 1.6), "Switzerland": (22, 1.9),
    "Portugal": (20, 1.5), "Australia": (9, 3.2), "Norway": (10, 1.8), "Italy": (15, 1.4),
    "Channel Islands": (9, 1.6), "Finland": (12, 1.5), "Cyprus": (8, 1.3), "Sweden": (10, 2.2),
    "Austria": (11, 1.2), "Denmark": (9, 1.5), "Japan": (8, 1.9), "Poland": (6, 1.1), "USA": (5, 1.0),
    "Israel": (4, 1.2), "Singapore": (2, 1.7), "Iceland": (1, 2.0), "Canada": (4, 0.9), "Greece": (5, 1.0),
    "Malta": (3, 0.9), "United Arab Emirates": (3, 1.0), "RSA": (2, 0.8), "Lebanon": (1, 0.7),
    "Lithuania": (1, 0.6), "Brazil": (1, 0.5), "Czech Republic": (2, 0.6), "Bahrain": (2, 0.5),
    "Saudi Arabia": (1, 0.4), "Hong Kong": (3, 0.9), "Nigeria": (2, 0.5), "Korea": (2, 0.6),
    "West Indies": (1, 0.4), "Thailand": (1, 0.5), "Bermuda": (1, 0.3),
}
GUEST_COUNTRIES = {"United Kingdom": 96, "EIRE": 1, "France": 1, "Germany": 1, "Norway": 1}
MONTH_W = [0.70, 0.66, 0.82, 0.76, 0.83, 0.80, 0.82, 0.86, 1.12, 1.27, 1.62, 0.98]
YEAR_W = {2022: 1.00, 2023: 1.13, 2024: 1.24}
HOUR_W = [0] * 7 + [1, 4, 7, 9, 10, 11, 10, 9, 7, 4, 2, 1, 0.5] + [0] * 4

FAMOUS = [  # (code, description, price) -> the most popular products
    ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55), ("22423", "REGENCY CAKESTAND 3 TIER", 12.75),
    ("85099B", "JUMBO BAG RED RETROSPOT", 1.95), ("84879", "ASSORTED COLOUR BIRD ORNAMENT", 1.69),
    ("47566", "PARTY BUNTING", 4.95), ("20725", "LUNCH BAG RED RETROSPOT", 1.65),
    ("21212", "PACK OF 72 RETROSPOT CAKE CASES", 0.55), ("22720", "SET OF 3 CAKE TINS PANTRY DESIGN", 4.95),
    ("22086", "PAPER CHAIN KIT 50'S CHRISTMAS", 2.95), ("22457", "NATURAL SLATE HEART CHALKBOARD", 2.95),
    ("22469", "HEART OF WICKER SMALL", 1.65), ("21733", "RED HANGING HEART T-LIGHT HOLDER", 2.55),
    ("84077", "WORLD WAR 2 GLIDERS ASSTD DESIGNS", 0.29), ("22197", "SMALL POPCORN HOLDER", 0.85),
    ("23084", "RABBIT NIGHT LIGHT", 2.08), ("20727", "LUNCH BAG BLACK SKULL", 1.65),
    ("22383", "LUNCH BAG SUKI DESIGN", 1.65), ("82482", "WOODEN PICTURE FRAME WHITE FINISH", 2.55),
    ("21034", "REX CASH+CARRY JUMBO SHOPPER", 0.95), ("22666", "RECIPE BOX PANTRY YELLOW DESIGN", 2.95),
]
COLOURS = ["WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "CREAM", "ANTIQUE SILVER", "GOLD",
           "ZINC", "PASTEL", "LILAC", "ORANGE", "YELLOW", "PURPLE", "NATURAL", "VINTAGE", "SAGE", "TEAL"]
MOTIFS = ["RETROSPOT", "PAISLEY", "SPACEBOY", "DOLLY GIRL", "WOODLAND", "PANTRY", "REGENCY", "SKULL",
          "POLKADOT", "STRAWBERRY", "BIRD", "HEART", "STAR", "ROSE", "FLORAL", "OWL", "CHRISTMAS", "BAROQUE",
          "LOVEBIRD", "SPOTTY", "STRIPE", "GINGHAM", "UNION JACK", "SCANDINAVIAN", "MOROCCAN", "FAIRY CAKE",
          "DINOSAUR", "BUTTERFLY", "CIRCUS PARADE", "JAM MAKING", "APPLES", "LEAF", "CHERRY", "TOADSTOOL"]
ITEMS = [("T-LIGHT HOLDER", 2.1), ("HANGING LANTERN", 4.2), ("LANTERN", 6.5), ("CAKE STAND", 9.5),
         ("LUNCH BAG", 1.65), ("JUMBO BAG", 1.95), ("MUG", 1.25), ("TEA TOWEL", 1.1), ("CUSHION COVER", 3.75),
         ("DOORMAT", 7.95), ("NOTEBOOK", 0.85), ("CHALKBOARD", 2.95), ("WALL CLOCK", 8.5),
         ("ALARM CLOCK", 3.75), ("BUNTING", 4.95), ("CAKE CASES", 0.55), ("PHOTO FRAME", 2.55),
         ("METAL SIGN", 2.1), ("ORNAMENT", 0.42), ("CANDLE", 1.25), ("PURSE", 2.1), ("HOT WATER BOTTLE", 4.25),
         ("STORAGE TIN", 3.35), ("PLANT POT", 1.65), ("GIFT WRAP", 0.42), ("NAPKINS", 0.85),
         ("PAPER PLATES", 0.85), ("WATER BOTTLE", 2.95), ("SHOPPING BAG", 1.25), ("TRINKET BOX", 1.45),
         ("COAT RACK", 5.95), ("EGG CUP", 1.25), ("TEAPOT", 4.95), ("PENCIL CASE", 0.65),
         ("BIRTHDAY CARD", 0.42), ("WASHBAG", 2.1), ("APRON", 2.95), ("OVEN GLOVE", 1.45),
         ("PICNIC BASKET", 6.95), ("BOTTLE OPENER", 0.79), ("KEY RING", 0.42), ("SNOW GLOBE", 3.75),
         ("TISSUES", 0.39), ("RIBBONS", 1.65), ("BAKING SET", 4.95), ("JAR", 1.25), ("BOWL", 1.45),
         ("PLATE", 1.69), ("PARASOL", 2.95), ("WREATH", 4.25)]
PREFIXES = ["", "", "", "", "", "SMALL ", "LARGE ", "SET OF 3 ", "SET OF 6 ", "PACK OF 12 ", "MINI "]


def make_products(rng):
    products = [(c, d, p) for c, d, p in FAMOUS]
    used_codes = {c for c, _, _ in FAMOUS}
    used_desc = {d for _, d, _ in FAMOUS}
    while len(products) < N_PRODUCTS:
        item, base = rng.choice(ITEMS)
        desc = f"{rng.choice(PREFIXES)}{rng.choice(COLOURS)} {rng.choice(MOTIFS)} {item}"
        if desc in used_desc:
            continue
        while True:
            code = str(rng.randint(10002, 90214))
            if rng.random() < 0.15:
                code += rng.choice("ABCDEFGLNPS")
            if code not in used_codes:
                break
        mult = 1.0
        if desc.startswith(("SET OF", "PACK OF")):
            mult = 2.2
        elif desc.startswith("LARGE "):
            mult = 1.4
        elif desc.startswith(("SMALL ", "MINI ")):
            mult = 0.75
        price = round(base * mult * math.exp(rng.gauss(0, 0.22)), 2)
        price = max(0.19, round(math.floor(price * 20) / 20 - 0.05, 2) if price > 1 else price)
        used_codes.add(code)
        used_desc.add(desc)
        products.append((code, desc, price))
    return products


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)

    products = make_products(rng)
    # zipf-ish popularity: famous products first, then the rest in generated order (already random)
    pop = [1.0 / (r + 4) ** 1.0 for r in range(N_PRODUCTS)]
    pop_cum, s = [], 0.0
    for w in pop:
        s += w
        pop_cum.append(s)

    # customers: ids sampled from the classic 12346..18287 range
    names = list(COUNTRIES)
    n_cust = sum(COUNTRIES[c][0] for c in names)
    ids = sorted(rng.sample(range(12346, 18288), n_cust))
    rng.shuffle(ids)
    customers = []  # (id, country, activity, scale)
    k = 0
    for c in names:
        n, act = COUNTRIES[c]
        for _ in range(n):
            a = act * (1.0 if c == "United Kingdom" else FOREIGN_FACTOR) * rng.lognormvariate(0, 1.1)
            scale = 1.0 if rng.random() > 0.02 else rng.choice([3.0, 5.0, 8.0])  # big wholesalers
            customers.append((ids[k], c, a, scale))
            k += 1
    cust_cum, s = [], 0.0
    for cu in customers:
        s += cu[2]
        cust_cum.append(s)
    by_country = {c: [cu for cu in customers if cu[1] == c] for c in names}

    # trading days (no Saturdays, closed 24 Dec - 3 Jan)
    days, dw = [], []
    d = dt.date(2022, 1, 1)
    while d <= dt.date(2024, 12, 31):
        closed = d.weekday() == 5 or (d.month == 12 and d.day >= 24) or (d.month == 1 and d.day <= 3)
        if not closed:
            days.append(d)
            dw.append(MONTH_W[d.month - 1] * YEAR_W[d.year] * (0.6 if d.weekday() == 6 else 1.0))
        d += dt.timedelta(days=1)

    def stamp(day):
        h = rng.choices(range(24), HOUR_W)[0]
        return dt.datetime(day.year, day.month, day.day, h, rng.randrange(60), 0)

    # invoice headers: (timestamp, customer or None, country)
    headers = []
    for day in rng.choices(days, dw, k=N_INVOICES):
        if rng.random() < GUEST_RATE:
            headers.append((stamp(day), None, rng.choices(list(GUEST_COUNTRIES), list(GUEST_COUNTRIES.values()))[0]))
        else:
            ci = min(bisect.bisect_left(cust_cum, rng.random() * cust_cum[-1]), len(customers) - 1)
            headers.append((stamp(day), customers[ci], customers[ci][1]))
    for c in names:  # every country trades at least twice in every year
        for y in (2022, 2023, 2024):
            ydays = [x for x in days if x.year == y]
            for _ in range(2):
                cu = rng.choice(by_country[c])
                headers.append((stamp(rng.choice(ydays)), cu, c))

    def pick_qty(price, scale):
        if price < 1:
            q = rng.choices([10, 12, 24, 25, 36, 48, 72, 96, 144], [6, 30, 18, 4, 5, 8, 3, 3, 2])[0]
        elif price < 3:
            q = rng.choices([1, 2, 3, 4, 6, 8, 10, 12, 24, 48], [6, 8, 5, 8, 16, 6, 6, 25, 10, 3])[0]
        elif price < 8:
            q = rng.choices([1, 2, 3, 4, 6, 8, 12, 24], [14, 16, 8, 14, 14, 6, 10, 3])[0]
        else:
            q = rng.choices([1, 2, 3, 4, 6, 8, 16], [20, 24, 10, 12, 10, 4, 2])[0]
        if scale > 1 and rng.random() < 0.5:
            q = int(q * scale)
        return q

    def line_price(price, q):
        if q >= 100:
            return round(price * 0.8, 2)
        if q >= 24:
            return round(price * 0.9, 2)
        return price

    regular = []  # (ts, cust, country, [(pi, qty, price)])
    for ts, cu, country in headers:
        nlines = min(120, max(1, int(rng.lognormvariate(2.55, 0.85))))
        if country != "United Kingdom":
            nlines = min(120, nlines + rng.randint(0, 6))
        chosen, lines = set(), []
        for _ in range(nlines):
            for _ in range(20):
                pi = min(bisect.bisect_left(pop_cum, rng.random() * pop_cum[-1]), N_PRODUCTS - 1)
                if pi not in chosen:
                    break
            if pi in chosen:
                continue
            chosen.add(pi)
            base = products[pi][2]
            if cu is None and rng.random() < 0.5:  # guests often pay retail mark-up
                base = round(base * 1.3, 2)
            q = pick_qty(base, cu[3] if cu else 1.0)
            lines.append((pi, q, line_price(base, q)))
        regular.append((ts, cu, country, lines))

    end = dt.datetime(2024, 12, 23, 17, 0, 0)
    cancels = []
    for ts, cu, country, lines in regular:
        if cu is None or rng.random() >= CANCEL_RATE:
            continue
        cts = ts + dt.timedelta(hours=rng.randint(1, 24 * 20))
        if cts.weekday() == 5:
            cts += dt.timedelta(days=1)
        if cts > end or (cts.month == 12 and cts.day >= 24) or (cts.month == 1 and cts.day <= 3):
            continue
        k = min(len(lines), rng.choices([1, 2, 3, 4], [60, 22, 12, 6])[0])
        sel = rng.sample(lines, k)
        cancels.append((cts, cu, country, [(pi, -max(1, int(q * rng.choice([1, 1, 1, 0.5]))), p) for pi, q, p in sel]))

    allinv = [(ts, 0, cu, country, lines) for ts, cu, country, lines in regular] + \
             [(ts, 1, cu, country, lines) for ts, cu, country, lines in cancels]
    allinv.sort(key=lambda x: (x[0], x[1]))

    path = os.path.join(out, "online_retail.csv")
    n_rows = n_inv = n_canc = 0
    num = 489433
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"])
        for ts, is_c, cu, country, lines in allinv:
            if not lines:
                continue
            num += rng.choice([1, 1, 1, 2, 3])
            inv = ("C" if is_c else "") + str(num)
            n_inv += 1
            n_canc += is_c
            tss = ts.strftime("%Y-%m-%d %H:%M:%S")
            cid = f"{cu[0]}.0" if cu else ""
            for pi, q, p in lines:
                code, desc, _ = products[pi]
                w.writerow([inv, code, desc, q, tss, "%.2f" % p, cid, country])
                n_rows += 1
    with open(os.path.join(out, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\nrows={n_rows}\ninvoices={n_inv}\ncancellations={n_canc}\nproducts={N_PRODUCTS}\n"
                f"customers={n_cust}\n")
    print(f"wrote {path}: rows={n_rows} invoices={n_inv} cancellations={n_canc} customers={n_cust}")


if __name__ == "__main__":
    main()
