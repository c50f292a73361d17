#!/usr/bin/env python3
"""Deterministic generator for a flat Superstore-style retail order-lines CSV.

Usage: python3 gen.py --out DIR   -> writes DIR/orders.csv (~60k rows)
Only the python stdlib is used; the output is identical on every run.
"""
import argparse
import csv
import datetime as dt
import os
import random

SEED = 20240611
TARGET_LINES = 60000

# (city, state, region, base postal code)
CITIES = [
    ("New York City", "New York", "East", 10024), ("Buffalo", "New York", "East", 14215),
    ("Rochester", "New York", "East", 14609), ("Philadelphia", "Pennsylvania", "East", 19140),
    ("Pittsburgh", "Pennsylvania", "East", 15213), ("Columbus", "Ohio", "East", 43229),
    ("Cleveland", "Ohio", "East", 44105), ("Cincinnati", "Ohio", "East", 45231),
    ("Newark", "New Jersey", "East", 17102), ("Jersey City", "New Jersey", "East", 17302),
    ("Baltimore", "Maryland", "East", 21215),
    ("Chicago", "Illinois", "Central", 60623), ("Springfield", "Illinois", "Central", 62701),
    ("Houston", "Texas", "Central", 77095), ("Dallas", "Texas", "Central", 75217),
    ("San Antonio", "Texas", "Central", 78207), ("Austin", "Texas", "Central", 78745),
    ("Detroit", "Michigan", "Central", 48205), ("Grand Rapids", "Michigan", "Central", 49505),
    ("Minneapolis", "Minnesota", "Central", 55407), ("Saint Paul", "Minnesota", "Central", 55106),
    ("Milwaukee", "Wisconsin", "Central", 53209), ("Madison", "Wisconsin", "Central", 53711),
    ("Indianapolis", "Indiana", "Central", 46203),
    ("Jacksonville", "Florida", "South", 32216), ("Miami", "Florida", "South", 33142),
    ("Tampa", "Florida", "South", 33614), ("Orlando", "Florida", "South", 32839),
    ("Atlanta", "Georgia", "South", 30318), ("Savannah", "Georgia", "South", 31405),
    ("Charlotte", "North Carolina", "South", 28205), ("Raleigh", "North Carolina", "South", 27604),
    ("Nashville", "Tennessee", "South", 37211), ("Memphis", "Tennessee", "South", 38109),
    ("Richmond", "Virginia", "South", 23223), ("Virginia Beach", "Virginia", "South", 23464),
    ("Los Angeles", "California", "West", 90045), ("San Francisco", "California", "West", 94122),
    ("San Diego", "California", "West", 92105), ("Sacramento", "California", "West", 95823),
    ("San Jose", "California", "West", 95123), ("Seattle", "Washington", "West", 98105),
    ("Spokane", "Washington", "West", 99207), ("Portland", "Oregon", "West", 97206),
    ("Eugene", "Oregon", "West", 97405), ("Phoenix", "Arizona", "West", 85023),
    ("Tucson", "Arizona", "West", 85705), ("Denver", "Colorado", "West", 80219),
    ("Aurora", "Colorado", "West", 80013), ("Las Vegas", "Nevada", "West", 89115),
]
# relative population weight of each city (customers are spread by this)
CITY_WEIGHT = {
    "New York City": 9, "Los Angeles": 8, "Philadelphia": 5, "San Francisco": 5, "Seattle": 5,
    "Houston": 5, "Chicago": 5, "Dallas": 3, "Columbus": 3, "San Diego": 3,
}

