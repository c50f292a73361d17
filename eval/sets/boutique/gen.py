#!/usr/bin/env python3
"""Deterministic generator for a fashion boutique chain's flat POS export (held-out eval "boutique").

Usage: python3 gen.py --out DIR

Creates DIR and writes:
  transactions.csv   one row per receipt line (~150k rows), 2022-01-01 .. 2024-12-31, headers:
      "Receipt No"     text like MAR-0001234 (store code + running number); one receipt = one
                       transaction, it can hold several lines
      "Sale Date"      text YYYY-MM-DD (read_csv_auto infers DATE)
      "Store"          e.g. "Paris Le Marais"          (14 stores)
      "City"           e.g. "Paris"                    (11 cities)
      "Country"        UK / France / Spain / Italy / Germany / Netherlands, spelled out
      "Sales Rep"      person who rang up the receipt (2-4 per store, unique names)
      "Product"        product name, unique (~150 products)
      "Collection"     Spring/Summer, Autumn/Winter, Resort, Basics
      "Product Type"   Dresses, Tops, Trousers, Shoes, Bags, Accessories, Knitwear, Outerwear
      "Size"           XS..XL for clothing, 36..42 for shoes, "One Size" for bags/accessories
      "Colour"         one of 10 colours
      "Qty"            integer units on the line
      "Unit Price"     list price per unit (2 decimals)
      "Discount %"     integer 0..40
      "Net Sales"      Qty * Unit Price * (1 - Discount %/100), rounded half-up to cents
      "Cost"           cost of goods for the whole line (Qty * unit cost), 2 decimals
      "Payment Type"   Card / Cash / Gift Card / Mobile (one per receipt)
      "Customer Type"  New / Returning / VIP (one per receipt)
      "Returned"       Yes / No (per line; read_csv_auto infers BOOLEAN)
  stores.csv         "Store", "Store Manager", "Sq Ft", "Opened" (year); joins on "Store".
                     One manager (Giulia Ferraro) runs both Italian stores.
  _SUCCESS           marker with seed and row counts (written last)

Measure definitions used by cases.jsonl (no returns filter unless the question asks):
  sales / revenue          = SUM("Net Sales")
  units / items sold       = SUM("Qty")
  transactions / receipts  = COUNT(DISTINCT "Receipt No")
  profit                   = SUM("Net Sales" - "Cost");  margin % = profit / revenue
  average discount         = AVG("Discount %")  (per line)
  return rate              = share of lines with "Returned" = 'Yes'
  average ticket           = SUM("Net Sales") / COUNT(DISTINCT "Receipt No")
  "this year" = 2024, "last year" = 2023, "last month" = December 2024 (data ends 2024-12-31).

Planted structure: Nov/Dec peak and Feb trough; Spring/Summer sells in Mar-Aug, Autumn/Winter in
Sep-Jan; Spain grows fast (plus Valencia opening in May 2023); Knitwear declines every year;
a handful of hero products sell far more than the rest; Mobile payments grow while Cash shrinks.
Only the python standard library is needed.
"""
import argparse, bisect, csv, datetime as dt, os, random

SEED = 7312024
N_RECEIPTS = 83000

# store: (code, city, country, sq ft, opened, manager, base weight)
STORES = [
    ("London Marylebone", "LMB", "London", "United Kingdom", 2400, 2014, "Harriet Cole", 1.30),
    ("London Chelsea", "LCH", "London", "United Kingdom", 3100, 2011, "Oliver Grant", 1.55),
    ("Manchester King Street", "MKS", "Manchester", "United Kingdom", 2000, 2017, "Priya Shah", 0.85),
    ("Paris Le Marais", "MAR", "Paris", "France", 2600, 2012, "Camille Roux", 1.40),
    ("Paris Saint-Germain", "PSG", "Paris", "France", 1900, 2016, "Julien Morel", 1.05),
    ("Lyon Bellecour", "LYB", "Lyon", "France", 1700, 2018, "Amelie Garnier", 0.70),
    ("Milan Brera", "MIB", "Milan", "Italy", 2200, 2015, "Giulia Ferraro", 1.10),
    ("Rome Monti", "ROM", "Rome", "Italy", 1600, 2019, "Giulia Ferraro", 0.75),
    ("Madrid Salamanca", "MAD", "Madrid", "Spain", 2300, 2019, "Lucia Navarro", 0.80),
    ("Barcelona Eixample", "BCN", "Barcelona", "Spain", 2100, 2020, "Pablo Ortega", 0.72),
    ("Valencia Ruzafa", "VLC", "Valencia", "Spain", 1500, 2023, "Marta Vidal", 0.55),
    ("Berlin Mitte", "BER", "Berlin", "Germany", 2500, 2016, "Jonas Weber", 0.95),
    ("Munich Schwabing", "MUC", "Munich", "Germany", 1800, 2018, "Lena Hoffmann", 0.65),
    ("Amsterdam Jordaan", "AMS", "Amsterdam", "Netherlands", 1650, 2017, "Daan de Vries", 0.78),
]
VALENCIA_OPEN = dt.date(2023, 5, 6)
COUNTRY_YEAR = {  # growth multiplier per country and year
    "Spain": {2022: 1.00, 2023: 1.38, 2024: 1.85},
    "Germany": {2022: 1.00, 2023: 1.04, 2024: 1.02},
    "Italy": {2022: 1.00, 2023: 0.97, 2024: 0.95},
}
DEFAULT_YEAR = {2022: 1.00, 2023: 1.06, 2024: 1.09}
YEAR_W = {2022: 1.00, 2023: 1.12, 2024: 1.23}  # overall traffic growth
MONTH_W = [0.95, 0.62, 0.78, 0.86, 0.92, 0.97, 1.02, 0.88, 0.90, 1.00, 1.32, 1.71]

