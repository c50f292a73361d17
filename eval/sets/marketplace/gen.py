#!/usr/bin/env python3
"""Deterministic generator for an online-marketplace data lake (held-out eval "marketplace").

Usage: python3 gen.py --out DIR        (python3 stdlib + duckdb; ~300k order lines; well under 90 s)

Creates DIR and writes:
  order_lines/dt=YYYY-MM-DD/part-0.parquet   Hive-partitioned by order day, 2022-01-01 .. 2024-12-31
                       (one partition per day, every day present). The partition column dt is the
                       order date; there is no other date column in the lines. Columns in the files:
      orderId      VARCHAR   'MP-1000000' .. (one order = one buyer, one day, one device)
      lineNo       INTEGER   1..5 within the order
      buyerId      INTEGER   -> buyers.buyerId
      sellerId     INTEGER   -> sellers.sellerId (the seller that lists the sku)
      skuId        VARCHAR   'SKU-10001' .. -> skus.skuId
      qty          INTEGER   units on the line
      itemPrice    DECIMAL(10,2) price per unit actually charged (list price or a sale price)
      discountAmt  DECIMAL(10,2) coupon discount on the line
      shippingFee  DECIMAL(10,2) shipping charged for the line
      lineTotal    DECIMAL(10,2) = qty*itemPrice - discountAmt (exact, in cents; shipping not included)
      orderStatus  VARCHAR   'completed' | 'cancelled' | 'returned' (per line; a cancelled order has all
                             lines cancelled, returns are per line)
      device       VARCHAR   'ios' | 'android' | 'web'
  order_lines/_SUCCESS  marker (not parquet)
  sellers.parquet  sellerId INTEGER, sellerName, sellerCountry, sellerTier ('gold','silver','bronze'),
                   joinedOn DATE (a seller has no lines before joinedOn)
  skus.parquet     skuId, title, brand, category (Electronics, Home, Fashion, Beauty, Toys, Sports,
                   Books, Grocery), subCategory, listPrice DECIMAL(10,2)
  buyers.parquet   buyerId INTEGER, buyerCountry, signupChannel ('organic','paid_search','social',
                   'referral'), isPrime BOOLEAN

Planted structure: yearly growth; November peak (Black Friday 2023-11-24 / 2024-11-29 spikes, Cyber
Monday), December second; Beauty grows much faster than other categories; android share of orders rises
every year (ios roughly flat, web shrinking); a handful of very large sellers (Pareto); Fashion has the
highest return share; web has the highest cancellation share; Prime buyers order more and rarely pay
shipping.

Measure definitions used by the eval cases (cases.jsonl):
  GMV / revenue / sales = SUM(lineTotal) over all lines (no status filter unless the question asks)
  orders                = COUNT(DISTINCT orderId)
  units / items         = SUM(qty)
  buyers / customers    = COUNT(DISTINCT buyerId)
  sellers (active)      = COUNT(DISTINCT sellerId) among lines
  average order value   = revenue / orders
  shipping revenue      = SUM(shippingFee)
  cancellation rate     = share of order LINES with orderStatus = 'cancelled' (return rate likewise)
  dates                 = CAST(dt AS DATE); "this year" = 2024, "last month" = 2024-12,
                          "last 7 days" = 2024-12-25 .. 2024-12-31
"""
import argparse, bisect, csv, datetime as dt, os, random, shutil

SEED = 20250611
N_ORDERS = 146000
N_SELLERS = 80
N_SKUS = 1500
N_BUYERS = 20000
START, END = dt.date(2022, 1, 1), dt.date(2024, 12, 31)