# category -> [(sub-category, code, price range, base margin, max typical discount)]
CATALOG = {
    "Furniture": [
        ("Bookcases", "BO", (60, 900), 0.16, 0.5),
        ("Chairs", "CH", (50, 1100), 0.20, 0.3),
        ("Furnishings", "FU", (5, 250), 0.30, 0.6),
        ("Tables", "TA", (120, 1500), 0.12, 0.45),
    ],
    "Office Supplies": [
        ("Appliances", "AP", (15, 900), 0.27, 0.8),
        ("Art", "AR", (2, 60), 0.34, 0.2),
        ("Binders", "BI", (3, 250), 0.32, 0.8),
        ("Envelopes", "EN", (5, 70), 0.52, 0.2),
        ("Fasteners", "FA", (1, 30), 0.40, 0.2),
        ("Labels", "LA", (2, 40), 0.54, 0.2),
        ("Paper", "PA", (4, 90), 0.53, 0.2),
        ("Storage", "ST", (10, 600), 0.20, 0.2),
        ("Supplies", "SU", (3, 350), 0.15, 0.2),
    ],
    "Technology": [
        ("Accessories", "AC", (10, 500), 0.33, 0.2),
        ("Copiers", "CO", (500, 3500), 0.42, 0.4),
        ("Machines", "MA", (80, 3000), 0.20, 0.7),
        ("Phones", "PH", (30, 1000), 0.24, 0.4),
    ],
}
CAT_CODE = {"Furniture": "FUR", "Office Supplies": "OFF", "Technology": "TEC"}
# how often each sub-category appears on an order line
SUB_WEIGHT = {
    "Bookcases": 2.5, "Chairs": 6, "Furnishings": 9.5, "Tables": 3.2, "Appliances": 4.6,
    "Art": 8, "Binders": 15, "Envelopes": 2.5, "Fasteners": 2.2, "Labels": 3.6, "Paper": 13.6,
    "Storage": 8.4, "Supplies": 1.9, "Accessories": 7.7, "Copiers": 0.7, "Machines": 1.2,
    "Phones": 8.9,
}
BRANDS = {
    "Bookcases": ["Bush", "Sauder", "O'Sullivan", "Atlantic", "Hon"],
    "Chairs": ["Hon", "Global", "Office Star", "SAFCO", "Novimex", "Harbour Creations"],
    "Furnishings": ["Eldon", "Howard Miller", "Deflect-o", "Tenex", "Luxo", "DAX"],
    "Tables": ["Bretford", "Bevis", "Chromcraft", "Hon", "Lesro", "Barricks"],
    "Appliances": ["Hoover", "Holmes", "Belkin", "Fellowes", "Honeywell", "Kensington"],
    "Art": ["Newell", "Sanford", "Prang", "Boston", "Staedtler", "Dixon"],
    "Binders": ["Avery", "GBC", "Cardinal", "Wilson Jones", "Acco", "Ibico"],
    "Envelopes": ["Ames", "Tyvek", "Quality Park", "Cameo", "Staple"],
    "Fasteners": ["Acco", "Advantus", "Vinyl", "OIC", "Stockwell"],
    "Labels": ["Avery", "Smead", "Dot Matrix", "Dymo"],
    "Paper": ["Xerox", "Easy-staple", "Southworth", "Hammermill", "Great White", "Adams"],
    "Storage": ["Fellowes", "Eldon", "Tennsco", "Sterilite", "Iris", "Safco"],
    "Supplies": ["Fiskars", "Acme", "Martin Yale", "Premier", "Stiletto"],
    "Accessories": ["Logitech", "Belkin", "Kingston", "SanDisk", "Razer", "Plantronics"],
    "Copiers": ["Canon", "Hewlett-Packard", "Sharp", "Brother"],
    "Machines": ["Okidata", "Epson", "Zebra", "Cubify", "Lexmark", "Konica"],
    "Phones": ["Apple", "Samsung", "Motorola", "Nokia", "Cisco", "Polycom", "Jabra"],
}
NOUNS = {
    "Bookcases": ["Bookcase", "Open Shelf Bookcase", "Barrister Bookcase", "Corner Bookcase"],
    "Chairs": ["Task Chair", "Executive Chair", "Stacking Chair", "Mesh Chair", "Guest Chair"],
    "Furnishings": ["Wall Clock", "Desk Lamp", "Chair Mat", "Picture Frame", "Desk Organizer"],
    "Tables": ["Conference Table", "Training Table", "Round Table", "Utility Table"],
    "Appliances": ["Microwave", "Space Heater", "Air Purifier", "Surge Protector", "Fan"],
    "Art": ["Pencils", "Markers", "Highlighters", "Colored Pencils", "Crayons"],
    "Binders": ["Ring Binder", "Presentation Binder", "Binding Machine", "View Binder"],
    "Envelopes": ["Business Envelopes", "Catalog Envelopes", "Security Envelopes"],
    "Fasteners": ["Paper Clips", "Push Pins", "Rubber Bands", "Binder Clips", "Staples"],
    "Labels": ["Address Labels", "File Folder Labels", "Shipping Labels", "Color Labels"],
    "Paper": ["Copy Paper", "Message Books", "Cardstock", "Easel Pads", "Notepads"],
    "Storage": ["File Cart", "Storage Box", "Shelving Unit", "Drawer Cabinet", "Locker"],
    "Supplies": ["Scissors", "Letter Opener", "Trimmer", "Ruler", "Hole Punch"],
    "Accessories": ["Wireless Mouse", "Keyboard", "USB Flash Drive", "Headset", "Webcam"],
    "Copiers": ["Laser Copier", "Color Copier", "Multifunction Copier"],
    "Machines": ["Label Printer", "3D Printer", "Laser Printer", "Shredder", "Scanner"],
    "Phones": ["Smartphone", "Conference Phone", "Cordless Phone", "VoIP Phone"],
}
SUFFIXES = ["", " Pro", " Plus", " Deluxe", " XL", " 2000", " Series 5", " Compact",
            " Heavy Duty", " Premium", " Classic", " Lite"]

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
         "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
         "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
         "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Paul", "Emily",
         "Andrew", "Donna", "Joshua", "Michelle", "Kevin", "Carol", "Brian", "Amanda",
         "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Tim", "Rebecca"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
        "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell"]

