#!/usr/bin/env python3
"""Deterministic generator for a US pharmacy / drugstore chain lake (held-out eval "pharmacy").

Usage: python3 gen.py --out DIR          (python3 standard library only; duckdb not needed)

Creates DIR and writes three CSV files with human headers (spaces in names):

  Sales Lines.csv  one row per checkout line, ~250k rows, 2022-01-01 .. 2024-12-31
     "Txn ID"        text T000001.. (a checkout / basket; several lines share one id,
                     ids ascend with date; one txn = one branch, date, tender, loyalty flag)
     "Txn Date"      YYYY-MM-DD
     "Branch ID"     int -> Branches."Branch ID"
     "SKU"           text SKU-00001.. -> Products."SKU"
     "Units"         int >= 1
     "Gross Sales"   money, = Units * shelf price
     "Discounts"     money >= 0 (loyalty card holders get discounts more often)
     "Net Sales"     money, = "Gross Sales" - "Discounts" (computed exactly in cents)
     "COGS"          money, cost of goods sold for the line
     "Loyalty Card"  Y/N (read_csv_auto infers VARCHAR)
     "Tender"        Cash/Credit/Debit/Insurance (per transaction)
  Branches.csv     40 rows: "Branch ID", "Branch Name" (unique, e.g. 'Maple Street Pharmacy'),
                   "City", "State" (CA, TX, NY, FL, IL, WA, OH, GA), "Format"
                   (Standalone/In-Store Clinic/Drive-Thru), "Opened" (year, all before 2022)
  Products.csv     600 rows: "SKU", "Product Name" (unique), "Department" (Prescriptions,
                   Cough & Cold, Vitamins, Personal Care, Baby, Beauty, Snacks & Drinks,
                   Household), "Brand", "Rx or OTC" (Rx for Prescriptions, else OTC), "Pack Size"

Planted structure: Cough & Cold peaks in Dec/Jan (flu season); Texas grows fast (2023, 2024);
Vitamins decline every year; some SKUs are discontinued before 2024 and some launch later,
so not every SKU sells in every year. Every branch trades in every month.

Measure definitions used by the eval cases (cases.jsonl):
  sales / revenue       = SUM("Net Sales")
  gross sales           = SUM("Gross Sales");   discounts = SUM("Discounts")
  units                 = SUM("Units")
  transactions/baskets  = COUNT(DISTINCT "Txn ID")
  profit / gross margin = SUM("Net Sales" - "COGS");  margin % = that / SUM("Net Sales")
  average basket        = revenue / transactions
  average units per txn = units / transactions;  average discount per line = AVG("Discounts")
  "this year" = 2024; "last month" = December 2024 (last date in the data is 2024-12-31)
"""
import argparse, bisect, csv, datetime as dt, os, random

SEED = 20250311
N_TXNS = 72000

STATE_BRANCHES = [  # state, number of branches, cities
    ("CA", 11, ["Los Angeles", "San Diego", "Sacramento", "San Jose", "Fresno"]),
    ("TX", 8, ["Houston", "Austin", "Dallas", "San Antonio"]),
    ("FL", 6, ["Miami", "Tampa", "Orlando"]),
    ("NY", 5, ["Buffalo", "Rochester", "Albany"]),
    ("IL", 4, ["Chicago", "Naperville", "Springfield"]),
    ("GA", 2, ["Atlanta", "Savannah"]),
    ("WA", 3, ["Seattle", "Spokane"]),
    ("OH", 1, ["Columbus"]),
]
STATE_YEAR = {  # relative store traffic by year; Texas is the fast grower
    "CA": (1.00, 1.04, 1.07), "TX": (1.00, 1.32, 1.71), "FL": (1.00, 1.06, 1.10),
    "NY": (1.00, 0.99, 0.97), "IL": (1.00, 1.02, 1.01), "GA": (1.00, 1.08, 1.13),
    "WA": (1.00, 1.03, 1.05), "OH": (1.00, 0.97, 0.95),
}
STREETS = ["Maple Street", "Oak Avenue", "Pine Road", "Cedar Lane", "Elm Street", "Willow Way",
           "Birch Boulevard", "Chestnut Street", "Main Street", "Lakeview Drive", "Riverside",
           "Hillcrest", "Sunset Boulevard", "Park Avenue", "Harbor Point", "Mission Street",
           "Broadway", "Magnolia Avenue", "Peachtree", "Lincoln Square", "Franklin Street",
           "Washington Avenue", "Jefferson Road", "Madison Street", "Highland Park", "Greenway",
           "Meadowbrook", "Fairview", "Westgate", "Eastside", "Northgate", "Southpark",
           "Valley Center", "Canyon Road", "Bayshore", "Cypress Creek", "Old Mill", "Union Square",
           "Stonebridge", "Liberty Plaza"]