REP_FIRST = ["Sophie", "Emma", "Chloe", "Ines", "Manon", "Lea", "Alice", "Zoe", "Clara", "Nora", "Hugo",
             "Lucas", "Marco", "Sara", "Elena", "Paola", "Carmen", "Diego", "Alba", "Irene", "Hannah",
             "Felix", "Mia", "Anna", "Sanne", "Lotte", "Jack", "Grace", "Amelia", "Ruby", "Tom", "Isla",
             "Noah", "Eva", "Leo", "Julia", "Ben", "Maya", "Oscar", "Ella", "Theo", "Rosa"]
REP_LAST = ["Martin", "Bernard", "Dubois", "Lefevre", "Rossi", "Bianchi", "Romano", "Garcia", "Lopez",
            "Martinez", "Sanchez", "Muller", "Schmidt", "Fischer", "Bakker", "Visser", "Smith", "Jones",
            "Taylor", "Brown", "Evans", "Walsh", "Costa", "Ricci", "Moreno", "Jansen", "Klein", "Wood"]

COLOURS = ["Black", "White", "Navy", "Beige", "Camel", "Grey", "Red", "Olive", "Pink", "Blue"]
COLOUR_W = [26, 14, 12, 10, 7, 9, 6, 5, 4, 7]

# type: (price range, cost ratio range, nouns, base weight, return rate)
TYPES = {
    "Dresses": ((69, 249), (0.34, 0.42), ["Wrap Dress", "Slip Dress", "Midi Dress", "Shirt Dress", "Maxi Dress",
                                          "Tea Dress", "Shift Dress"], 15, 0.115),
    "Tops": ((29, 99), (0.30, 0.38), ["Blouse", "T-Shirt", "Camisole", "Tank Top", "Shirt", "Bodysuit"], 20, 0.065),
    "Trousers": ((59, 159), (0.33, 0.40), ["Wide-Leg Trousers", "Cigarette Trousers", "Cargo Pants", "Jeans",
                                          "Culottes", "Joggers"], 14, 0.085),
    "Shoes": ((79, 289), (0.40, 0.48), ["Loafers", "Ankle Boots", "Sandals", "Sneakers", "Ballet Flats",
                                       "Mules"], 10, 0.095),
    "Bags": ((89, 399), (0.38, 0.46), ["Tote Bag", "Crossbody Bag", "Clutch", "Bucket Bag", "Backpack",
                                      "Shoulder Bag"], 7, 0.035),
    "Accessories": ((15, 79), (0.25, 0.34), ["Scarf", "Belt", "Beanie", "Sunglasses", "Hair Clip", "Earrings",
                                            "Gloves"], 16, 0.02),
    "Knitwear": ((69, 219), (0.36, 0.44), ["Cardigan", "Crewneck Jumper", "Roll-Neck Sweater", "Knit Vest",
                                          "Cable Knit Jumper"], 11, 0.055),
    "Outerwear": ((149, 499), (0.42, 0.50), ["Trench Coat", "Puffer Jacket", "Wool Coat", "Blazer",
                                            "Denim Jacket", "Rain Mac"], 7, 0.07),
}
TYPE_YEAR = {"Knitwear": {2022: 1.00, 2023: 0.72, 2024: 0.50},
             "Bags": {2022: 1.00, 2023: 1.10, 2024: 1.22}}