CATEGORIES = {  # name: (base weight, price lo, price hi, subcategories, brands, nouns)
    "Electronics": (15, 15, 650, ["Phones", "Audio", "Computers", "Cameras", "Accessories"],
                    ["Voltix", "Sonara", "Pixelon", "Kirin Tech", "Ampere"],
                    ["Earbuds", "Smartphone", "Laptop", "Action Camera", "Charger", "Speaker", "Tablet"]),
    "Home": (15, 8, 400, ["Kitchen", "Furniture", "Decor", "Bedding"],
             ["Hearthly", "Casa Nova", "Oakbay", "Linden"],
             ["Skillet", "Armchair", "Table Lamp", "Duvet", "Rug", "Kettle", "Shelf"]),
    "Fashion": (16, 10, 220, ["Women", "Men", "Shoes", "Accessories"],
                ["Marlowe", "Urban Thread", "Solvej", "Kestrel"],
                ["Sneakers", "Denim Jacket", "Dress", "Backpack", "Hoodie", "Boots", "Scarf"]),
    "Beauty": (8, 5, 120, ["Skincare", "Makeup", "Haircare", "Fragrance"],
               ["Lumiere", "Dewdrop", "Velour", "Petalis"],
               ["Serum", "Lipstick", "Shampoo", "Eau de Parfum", "Face Mask", "Mascara"]),
    "Toys": (9, 6, 150, ["Building Sets", "Dolls", "Games", "Outdoor Play"],
             ["Brickly", "Funhaus", "Tiny Titans"],
             ["Brick Set", "Doll House", "Board Game", "Water Blaster", "Puzzle", "Plush"]),
    "Sports": (11, 8, 500, ["Fitness", "Cycling", "Outdoor", "Team Sports"],
               ["Stridon", "Peakline", "Aerofit", "Trailcraft"],
               ["Yoga Mat", "Bike Helmet", "Tent", "Football", "Dumbbells", "Running Vest"]),
    "Books": (10, 4, 60, ["Fiction", "Non-Fiction", "Children", "Comics"],
              ["Quillstone", "Bramble Press", "Northlight"],
              ["Novel", "Cookbook", "Picture Book", "Graphic Novel", "Biography", "Atlas"]),
    "Grocery": (14, 2, 45, ["Snacks", "Beverages", "Pantry", "Coffee & Tea"],
                ["Harvest Lane", "Gourmand", "Brewster"],
                ["Granola", "Cold Brew", "Olive Oil", "Espresso Beans", "Trail Mix", "Sparkling Water"]),
}
# category growth multipliers per year (Beauty is the planted fast grower)
CAT_YEAR = {"Beauty": {2022: 1.0, 2023: 1.55, 2024: 2.35}, "Books": {2022: 1.0, 2023: 0.93, 2024: 0.86},
            "Electronics": {2022: 1.0, 2023: 1.08, 2024: 1.12}}
CAT_MONTH_BOOST = {"Toys": {11: 1.9, 12: 2.3}, "Electronics": {11: 1.5, 12: 1.3}, "Sports": {1: 1.4}}
MONTH_W = [0.82, 0.76, 0.86, 0.86, 0.9, 0.92, 0.94, 0.92, 0.95, 1.04, 1.62, 1.38]
YEAR_W = {2022: 1.0, 2023: 1.17, 2024: 1.33}
DEVICE_W = {2022: (0.36, 0.29, 0.35), 2023: (0.36, 0.37, 0.27), 2024: (0.35, 0.46, 0.19)}  # ios, android, web
SELLER_COUNTRIES = [("United States", 22), ("Germany", 13), ("United Kingdom", 12), ("China", 11),
                    ("France", 7), ("Italy", 6), ("Spain", 5), ("Poland", 4)]
BUYER_COUNTRIES = [("United States", 30), ("Germany", 16), ("United Kingdom", 15), ("France", 11),
                   ("Italy", 8), ("Spain", 8), ("Netherlands", 6), ("Poland", 6)]
NAME_A = ["Blue", "North", "Bright", "Silver", "Golden", "Urban", "Prime", "Green", "Red", "Swift",
          "Coastal", "Maple", "Iron", "Lucky", "Happy", "Grand", "Alpine", "Sunny", "Royal", "Wild"]