DEPTS = {  # name: (n products, line weight, price lo $, price hi $, cost ratio, units weights)
    "Prescriptions":   (150, 21, 6.0, 240.0, 0.80, [88, 9, 3, 0]),
    "Cough & Cold":    (60, 9, 4.0, 22.0, 0.55, [70, 22, 6, 2]),
    "Vitamins":        (80, 11, 6.0, 38.0, 0.48, [72, 20, 6, 2]),
    "Personal Care":   (90, 17, 2.5, 19.0, 0.58, [62, 24, 9, 5]),
    "Baby":            (50, 6, 4.0, 42.0, 0.62, [66, 22, 8, 4]),
    "Beauty":          (70, 10, 5.0, 46.0, 0.45, [74, 18, 6, 2]),
    "Snacks & Drinks": (60, 18, 1.0, 6.5, 0.60, [50, 27, 14, 9]),
    "Household":       (40, 8, 2.0, 16.0, 0.63, [64, 23, 9, 4]),
}
# month multipliers (Jan..Dec) for the department mix; Cough & Cold peaks in flu season
SEASON = {
    "Cough & Cold": [2.6, 2.0, 1.3, 0.8, 0.55, 0.4, 0.35, 0.4, 0.6, 1.0, 1.7, 2.8],
    "Snacks & Drinks": [0.9, 0.9, 1.0, 1.0, 1.05, 1.15, 1.2, 1.15, 1.0, 0.95, 0.95, 1.0],
    "Beauty": [0.9, 1.05, 1.0, 1.0, 1.1, 1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.3],
}
DEPT_YEAR = {  # Vitamins decline; Beauty grows a little
    "Vitamins": (1.00, 0.82, 0.66), "Beauty": (1.00, 1.06, 1.13), "Baby": (1.00, 1.02, 0.99),
}
BRANDS = {
    "Prescriptions": ["Teva", "Mylan", "Sandoz", "Apotex", "Aurobindo", "Lupin", "Zydus"],
    "Cough & Cold": ["Respira", "ColdAway", "NightCalm", "WellPath"],
    "Vitamins": ["VitaCore", "NatureBloom", "Sunward", "WellPath"],
    "Personal Care": ["PureDay", "Fresh Harbor", "DentaBright", "WellPath"],
    "Baby": ["Little Sprout", "Cuddle Co", "WellPath"],
    "Beauty": ["Lumen Beauty", "Rosewell", "Glowhaus"],
    "Snacks & Drinks": ["Crunch Lane", "Hydra Plus", "Snackwise", "Bean & Leaf"],
    "Household": ["CleanCrest", "HomeHero", "WellPath"],
}
DRUGS = ["Atorvastatin", "Lisinopril", "Metformin", "Amlodipine", "Levothyroxine", "Omeprazole",
         "Simvastatin", "Losartan", "Albuterol", "Gabapentin", "Hydrochlorothiazide", "Sertraline",
         "Montelukast", "Rosuvastatin", "Escitalopram", "Pantoprazole", "Bupropion", "Furosemide",
         "Fluoxetine", "Carvedilol", "Tamsulosin", "Meloxicam", "Clopidogrel", "Prednisone",
         "Citalopram", "Trazodone", "Pravastatin", "Amoxicillin", "Metoprolol", "Duloxetine"]
STRENGTHS = ["5 mg", "10 mg", "20 mg", "40 mg", "80 mg"]
NOUNS = {
    "Cough & Cold": ["Cough Syrup", "Day Cold Relief", "Night Cold Relief", "Throat Lozenges",
                     "Nasal Spray", "Chest Rub", "Sinus Relief", "Allergy Tablets", "Flu Relief Powder",
                     "Decongestant", "Cough Drops", "Saline Mist"],
    "Vitamins": ["Vitamin D3", "Vitamin C", "Multivitamin", "Fish Oil", "Magnesium", "Zinc", "B12",
                 "Probiotic", "Calcium", "Biotin", "Elderberry Gummies", "Iron", "Turmeric", "Melatonin"],
    "Personal Care": ["Toothpaste", "Shampoo", "Body Wash", "Deodorant", "Mouthwash", "Razor Blades",
                      "Hand Soap", "Lotion", "Floss", "Conditioner", "Sunscreen", "Cotton Swabs", "Bandages"],
    "Baby": ["Diapers", "Baby Wipes", "Infant Formula", "Baby Lotion", "Diaper Cream", "Baby Shampoo",
             "Teething Gel", "Baby Food Pouch"],
    "Beauty": ["Lipstick", "Mascara", "Foundation", "Nail Polish", "Face Serum", "Eyeliner", "Blush",
               "Micellar Water", "Face Mask", "Concealer", "Night Cream"],
    "Snacks & Drinks": ["Sparkling Water", "Trail Mix", "Protein Bar", "Potato Chips", "Energy Drink",
                        "Iced Tea", "Granola Bar", "Gummy Bears", "Cold Brew", "Sports Drink", "Pretzels"],
    "Household": ["Paper Towels", "Dish Soap", "Trash Bags", "Laundry Pods", "Batteries", "Light Bulbs",
                  "Disinfecting Wipes", "Sponges", "Foil Wrap"],
}
VARIANTS = ["Original", "Extra Strength", "Max", "Gentle", "Fresh", "Plus", "Sensitive", "Daily",
            "Value", "Advanced", "Classic", "Ultra"]