SEGMENTS = [("Consumer", 0.52), ("Corporate", 0.30), ("Home Office", 0.18)]
SHIP_MODES = [("Standard Class", 0.60, (4, 7)), ("Second Class", 0.19, (2, 5)),
              ("First Class", 0.16, (1, 3)), ("Same Day", 0.05, (0, 0))]
YEAR_GROWTH = {2021: 1.00, 2022: 1.13, 2023: 1.29, 2024: 1.47}
MONTH_SEASON = {1: 0.55, 2: 0.50, 3: 0.95, 4: 0.80, 5: 0.90, 6: 0.88, 7: 0.85,
                8: 0.90, 9: 1.45, 10: 1.00, 11: 1.55, 12: 1.60}
REGION_DISCOUNT = {"Central": 0.08, "East": 0.0, "South": 0.02, "West": -0.03}


def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def build_products(rng):
    products = []  # dicts
    used_names = set()
    serial = 10000001
    for cat, subs in CATALOG.items():
        for sub, code, (lo, hi), margin, maxdisc in subs:
            n = max(8, int(round(SUB_WEIGHT[sub] * 2.4)))
            for _ in range(n):
                while True:
                    name = "%s %s%s" % (rng.choice(BRANDS[sub]), rng.choice(NOUNS[sub]),
                                        rng.choice(SUFFIXES))
                    if name not in used_names:
                        break
                used_names.add(name)
                price = round(lo * (hi / lo) ** rng.random(), 2)
                products.append({
                    "id": "%s-%s-%d" % (CAT_CODE[cat], code, serial), "cat": cat, "sub": sub,
                    "name": name, "price": price, "margin": margin + rng.uniform(-0.08, 0.08),
                    "maxdisc": maxdisc, "pop": rng.uniform(0.3, 1.7) * SUB_WEIGHT[sub] / n,
                })
                serial += rng.randint(1, 400)
    return products