ADJ = ["Linen", "Silk", "Cotton", "Satin", "Leather", "Suede", "Wool", "Cashmere", "Denim", "Jersey",
       "Tailored", "Relaxed", "Cropped", "Oversized", "Pleated", "Classic", "Ribbed", "Printed"]
COLLECTIONS = ["Spring/Summer", "Autumn/Winter", "Resort", "Basics"]
# month multipliers per collection (Jan..Dec)
COLL_MONTH = {
    "Spring/Summer": [0.35, 0.55, 1.25, 1.55, 1.70, 1.70, 1.45, 1.10, 0.60, 0.40, 0.35, 0.45],
    "Autumn/Winter": [1.30, 0.95, 0.55, 0.35, 0.25, 0.25, 0.35, 0.70, 1.40, 1.65, 1.70, 1.55],
    "Resort": [1.25, 1.05, 0.70, 0.55, 0.60, 1.10, 1.20, 0.80, 0.55, 0.60, 1.10, 1.45],
    "Basics": [1.0] * 12,
}
COLL_FOR_TYPE = {  # which collections a product type can belong to (weights)
    "Dresses": [5, 1, 3, 1], "Tops": [4, 2, 2, 4], "Trousers": [3, 3, 1, 3], "Shoes": [3, 3, 1, 2],
    "Bags": [2, 2, 2, 2], "Accessories": [2, 3, 2, 3], "Knitwear": [0, 6, 0, 2], "Outerwear": [1, 6, 0, 1],
}
HEROES = {"Silk Slip Dress": 9.0, "Leather Tote Bag": 7.5, "Wool Trench Coat": 6.5, "Cotton T-Shirt": 8.0}