PACKS = {
    "Cough & Cold": ["8 fl oz", "4 fl oz", "24 ct", "48 ct", "1 oz"],
    "Vitamins": ["30 ct", "60 ct", "90 ct", "120 ct", "200 ct"],
    "Personal Care": ["4 oz", "12 fl oz", "16 fl oz", "2.6 oz", "1 ea", "3 ct"],
    "Baby": ["40 ct", "72 ct", "12.4 oz", "8 fl oz", "3 ct"],
    "Beauty": ["1 ea", "0.5 fl oz", "1 fl oz", "2 oz"],
    "Snacks & Drinks": ["1 ea", "12 fl oz", "16.9 fl oz", "6 ct", "2 oz", "5 oz"],
    "Household": ["1 ea", "6 ct", "24 ct", "40 ct", "30 ft"],
}
DOW = [1.00, 0.96, 0.97, 1.00, 1.08, 1.14, 0.86]  # Mon..Sun
MONTH = [1.10, 1.02, 1.00, 0.97, 0.98, 0.95, 0.96, 0.98, 0.98, 1.00, 1.03, 1.12]
YEAR = {2022: 1.00, 2023: 1.10, 2024: 1.21}
YEARS = (2022, 2023, 2024)


def cents(x):
    return "%d.%02d" % divmod(int(x), 100)


def cumulative(ws):
    out, s = [], 0.0
    for w in ws:
        s += w
        out.append(s)
    return out