NAME_B = ["Harbor", "Peak", "Market", "Goods", "Trading", "Outlet", "Emporium", "Depot", "Bazaar",
          "Supply", "Works", "Corner", "House", "Store", "Hub"]
ADJS = ["Classic", "Pro", "Mini", "Deluxe", "Eco", "Smart", "Ultra", "Compact", "Premium", "Essential",
        "Max", "Lite", "Plus", "Air", "Flex"]


def cents(c):
    return f"{c // 100}.{c % 100:02d}"


def cumsum(ws):
    out, s = [], 0.0
    for w in ws:
        s += w
        out.append(s)
    return out


def pick(rng, cum):
    i = bisect.bisect_left(cum, rng.random() * cum[-1])
    return min(i, len(cum) - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    import duckdb
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, "_tmp_gen")
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    cats = list(CATEGORIES)

    # ---- sellers: Pareto sizes, 1-3 categories each, some joined during the data window
    names = [f"{a} {b}" for a in NAME_A for b in NAME_B]
    rng.shuffle(names)
    sellers = []  # (id, name, country, tier, joined, weight, cats)
    sc, scw = [c for c, _ in SELLER_COUNTRIES], [w for _, w in SELLER_COUNTRIES]
    for i in range(N_SELLERS):
        w = 1.0 / (i + 1.5) ** 1.15 * (0.85 + 0.3 * rng.random())
        if i < 5:
            tier = "gold"
        else:
            tier = rng.choices(["gold", "silver", "bronze"], [50, 40, 10] if i < 15 else [8, 37, 55] if i < 35 else [3, 30, 67])[0]
        if i < 55:
            joined = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(2021, 12, 1) - dt.date(2016, 1, 1)).days))
        else:
            joined = START + dt.timedelta(days=rng.randrange((dt.date(2024, 9, 1) - START).days))
        ncat = rng.choices([1, 2, 3], [45, 40, 15])[0] if i >= 5 else 2
        sellers.append([101 + i, names[i], rng.choices(sc, scw)[0], tier, joined, w,
                        rng.sample(cats, ncat)])
    sellers[0][2] = "United States"
    for ci, c in enumerate(cats):  # every category has at least two established sellers
        for k in (ci % 50 + 5, (ci * 7 + 11) % 50 + 5):
            if c not in sellers[k][6]:
                sellers[k][6].append(c)
    rng.shuffle(sellers)  # ids not ordered by size
    for i, s in enumerate(sellers):
        s[0] = 101 + i
    seller_by_id = {s[0]: s for s in sellers}

    # ---- skus
    skus = []  # (id, title, brand, cat, sub, list_cents, seller_id, pop)
    titles = set()
    cw = [CATEGORIES[c][0] for c in cats]
    for i in range(N_SKUS):
        if i < 3 * N_SELLERS:  # every seller lists at least three skus
            owner = sellers[i % N_SELLERS]
            c = rng.choice(owner[6])
        else:
            owner = None
            c = rng.choices(cats, cw)[0]
        _, lo, hi, subs, brands, nouns = CATEGORIES[c]
        sub = rng.choice(subs)
        b = rng.choices(brands, [1.0 / (k + 1) ** 0.7 for k in range(len(brands))])[0]
        while True:
            t = f"{b} {rng.choice(ADJS)} {rng.choice(nouns)}"
            if t in titles:
                t = f"{t} {rng.randint(2, 99)}"
            if t not in titles:
                break
        titles.add(t)
        price = int(round((lo + (hi - lo) * rng.random() ** 2.2) * 100))
        price = max(199, price - price % 100 + rng.choice([99, 49, 95]))
        if owner is None:
            cands = [s for s in sellers if c in s[6]]
            s = rng.choices(cands, [x[5] ** 0.45 for x in cands])[0]
        else:
            s = owner
        pop = (1.0 / (rng.random() * 25 + 1)) ** 0.8 * (0.5 + rng.random())
        skus.append([f"SKU-{10001 + i}", t, b, c, sub, price, s[0], pop])
    by_cat = {c: [k for k in skus if k[3] == c] for c in cats}
    # sku popularity also scales with the seller's size so big sellers really are big
    cat_cum = {c: cumsum([k[7] * (seller_by_id[k[6]][5] * 40) ** 0.35 for k in by_cat[c]]) for c in cats}

    # ---- buyers
    bc, bcw = [c for c, _ in BUYER_COUNTRIES], [w for _, w in BUYER_COUNTRIES]
    buyers = []
    for i in range(N_BUYERS):
        ch = rng.choices(["organic", "paid_search", "social", "referral"], [42, 26, 20, 12])[0]
        prime = rng.random() < 0.32
        act = (2.2 if prime else 1.0) * (0.2 + rng.random() ** 2 * 3.0)
        buyers.append((50001 + i, rng.choices(bc, bcw)[0], ch, prime, act))
    buyer_cum = cumsum([b[4] for b in buyers])

    # ---- order days
    days, dwts = [], []
    d = START
    while d <= END:
        w = MONTH_W[d.month - 1] * YEAR_W[d.year] * (1.1 if d.weekday() >= 5 else 1.0)
        w *= 0.9 + 0.2 * rng.random()
        bf = {2022: 25, 2023: 24, 2024: 29}[d.year]
        if d.month == 11 and d.day == bf:
            w *= 3.2
        elif d.month == 11 and bf < d.day <= bf + 3:
            w *= 2.0  # weekend + cyber monday
        elif d.month == 12 and 26 <= d.day <= 31:
            w *= 0.8
        days.append(d)
        dwts.append(w)
        d += dt.timedelta(days=1)
    odates = sorted(rng.choices(days, dwts, k=N_ORDERS))

    lcsv = os.path.join(tmp, "lines.csv")
    n_lines = 0
    cat_cache = {}
    with open(lcsv, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["orderId", "lineNo", "buyerId", "sellerId", "skuId", "qty", "itemPrice",
                     "discountAmt", "shippingFee", "lineTotal", "orderStatus", "device", "dt"])
        for k, od in enumerate(odates):
            oid = f"MP-{1000000 + k}"
            b = buyers[pick(rng, buyer_cum)]
            y = od.year
            dev = rng.choices(["ios", "android", "web"], DEVICE_W[y])[0]
            cancelled = rng.random() < {"ios": 0.028, "android": 0.036, "web": 0.061}[dev]
            key = (y, od.month)
            if key not in cat_cache:
                cat_cache[key] = cumsum([CATEGORIES[c][0] * CAT_YEAR.get(c, {}).get(y, 1.0 + 0.04 * (y - 2022))
                                         * CAT_MONTH_BOOST.get(c, {}).get(od.month, 1.0) for c in cats])
            ccum = cat_cache[key]
            nlines = rng.choices([1, 2, 3, 4, 5], [44, 26, 16, 9, 5])[0]
            chosen = set()
            main_cat = cats[pick(rng, ccum)]
            for ln in range(1, nlines + 1):
                c = main_cat if rng.random() < 0.55 else cats[pick(rng, ccum)]
                for _ in range(30):
                    sku = by_cat[c][pick(rng, cat_cum[c])]
                    if sku[0] not in chosen and seller_by_id[sku[6]][4] <= od:
                        break
                else:
                    continue
                chosen.add(sku[0])
                qty = rng.choices([1, 2, 3, 4, 6], [72, 17, 6, 3, 2] if c != "Grocery" else [40, 25, 15, 10, 10])[0]
                up = sku[5]
                if rng.random() < (0.35 if od.month == 11 else 0.15):
                    up = max(99, int(round(up * rng.choice([0.9, 0.85, 0.8, 0.75]))))
                gross = qty * up
                disc = 0
                if rng.random() < 0.18:
                    disc = int(round(gross * rng.choice([0.05, 0.1, 0.15, 0.2])))
                if b[3] and rng.random() < 0.9:
                    ship = 0
                elif up >= 5000 and rng.random() < 0.6:
                    ship = 0
                else:
                    ship = rng.choice([199, 299, 399, 499, 599, 799]) + (300 if c in ("Home", "Sports") else 0)
                if cancelled:
                    st = "cancelled"
                elif rng.random() < {"Fashion": 0.13, "Electronics": 0.06, "Beauty": 0.035}.get(c, 0.025):
                    st = "returned"
                else:
                    st = "completed"
                wr.writerow([oid, len(chosen), b[0], sku[6], sku[0], qty, cents(up), cents(disc), cents(ship),
                             cents(gross - disc), st, dev, od.isoformat()])
                n_lines += 1

    scsv, kcsv, bcsv = (os.path.join(tmp, n) for n in ("sellers.csv", "skus.csv", "buyers.csv"))
    with open(scsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sellerId", "sellerName", "sellerCountry", "sellerTier", "joinedOn"])
        for s in sorted(sellers):
            w.writerow([s[0], s[1], s[2], s[3], s[4].isoformat()])
    with open(kcsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["skuId", "title", "brand", "category", "subCategory", "listPrice"])
        for s in skus:
            w.writerow([s[0], s[1], s[2], s[3], s[4], cents(s[5])])
    with open(bcsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["buyerId", "buyerCountry", "signupChannel", "isPrime"])
        for b in buyers:
            w.writerow([b[0], b[1], b[2], "true" if b[3] else "false"])

    con = duckdb.connect()
    con.execute("SET threads = 1")  # deterministic row order within files
    con.execute("SET preserve_insertion_order = true")

    def q(path):
        return "'" + path.replace("'", "''") + "'"
    ol = os.path.join(out, "order_lines")
    if os.path.exists(ol):
        shutil.rmtree(ol)
    con.execute(f"""COPY (SELECT orderId, CAST(lineNo AS INTEGER) lineNo, CAST(buyerId AS INTEGER) buyerId,
        CAST(sellerId AS INTEGER) sellerId, skuId, CAST(qty AS INTEGER) qty,
        CAST(itemPrice AS DECIMAL(10,2)) itemPrice, CAST(discountAmt AS DECIMAL(10,2)) discountAmt,
        CAST(shippingFee AS DECIMAL(10,2)) shippingFee, CAST(lineTotal AS DECIMAL(10,2)) lineTotal,
        orderStatus, device, CAST(dt AS DATE) dt
        FROM read_csv({q(lcsv)}, header=true, all_varchar=true))
        TO {q(ol)} (FORMAT parquet, PARTITION_BY (dt), FILENAME_PATTERN 'part-{{i}}')""")
    con.execute(f"""COPY (SELECT CAST(sellerId AS INTEGER) sellerId, sellerName, sellerCountry, sellerTier,
        CAST(joinedOn AS DATE) joinedOn FROM read_csv({q(scsv)}, header=true, all_varchar=true) ORDER BY 1)
        TO {q(os.path.join(out, 'sellers.parquet'))} (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT skuId, title, brand, category, subCategory, CAST(listPrice AS DECIMAL(10,2)) listPrice
        FROM read_csv({q(kcsv)}, header=true, all_varchar=true) ORDER BY 1)
        TO {q(os.path.join(out, 'skus.parquet'))} (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT CAST(buyerId AS INTEGER) buyerId, buyerCountry, signupChannel,
        CAST(isPrime AS BOOLEAN) isPrime FROM read_csv({q(bcsv)}, header=true, all_varchar=true) ORDER BY 1)
        TO {q(os.path.join(out, 'buyers.parquet'))} (FORMAT parquet)""")
    con.close()
    shutil.rmtree(tmp)
    with open(os.path.join(ol, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\norders={N_ORDERS}\norder_lines={n_lines}\n")
    print(f"wrote {out}: orders={N_ORDERS} order_lines={n_lines} sellers={N_SELLERS} skus={N_SKUS} buyers={N_BUYERS}")


if __name__ == "__main__":
    main()
