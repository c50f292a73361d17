#!/usr/bin/env python3
"""Deterministic generator for a small e-commerce "shop" lake (held-out eval).

Usage: python3 gen.py --out DIR

Creates DIR and writes:
  orders.csv           Title Case headers: "Order ID", "Order Date" (timestamp text
                       YYYY-MM-DD HH:MM:SS), "Customer ID", "Sales Channel"
                       (Web/App/Marketplace), "Country", "Shipping Fee",
                       "Status" (Delivered/Cancelled/Refunded)
  order_items.parquet  order_id, line_no, product_id, qty, unit_price,
                       discount_amount, line_total (= qty*unit_price - discount_amount)
  products.parquet     product_id, title, department, brand, list_price
  customers.parquet    customer_id, full_name, loyalty_tier, signup_date, city
  _SUCCESS             marker with seed and row counts (written last)

Measure definitions used by the eval cases (cases.jsonl):
  revenue             = SUM(order_items.line_total)   (no status filter unless asked)
  orders              = COUNT(DISTINCT orders."Order ID")
  units               = SUM(order_items.qty)
  customers           = COUNT(DISTINCT customer id)
  average order value = revenue / orders
Money columns in parquet are DECIMAL(10,2); line_total is computed exactly in cents.
Only the python standard library + duckdb are needed (duckdb writes the parquet).
"""
import argparse, bisect, csv, datetime as dt, os, random, shutil

SEED = 20240917
N_ORDERS = 40000
N_PRODUCTS = 300
N_CUSTOMERS = 5000

COUNTRY_CITIES = {
    "United States": ["New York", "Chicago", "Austin"],
    "United Kingdom": ["London", "Manchester"],
    "Germany": ["Berlin", "Munich"],
    "France": ["Paris", "Lyon"],
    "Canada": ["Toronto", "Vancouver"],
    "Australia": ["Sydney", "Melbourne"],
    "Spain": ["Madrid", "Barcelona"],
}
COUNTRY_W = {"United States": 34, "United Kingdom": 18, "Germany": 15, "France": 11,
             "Canada": 9, "Australia": 7, "Spain": 6}
DEPARTMENTS = {  # name: (price_lo, price_hi, nouns)
    "Kitchen": (8, 120, ["Skillet", "Knife Set", "Blender", "Cutting Board", "Kettle", "Mixing Bowl", "Toaster"]),
    "Garden": (5, 150, ["Hose", "Planter", "Pruner", "Rake", "Sprinkler", "Seed Kit", "Wheelbarrow"]),
    "Electronics": (15, 400, ["Headphones", "Speaker", "Charger", "Webcam", "Keyboard", "Monitor", "Smartwatch"]),
    "Home Decor": (10, 180, ["Lamp", "Rug", "Vase", "Mirror", "Cushion", "Wall Clock", "Candle Set"]),
    "Toys": (6, 90, ["Puzzle", "Building Blocks", "Plush Bear", "RC Car", "Board Game", "Doll House"]),
    "Sports": (10, 250, ["Yoga Mat", "Dumbbell Set", "Tennis Racket", "Running Belt", "Water Bottle", "Jump Rope"]),
    "Beauty": (4, 80, ["Face Cream", "Shampoo", "Lip Balm", "Hair Dryer", "Perfume", "Nail Kit"]),
}
DEPT_W = {"Kitchen": 18, "Garden": 12, "Electronics": 20, "Home Decor": 14, "Toys": 12, "Sports": 13, "Beauty": 11}
BRANDS = ["Acme", "Northwind", "Lumio", "Verdant", "Zenith", "Kora", "Brightline",
          "Oakridge", "Nimbus", "Pulse", "Hearth & Co", "Tidewater", "Fennel"]
ADJS = ["Classic", "Pro", "Mini", "Deluxe", "Eco", "Smart", "Ultra", "Compact", "Premium", "Essential", "Max", "Lite"]
FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
         "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley",
         "Steven", "Emily", "Andrew", "Donna", "Kevin", "Michelle", "Brian", "Carol", "George", "Amanda",
         "Lukas", "Emma", "Hugo", "Chloe", "Mateo", "Lucia", "Noah", "Olivia", "Liam", "Mia",
         "Felix", "Lea", "Oscar", "Zoe", "Leon", "Clara", "Arthur", "Ines", "Jack", "Grace",
         "Henry", "Alice", "Samuel", "Ruby", "Victor", "Nora", "Adam", "Julia", "Ethan", "Sofia",
         "Owen", "Hannah", "Isaac", "Eva", "Max", "Lena", "Tom", "Ava", "Ben", "Maya"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Lopez",
        "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
        "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green",
        "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Moreau", "Laurent", "Bernard", "Petit",
        "Fernandez", "Sanchez", "Romero", "Navarro", "Torres", "Campbell", "Evans", "Murphy", "Kelly", "Wood",
        "Patel", "Nguyen", "Chen", "Singh", "Kim", "Baker", "Cooper", "Reed", "Bell", "Ward",
        "Hughes", "Price", "Foster", "Gray", "Brooks", "Hayes", "Ross", "Fox", "Hunt", "Lane"]