def fmt(c):
    return "%d.%02d" % divmod(int(c), 100)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)

    # ---- products
    products = []  # (name, type, collection, price_cents, unit_cost_cents, colours, pop)
    names = set()
    for hero in HEROES:
        names.add(hero)
    type_names = list(TYPES)
    for t in type_names:
        (lo, hi), (clo, chi), nouns, _, _ = TYPES[t]
        n = {"Dresses": 24, "Tops": 26, "Trousers": 18, "Shoes": 16, "Bags": 14, "Accessories": 22,
             "Knitwear": 14, "Outerwear": 14}[t]
        made = []
        for h in HEROES:
            if any(h.endswith(nn) for nn in nouns):
                made.append(h)
        while len(made) < n:
            a, nn = rng.choice(ADJ), rng.choice(nouns)
            nm = f"{a} {nn}"
            if nm in names or a in nn:
                continue
            names.add(nm)
            made.append(nm)
        for nm in made:
            price = rng.randint(lo, hi)
            price = price * 100 if rng.random() < 0.6 else price * 100 - 5  # 89.00 or 88.95 style
            cost = int(round(price * (clo + (chi - clo) * rng.random())))
            coll = "Basics" if nm == "Cotton T-Shirt" else rng.choices(COLLECTIONS, COLL_FOR_TYPE[t])[0]
            if nm == "Wool Trench Coat":
                coll = "Autumn/Winter"
            if nm == "Silk Slip Dress":
                coll = "Resort"
            cols = sorted(rng.sample(range(len(COLOURS)), rng.randint(2, 5)))
            pop = HEROES.get(nm, 0.4 + 1.6 * rng.random() ** 1.5)
            products.append((nm, t, coll, price, cost, cols, pop))
    products.sort(key=lambda p: p[0])

    # ---- reps
    full = [f"{f} {l}" for f in REP_FIRST for l in REP_LAST]
    rng.shuffle(full)
    reps = {}
    k = 0
    for s in STORES:
        nrep = 4 if s[7] > 1.2 else (3 if s[7] > 0.74 else 2)
        reps[s[0]] = [(full[k + i], 0.5 + rng.random()) for i in range(nrep)]
        k += nrep

    # ---- dates
    days, dw = [], []
    d = dt.date(2022, 1, 1)
    while d <= dt.date(2024, 12, 31):
        w = MONTH_W[d.month - 1] * YEAR_W[d.year] * (1.35 if d.weekday() == 5 else 1.1 if d.weekday() == 4 else
                                    0.6 if d.weekday() == 6 else 1.0)
        if d.month == 12 and 15 <= d.day <= 23:
            w *= 1.45
        if d.month == 12 and d.day == 25:
            w *= 0.05
        days.append(d)
        dw.append(w)
        d += dt.timedelta(days=1)
    # pick the date first, then a store for that date (country growth enters through store weights)
    rdates = sorted(rng.choices(days, dw, k=N_RECEIPTS))

    counters = {s[1]: 0 for s in STORES}
    tx_path = os.path.join(out, "transactions.csv")
    nrows = 0
    with open(tx_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Receipt No", "Sale Date", "Store", "City", "Country", "Sales Rep", "Product", "Collection",
                    "Product Type", "Size", "Colour", "Qty", "Unit Price", "Discount %", "Net Sales", "Cost",
                    "Payment Type", "Customer Type", "Returned"])
        cache = {}
        for rd in rdates:
            y, m = rd.year, rd.month
            key = (y, m, rd >= VALENCIA_OPEN)
            if key not in cache:
                sw = []
                for s in STORES:
                    if s[0] == "Valencia Ruzafa" and rd < VALENCIA_OPEN:
                        sw.append(0.0)
                        continue
                    sw.append(s[7] * COUNTRY_YEAR.get(s[3], DEFAULT_YEAR)[y])
                pw = []
                for p in products:
                    pw.append(p[6] * TYPES[p[1]][3] / 10.0 * COLL_MONTH[p[2]][m - 1]
                              * TYPE_YEAR.get(p[1], {}).get(y, 1.0))
                cum, acc = [], 0.0
                for x in pw:
                    acc += x
                    cum.append(acc)
                cache[key] = (sw, cum)
            sw, pcum = cache[key]
            st = rng.choices(STORES, sw)[0]
            counters[st[1]] += 1
            rno = f"{st[1]}-{counters[st[1]]:07d}"
            rl = reps[st[0]]
            rep = rng.choices([r[0] for r in rl], [r[1] for r in rl])[0]
            t = (rd - dt.date(2022, 1, 1)).days / 1095.0
            pay = rng.choices(["Card", "Cash", "Gift Card", "Mobile"],
                              [58 - 4 * t, 17 - 9 * t, 6, 19 + 13 * t])[0]
            ctype = rng.choices(["New", "Returning", "VIP"], [34, 51, 15])[0]
            nl = rng.choices([1, 2, 3, 4, 5], [50, 27, 14, 6, 3] if ctype != "VIP" else [35, 30, 20, 10, 5])[0]
            sale = m in (1, 7) or (m == 12 and rd.day >= 27) or (m == 6 and rd.day >= 24)
            chosen = set()
            for _ in range(nl):
                for _try in range(10):
                    pi = min(bisect.bisect_left(pcum, rng.random() * pcum[-1]), len(products) - 1)
                    if pi not in chosen:
                        break
                chosen.add(pi)
                nm, ptype, coll, price, ucost, cols, _ = products[pi]
                if ptype == "Shoes":
                    size = str(rng.choices(range(36, 43), [4, 9, 15, 18, 16, 11, 6])[0])
                elif ptype in ("Bags", "Accessories"):
                    size = "One Size"
                else:
                    size = rng.choices(["XS", "S", "M", "L", "XL"], [8, 24, 32, 24, 12])[0]
                colour = COLOURS[rng.choices(cols, [COLOUR_W[c] for c in cols])[0]]
                qty = rng.choices([1, 2, 3, 4], [70, 20, 7, 3] if ptype in ("Accessories", "Tops")
                                  else [88, 10, 2, 0])[0]
                if sale:
                    disc = rng.choices([0, 10, 20, 25, 30, 40], [20, 10, 25, 15, 20, 10])[0]
                else:
                    disc = rng.choices([0, 5, 10, 15, 20], [74, 6, 11, 5, 4])[0]
                if ctype == "VIP" and disc < 15 and rng.random() < 0.35:
                    disc = 15
                if ptype == "Knitwear" and y == 2024 and disc < 20 and rng.random() < 0.25:
                    disc = 20
                net = (qty * price * (100 - disc) + 50) // 100
                ret_p = TYPES[ptype][4] * (1.25 if ctype == "New" else 1.0) * (1.3 if disc >= 30 else 1.0)
                returned = "Yes" if rng.random() < ret_p else "No"
                w.writerow([rno, rd.isoformat(), st[0], st[2], st[3], rep, nm, coll, ptype, size, colour, qty,
                            fmt(price), disc, fmt(net), fmt(qty * ucost), pay, ctype, returned])
                nrows += 1

    with open(os.path.join(out, "stores.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Store", "Store Manager", "Sq Ft", "Opened"])
        for s in sorted(STORES, key=lambda s: s[0]):
            w.writerow([s[0], s[6], s[4], s[5]])
    with open(os.path.join(out, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\nreceipts={N_RECEIPTS}\ntransactions_rows={nrows}\nstores={len(STORES)}\n")
    print(f"wrote {out}: transactions={nrows} rows ({N_RECEIPTS} receipts), stores={len(STORES)}")


if __name__ == "__main__":
    main()