def pick(rng, items, cum):
    i = bisect.bisect_right(cum, rng.random() * cum[-1])
    return items[min(i, len(items) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)

    # ---- branches
    streets = STREETS[:]
    rng.shuffle(streets)
    branches = []  # (id, name, city, state, format, opened, size)
    bid = 101
    for state, n, cities in STATE_BRANCHES:
        for k in range(n):
            city = cities[k % len(cities)]
            fmt = rng.choices(["Standalone", "In-Store Clinic", "Drive-Thru"], [45, 25, 30])[0]
            if state == "CA" and k in (1, 4, 7):
                fmt = "Drive-Thru"
            if state == "CA" and k in (0, 3, 8):
                fmt = ["Standalone", "In-Store Clinic", "In-Store Clinic"][(0, 3, 8).index(k)]
            opened = rng.randint(1996, 2021)
            size = 0.55 + rng.random() * 1.1
            branches.append((bid, f"{streets[len(branches)]} Pharmacy", city, state, fmt, opened, size))
            bid += rng.choice([1, 2, 3])
    branch_cum = {}
    for yi, y in enumerate(YEARS):
        ws = [b[6] * STATE_YEAR[b[3]][yi] * (0.96 + 0.08 * rng.random()) for b in branches]
        branch_cum[y] = cumulative(ws)

    # ---- products
    products = []  # [sku, name, dept, brand, rx, pack, price_cents, cost_cents, pop, first_year, last_year]
    names = set()
    for dept, (n, _, lo, hi, cr, _) in DEPTS.items():
        if dept == "Prescriptions":
            combos = [(d, s) for d in DRUGS for s in STRENGTHS]
            rng.shuffle(combos)
            for d, s in combos[:n]:
                name = f"{d} {s} {rng.choice(['Tablet', 'Capsule'])}"
                pack = rng.choice(["30 ct", "90 ct"])
                products.append([None, name, dept, rng.choice(BRANDS[dept]), "Rx", pack,
                                 int(round((lo + (hi - lo) * rng.random() ** 2.2) * 100)),
                                 cr, rng.random() ** 3 + 0.08, 2022, 2024])
            continue
        for _ in range(n):
            while True:
                brand = rng.choice(BRANDS[dept])
                name = f"{brand} {rng.choice(VARIANTS)} {rng.choice(NOUNS[dept])}"
                if name not in names:
                    break
            names.add(name)
            price = int(round((lo + (hi - lo) * rng.random() ** 1.5) * 100))
            price = price - price % 100 + rng.choice([49, 79, 99])
            first, last = 2022, 2024
            r = rng.random()
            if r < 0.06:
                last = rng.choice([2022, 2023])      # discontinued before 2024
            elif r < 0.13:
                first = rng.choice([2023, 2024])     # launched later
            products.append([None, name, dept, brand, "OTC", rng.choice(PACKS[dept]), price,
                             cr, rng.random() ** 2.5 + 0.05, first, last])
    rng.shuffle(products)
    for i, p in enumerate(products):
        p[0] = "SKU-%05d" % (i + 1)
        p[7] = int(round(p[6] * p[7] * (0.85 + 0.3 * rng.random())))  # unit cost in cents
    by_dept = {}
    for y in YEARS:
        for dept in DEPTS:
            items = [p for p in products if p[2] == dept and p[9] <= y <= p[10]]
            by_dept[(y, dept)] = (items, cumulative([p[8] for p in items]))
    dept_names = list(DEPTS)
    dept_cum = {}
    for yi, y in enumerate(YEARS):
        for m in range(12):
            ws = [DEPTS[d][1] * SEASON.get(d, [1] * 12)[m] * DEPT_YEAR.get(d, (1, 1, 1))[yi] for d in dept_names]
            dept_cum[(y, m + 1)] = cumulative(ws)

    # ---- transaction dates
    days, dws = [], []
    d = dt.date(2022, 1, 1)
    while d <= dt.date(2024, 12, 31):
        days.append(d)
        dws.append(DOW[d.weekday()] * MONTH[d.month - 1] * YEAR[d.year] * (0.9 + 0.2 * rng.random()))
        d += dt.timedelta(days=1)
    tdates = sorted(rng.choices(days, dws, k=N_TXNS - 2) + [dt.date(2022, 1, 1), dt.date(2024, 12, 31)])

    n_lines = 0
    with open(os.path.join(out, "Sales Lines.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Txn ID", "Txn Date", "Branch ID", "SKU", "Units", "Gross Sales", "Discounts",
                    "Net Sales", "COGS", "Loyalty Card", "Tender"])
        for k, td in enumerate(tdates):
            tid = "T%06d" % (k + 1)
            y = td.year
            br = pick(rng, branches, branch_cum[y])
            t = (td - dt.date(2022, 1, 1)).days / 1095.0
            loyal = rng.random() < 0.48 + 0.12 * t
            nl = rng.choices([1, 2, 3, 4, 5, 6, 7, 8], [17, 20, 19, 15, 11, 8, 6, 4])[0]
            lines, seen = [], set()
            for _ in range(nl):
                dept = pick(rng, dept_names, dept_cum[(y, td.month)])
                if br[4] == "In-Store Clinic" and dept != "Prescriptions" and rng.random() < 0.12:
                    dept = "Prescriptions"
                items, cum = by_dept[(y, dept)]
                p = pick(rng, items, cum)
                if p[0] in seen:
                    continue
                seen.add(p[0])
                lines.append(p)
            has_rx = any(p[4] == "Rx" for p in lines)
            if has_rx:
                tender = rng.choices(["Insurance", "Credit", "Debit", "Cash"], [64, 16, 12, 8])[0]
            else:
                tender = rng.choices(["Credit", "Debit", "Cash"], [46, 33, 21])[0]
            ds = "%04d-%02d-%02d" % (td.year, td.month, td.day)
            for p in lines:
                units = rng.choices([1, 2, 3, 4], DEPTS[p[2]][5])[0]
                gross = units * p[6]
                if p[4] == "Rx":
                    pct = 0 if rng.random() < 0.95 else 0.10
                elif loyal:
                    pct = 0 if rng.random() < 0.60 else rng.choice([0.05, 0.10, 0.15, 0.20, 0.25])
                else:
                    pct = 0 if rng.random() < 0.88 else rng.choice([0.05, 0.10, 0.20])
                disc = int(round(gross * pct))
                net = gross - disc
                cogs = units * p[7]
                w.writerow([tid, ds, br[0], p[0], units, cents(gross), cents(disc), cents(net), cents(cogs),
                            "Y" if loyal else "N", tender])
                n_lines += 1

    with open(os.path.join(out, "Branches.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Branch ID", "Branch Name", "City", "State", "Format", "Opened"])
        for b in branches:
            w.writerow(b[:6])
    with open(os.path.join(out, "Products.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["SKU", "Product Name", "Department", "Brand", "Rx or OTC", "Pack Size"])
        for p in sorted(products, key=lambda p: p[0]):
            w.writerow(p[:6])
    print(f"wrote {out}: transactions={N_TXNS} sales_lines={n_lines} branches={len(branches)} "
          f"products={len(products)}")


if __name__ == "__main__":
    main()