MONTH_W = [0.80, 0.70, 0.82, 0.85, 0.90, 0.88, 0.95, 1.00, 0.93, 1.05, 1.55, 1.85]
YEAR_W = {2022: 1.00, 2023: 1.18, 2024: 1.33}


def cents(x):
    return "%d.%02d" % divmod(int(x), 100)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    import duckdb
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, "_tmp_gen")
    os.makedirs(tmp, exist_ok=True)

    # ---- products
    products = []  # (id, title, dept, brand, list_price_cents)
    titles = set()
    depts, dw = list(DEPT_W), list(DEPT_W.values())
    for i in range(N_PRODUCTS):
        pid = 1001 + i
        d = rng.choices(depts, dw)[0]
        lo, hi, nouns = DEPARTMENTS[d]
        b = rng.choice(BRANDS)
        while True:
            t = f"{b} {rng.choice(ADJS)} {rng.choice(nouns)}"
            if t not in titles:
                break
            t = f"{t} {rng.randint(2, 9)}00"
            if t not in titles:
                break
        titles.add(t)
        price = int(round((lo + (hi - lo) * rng.random() ** 1.6) * 100))
        price = price - price % 100 + 99  # x.99 pricing
        products.append((pid, t, d, b, price))
    # zipf-ish popularity, shuffled so it is not tied to id
    pop = [1.0 / (r + 3) ** 0.9 for r in range(N_PRODUCTS)]
    rng.shuffle(pop)
    pop_cum = []
    s = 0.0
    for w in pop:
        s += w
        pop_cum.append(s)

    # ---- customers
    names = [(f, l) for f in FIRST for l in LAST]
    rng.shuffle(names)
    start_signup = dt.date(2019, 6, 1)
    span_signup = (dt.date(2024, 12, 31) - start_signup).days
    custs = []
    countries, cw = list(COUNTRY_W), list(COUNTRY_W.values())
    for i in range(N_CUSTOMERS):
        sd = start_signup + dt.timedelta(days=int(span_signup * rng.random() ** 0.8))
        tier = rng.choices(["Bronze", "Silver", "Gold"], [60, 28, 12])[0]
        country = rng.choices(countries, cw)[0]
        city = rng.choice(COUNTRY_CITIES[country])
        custs.append([sd, f"{names[i][0]} {names[i][1]}", tier, city, country])
    custs.sort(key=lambda c: c[0])  # ids assigned in signup order
    customers = []
    for i, c in enumerate(custs):
        customers.append((10001 + i, c[1], c[2], c[0], c[3], c[4]))
    signups = [c[3] for c in customers]
    activity = [{"Bronze": 1.0, "Silver": 1.6, "Gold": 2.6}[c[2]] * (0.3 + rng.random() * 1.7) for c in customers]
    act_cum = []
    s = 0.0
    for w in activity:
        s += w
        act_cum.append(s)

    # ---- order dates (seasonality + growth + weekend bump)
    days, dwts = [], []
    d = dt.date(2022, 1, 1)
    while d <= dt.date(2024, 12, 31):
        w = MONTH_W[d.month - 1] * YEAR_W[d.year] * (1.12 if d.weekday() >= 5 else 1.0)
        if d.month == 11 and 24 <= d.day <= 30:  # black-friday week
            w *= 1.8
        days.append(d)
        dwts.append(w)
        d += dt.timedelta(days=1)
    odates = sorted(rng.choices(days, dwts, k=N_ORDERS))
    hour_w = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 5.5, 6, 5.5, 5, 5, 5.5, 6, 7, 8, 8, 7, 5, 2.5]

    ocsv = os.path.join(out, "orders.csv")
    icsv = os.path.join(tmp, "items.csv")
    n_items = 0
    with open(ocsv, "w", newline="") as fo, open(icsv, "w", newline="") as fi:
        wo, wi = csv.writer(fo), csv.writer(fi)
        wo.writerow(["Order ID", "Order Date", "Customer ID", "Sales Channel", "Country", "Shipping Fee", "Status"])
        wi.writerow(["order_id", "line_no", "product_id", "qty", "unit_price", "discount_amount", "line_total"])
        for k, od in enumerate(odates):
            oid = 500001 + k
            ts = dt.datetime(od.year, od.month, od.day, rng.choices(range(24), hour_w)[0],
                             rng.randrange(60), rng.randrange(60))
            # customer who had signed up by the order date
            hi = bisect.bisect_right(signups, od)
            hi = max(hi, 50)
            ci = bisect.bisect_left(act_cum, rng.random() * act_cum[hi - 1], 0, hi)
            cust = customers[min(ci, hi - 1)]
            t = (od - dt.date(2022, 1, 1)).days / 1095.0
            ch = rng.choices(["Web", "App", "Marketplace"], [0.55 - 0.2 * t, 0.20 + 0.22 * t, 0.25 - 0.02 * t])[0]
            country = cust[5] if rng.random() < 0.95 else rng.choices(countries, cw)[0]
            status = rng.choices(["Delivered", "Cancelled", "Refunded"],
                                 [88, {"Web": 6, "App": 5, "Marketplace": 9}[ch], 5])[0]
            nlines = rng.choices([1, 2, 3, 4, 5, 6], [30, 28, 20, 12, 7, 3])[0]
            chosen = set()
            subtotal = 0
            for ln in range(1, nlines + 1):
                while True:
                    pi = bisect.bisect_left(pop_cum, rng.random() * pop_cum[-1])
                    pi = min(pi, N_PRODUCTS - 1)
                    if pi not in chosen:
                        break
                chosen.add(pi)
                p = products[pi]
                qty = rng.choices([1, 2, 3, 4], [65, 22, 9, 4])[0]
                up = p[4]
                if rng.random() < 0.2:  # sale price
                    up = int(round(up * rng.choice([0.9, 0.85, 0.8])))
                gross = qty * up
                disc = 0 if rng.random() < 0.7 else int(round(gross * rng.choice([0.05, 0.1, 0.15, 0.2])))
                lt = gross - disc
                subtotal += lt
                wi.writerow([oid, ln, p[0], qty, cents(up), cents(disc), cents(lt)])
                n_items += 1
            fee = 0 if subtotal >= 5000 else rng.choice([399, 499, 599, 799])
            if ch == "Marketplace" and fee == 0 and rng.random() < 0.3:
                fee = 299
            wo.writerow([oid, ts.strftime("%Y-%m-%d %H:%M:%S"), cust[0], ch, country, cents(fee), status])

    pcsv = os.path.join(tmp, "products.csv")
    with open(pcsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["product_id", "title", "department", "brand", "list_price"])
        for p in products:
            w.writerow([p[0], p[1], p[2], p[3], cents(p[4])])
    ccsv = os.path.join(tmp, "customers.csv")
    with open(ccsv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "full_name", "loyalty_tier", "signup_date", "city"])
        for c in customers:
            w.writerow([c[0], c[1], c[2], c[3].isoformat(), c[4]])

    con = duckdb.connect()
    def q(path):
        return "'" + path.replace("'", "''") + "'"
    con.execute(f"""COPY (SELECT CAST(order_id AS INTEGER) order_id, CAST(line_no AS INTEGER) line_no,
        CAST(product_id AS INTEGER) product_id, CAST(qty AS INTEGER) qty,
        CAST(unit_price AS DECIMAL(10,2)) unit_price, CAST(discount_amount AS DECIMAL(10,2)) discount_amount,
        CAST(line_total AS DECIMAL(10,2)) line_total
        FROM read_csv({q(icsv)}, header=true, all_varchar=true) ORDER BY order_id, line_no)
        TO {q(os.path.join(out, 'order_items.parquet'))} (FORMAT PARQUET)""")
    con.execute(f"""COPY (SELECT CAST(product_id AS INTEGER) product_id, title, department, brand,
        CAST(list_price AS DECIMAL(10,2)) list_price
        FROM read_csv({q(pcsv)}, header=true, all_varchar=true) ORDER BY product_id)
        TO {q(os.path.join(out, 'products.parquet'))} (FORMAT PARQUET)""")
    con.execute(f"""COPY (SELECT CAST(customer_id AS INTEGER) customer_id, full_name, loyalty_tier,
        CAST(signup_date AS DATE) signup_date, city
        FROM read_csv({q(ccsv)}, header=true, all_varchar=true) ORDER BY customer_id)
        TO {q(os.path.join(out, 'customers.parquet'))} (FORMAT PARQUET)""")
    con.close()
    shutil.rmtree(tmp)
    with open(os.path.join(out, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\norders={N_ORDERS}\norder_items={n_items}\n"
                f"products={N_PRODUCTS}\ncustomers={N_CUSTOMERS}\n")
    print(f"wrote {out}: orders={N_ORDERS} order_items={n_items} products={N_PRODUCTS} customers={N_CUSTOMERS}")


if __name__ == "__main__":
    main()