def build_customers(rng, n=800):
    names = rng.sample([f + " " + l for f in FIRST for l in LAST], n)
    cities = CITIES
    cweights = [CITY_WEIGHT.get(c[0], 1.5) for c in cities]
    segs = [s for s, _ in SEGMENTS]
    segw = [w for _, w in SEGMENTS]
    customers = []
    used_ids = set()
    for name in names:
        first, last = name.split(" ", 1)
        num = rng.randint(10, 999) * 15
        cid = "%s%s-%05d" % (first[0], last[0], num)
        while cid in used_ids:
            num += 15
            cid = "%s%s-%05d" % (first[0], last[0], num)
        used_ids.add(cid)
        city = wchoice(rng, cities, cweights)
        customers.append({"id": cid, "name": name, "seg": wchoice(rng, segs, segw),
                          "city": city, "activity": rng.lognormvariate(0, 0.6)})
    return customers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(SEED)

    products = build_products(rng)
    customers = build_customers(rng)
    pweights = [p["pop"] for p in products]
    cweights = [c["activity"] for c in customers]

    # every calendar day with a weight from year growth, seasonality and weekday
    days = []
    d = dt.date(2021, 1, 1)
    while d <= dt.date(2024, 12, 31):
        w = YEAR_GROWTH[d.year] * MONTH_SEASON[d.month] * (0.7 if d.weekday() >= 5 else 1.0)
        days.append((d, w))
        d += dt.timedelta(days=1)
    total_w = sum(w for _, w in days)

    mean_lines = 3.0
    n_orders = int(TARGET_LINES / mean_lines)
    # allocate orders to days deterministically-randomly, with both end days guaranteed
    day_orders = []
    for d, w in days:
        lam = n_orders * w / total_w
        k = int(lam) + (1 if rng.random() < lam - int(lam) else 0)
        if d in (dt.date(2021, 1, 1), dt.date(2024, 12, 31)):
            k = max(k, 2)
        day_orders.append((d, k))

    modes = [m[0] for m in SHIP_MODES]
    modew = [m[1] for m in SHIP_MODES]
    mode_days = {m[0]: m[2] for m in SHIP_MODES}
    seq = 100000
    rows = []
    row_id = 1
    for d, k in day_orders:
        for _ in range(k):
            seq += rng.randint(1, 7)
            cust = wchoice(rng, customers, cweights)
            city, state, region, zipbase = cust["city"]
            mode = wchoice(rng, modes, modew)
            lo, hi = mode_days[mode]
            ship = d + dt.timedelta(days=rng.randint(lo, hi))
            oid = "%s-%d-%d" % (rng.choice(["CA", "CA", "CA", "US"]), d.year, seq)
            nlines = wchoice(rng, [1, 2, 3, 4, 5], [0.18, 0.22, 0.24, 0.20, 0.16])
            lines = []
            seen = set()
            while len(lines) < nlines:
                p = wchoice(rng, products, pweights)
                if p["id"] in seen:
                    continue
                seen.add(p["id"])
                lines.append(p)
            postal = zipbase + (rng.randint(0, 3) if cust["seg"] != "Corporate" else 0)
            for p in lines:
                qty = wchoice(rng, list(range(1, 15)),
                              [10, 24, 23, 13, 11, 7, 6, 3, 3, 2, 1, 1, 1, 1])
                r = rng.random() + REGION_DISCOUNT[region]
                if r < 0.48:
                    disc = 0.0
                elif r < 0.80:
                    disc = min(0.2, p["maxdisc"])
                elif r < 0.92:
                    disc = min(rng.choice([0.1, 0.15, 0.3]), p["maxdisc"])
                else:
                    disc = p["maxdisc"]
                unit = p["price"] * rng.uniform(0.93, 1.07) * (1 + 0.03 * (d.year - 2021))
                gross = unit * qty
                sales = round(gross * (1 - disc), 2)
                if sales <= 0:
                    sales = 0.99
                cost = gross * (1 - p["margin"]) * rng.uniform(0.92, 1.08)
                profit = round(sales - cost, 2)
                rows.append([row_id, oid, d.isoformat(), ship.isoformat(), mode, cust["id"],
                             cust["name"], cust["seg"], "United States", city, state, postal,
                             region, p["id"], p["cat"], p["sub"], p["name"],
                             "%.2f" % sales, qty, "%.2f" % disc, "%.2f" % profit])
                row_id += 1

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "orders.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID",
                    "Customer Name", "Segment", "Country", "City", "State", "Postal Code",
                    "Region", "Product ID", "Category", "Sub-Category", "Product Name",
                    "Sales", "Quantity", "Discount", "Profit"])
        w.writerows(rows)
    print("wrote %d rows to %s" % (len(rows), path))


if __name__ == "__main__":
    main()
