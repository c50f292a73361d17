#!/usr/bin/env python3
"""Deterministic generator for the 'flat2' held-out retail data set.

Usage: python3 gen.py --out DIR

Writes two CSV files into DIR:
  Retail Transactions.csv  one row per transaction line, 2022-01-01 .. 2024-12-31
  Store Targets.csv        one row per (store, year): annual revenue target
Fixed seed, stdlib only: the same output on every run.
"""
import argparse
import csv
import datetime as dt
import math
import os
import random

SEED = 20240917

# (store name, city, size weight, opening date)
STORES = [
    ("Larkspur Denver Union Station", "Denver", 1.35, dt.date(2022, 1, 1)),
    ("Larkspur Denver Highlands", "Denver", 0.95, dt.date(2022, 1, 1)),
    ("Larkspur Portland Pearl", "Portland", 1.20, dt.date(2022, 1, 1)),
    ("Larkspur Portland Sellwood", "Portland", 0.70, dt.date(2022, 1, 1)),
    ("Larkspur Austin South Congress", "Austin", 1.25, dt.date(2022, 1, 1)),
    ("Larkspur Seattle Ballard", "Seattle", 1.10, dt.date(2022, 1, 1)),
    ("Larkspur Minneapolis Uptown", "Minneapolis", 0.90, dt.date(2022, 1, 1)),
    ("Larkspur Nashville Gulch", "Nashville", 1.00, dt.date(2022, 1, 1)),
    ("Larkspur Raleigh Glenwood", "Raleigh", 0.80, dt.date(2022, 1, 1)),
    ("Larkspur Boise Hyde Park", "Boise", 0.55, dt.date(2022, 1, 1)),
    ("Larkspur Tucson Sam Hughes", "Tucson", 0.65, dt.date(2022, 1, 1)),
    ("Larkspur Omaha Old Market", "Omaha", 0.60, dt.date(2023, 6, 1)),
]

# category -> (basket weight, return-rate multiplier, [(product name, brand, base price)])
CATALOG = {
    "Groceries": (3.0, 0.5, [
        ("Rolled Oats 1kg", "Harvest Lane", 3.49), ("Basmati Rice 2kg", "Harvest Lane", 5.99),
        ("Penne Pasta 500g", "Bella Forno", 1.89), ("Spaghetti 500g", "Bella Forno", 1.79),
        ("Marinara Sauce 680g", "Bella Forno", 3.29), ("Peanut Butter Crunchy", "Nutwell", 4.49),
        ("Almond Butter Smooth", "Nutwell", 7.99), ("Wildflower Honey 500g", "Hive & Meadow", 8.49),
        ("Free Range Eggs Dozen", "Sunny Coop", 4.99), ("Sourdough Loaf", "Stonemill Bakery", 4.29),
        ("Whole Wheat Bread", "Stonemill Bakery", 3.19), ("Greek Yogurt 1kg", "Alpine Dairy", 5.49),
        ("Cheddar Block 400g", "Alpine Dairy", 6.29), ("Salted Butter 250g", "Alpine Dairy", 3.99),
        ("Granola Maple Pecan", "Harvest Lane", 5.79), ("Canned Chickpeas", "Harvest Lane", 1.29),
        ("Tomato Passata", "Bella Forno", 2.49), ("Frozen Mixed Berries", "Polar Fields", 6.99),
        ("Frozen Peas 1kg", "Polar Fields", 3.49), ("Extra Virgin Olive Oil 1L", "Bella Forno", 11.99),
    ]),
    "Fresh Produce": (2.4, 0.6, [
        ("Bananas Bunch", "Green Acre", 1.99), ("Gala Apples 1.5kg", "Green Acre", 4.49),
        ("Baby Spinach 300g", "Green Acre", 3.79), ("Avocados 4 Pack", "Sol Verde", 5.49),
        ("Vine Tomatoes 500g", "Sol Verde", 3.29), ("Red Onions 1kg", "Green Acre", 1.89),
        ("Sweet Potatoes 1kg", "Green Acre", 2.79), ("Blueberries 250g", "Sol Verde", 4.99),
        ("Lemons 6 Pack", "Sol Verde", 2.99), ("Carrots 1kg", "Green Acre", 1.49),
        ("Broccoli Crown", "Green Acre", 2.19), ("Organic Strawberries", "Sol Verde", 5.99),
    ]),
    "Beverages": (2.2, 0.7, [
        ("Sparkling Water 12 Pack", "Clearspring", 6.49), ("Still Water 6 Pack", "Clearspring", 3.99),
        ("Cold Brew Coffee 1L", "Roastwell", 5.99), ("Ground Coffee Medium 500g", "Roastwell", 9.49),
        ("Espresso Beans 1kg", "Roastwell", 18.99), ("Green Tea 40 Bags", "Leaf & Kettle", 4.29),
        ("Earl Grey 80 Bags", "Leaf & Kettle", 5.49), ("Orange Juice 1.75L", "Sunpress", 4.79),
        ("Apple Juice 1.75L", "Sunpress", 4.19), ("Cola 12 Pack", "Fizzco", 7.49),
        ("Lemon Soda 12 Pack", "Fizzco", 6.99), ("Oat Milk 1L", "Alpine Dairy", 3.49),
        ("Kombucha Ginger", "Leaf & Kettle", 3.99), ("Energy Drink 4 Pack", "Fizzco", 8.99),
    ]),
    "Snacks": (1.8, 0.6, [
        ("Sea Salt Kettle Chips", "Crunch Hollow", 3.49), ("Tortilla Chips Lime", "Crunch Hollow", 3.79),
        ("Dark Chocolate Bar 85%", "Cacao Ridge", 3.29), ("Milk Chocolate Bar", "Cacao Ridge", 2.79),
        ("Trail Mix 500g", "Nutwell", 7.49), ("Roasted Almonds 400g", "Nutwell", 8.99),
        ("Protein Bar Box", "Peak Fuel", 14.99), ("Rice Crackers", "Crunch Hollow", 2.49),
        ("Microwave Popcorn 6 Pack", "Crunch Hollow", 4.49), ("Gummy Bears 300g", "Cacao Ridge", 2.99),
        ("Oat Cookies", "Stonemill Bakery", 3.99),
    ]),
    "Household": (1.5, 1.0, [
        ("Laundry Detergent 3L", "Brightfold", 14.99), ("Dish Soap Lemon", "Brightfold", 3.49),
        ("Paper Towels 6 Roll", "Softwave", 9.99), ("Toilet Paper 12 Roll", "Softwave", 11.49),
        ("Trash Bags 40 Count", "Brightfold", 8.49), ("All Purpose Cleaner", "Brightfold", 4.99),
        ("Dishwasher Tablets 50", "Brightfold", 13.99), ("Sponges 6 Pack", "Softwave", 3.29),
        ("Aluminium Foil 30m", "Kitchen Pro", 5.49), ("Food Storage Bags", "Kitchen Pro", 4.29),
        ("LED Light Bulb 4 Pack", "Kitchen Pro", 12.99), ("AA Batteries 8 Pack", "Voltline", 9.49),
    ]),
    "Personal Care": (1.2, 1.2, [
        ("Shampoo Argan 400ml", "Pure Bloom", 8.99), ("Conditioner Argan 400ml", "Pure Bloom", 8.99),
        ("Body Wash Citrus", "Pure Bloom", 6.49), ("Toothpaste Whitening", "Smile Bright", 3.99),
        ("Electric Toothbrush Heads", "Smile Bright", 19.99), ("Deodorant Stick", "Pure Bloom", 5.49),
        ("Sunscreen SPF50", "Solshield", 12.99), ("Hand Cream 100ml", "Solshield", 7.49),
        ("Razor Cartridges 4", "Edgeline", 16.99), ("Cotton Pads 100", "Softwave", 2.99),
    ]),
    "Baby & Kids": (0.6, 1.4, [
        ("Diapers Size 3 Jumbo", "Little Sprout", 24.99), ("Baby Wipes 3 Pack", "Little Sprout", 8.99),
        ("Infant Formula 800g", "Little Sprout", 29.99), ("Kids Toothpaste", "Smile Bright", 3.49),
        ("Fruit Pouches 4 Pack", "Little Sprout", 5.99), ("Baby Shampoo", "Pure Bloom", 6.99),
        ("Crayons 24 Pack", "Doodle Box", 4.49), ("Coloring Book", "Doodle Box", 5.99),
    ]),
    "Pet Supplies": (0.7, 0.9, [
        ("Dry Dog Food 6kg", "Tailwag", 32.99), ("Wet Cat Food 12 Pack", "Whisker & Co", 14.49),
        ("Cat Litter 10kg", "Whisker & Co", 16.99), ("Dog Treats Chicken", "Tailwag", 7.99),
        ("Cat Treats Salmon", "Whisker & Co", 4.99), ("Chew Toy Rope", "Tailwag", 9.99),
        ("Dry Cat Food 3kg", "Whisker & Co", 21.99),
    ]),
}

CHANNELS = ["In-Store", "Online", "Click & Collect"]
PAYMENTS = ["Cash", "Card", "Mobile Wallet", "Gift Card"]
# month seasonality (Jan..Dec): holiday peak, summer bump, February dip
# product life cycle: launches (first sale date) and discontinuations (last sale date)
LAUNCHED = {"Kombucha Ginger": dt.date(2023, 4, 1), "Oat Milk 1L": dt.date(2023, 4, 1),
            "Protein Bar Box": dt.date(2023, 9, 1), "Electric Toothbrush Heads": dt.date(2023, 9, 1),
            "Cold Brew Coffee 1L": dt.date(2024, 2, 1), "Fruit Pouches 4 Pack": dt.date(2024, 2, 1),
            "Dry Cat Food 3kg": dt.date(2024, 5, 1), "Almond Butter Smooth": dt.date(2024, 5, 1)}
DISCONTINUED = {"Microwave Popcorn 6 Pack": dt.date(2022, 12, 31), "Coloring Book": dt.date(2022, 12, 31),
                "Energy Drink 4 Pack": dt.date(2023, 6, 30)}
SEASON = [0.86, 0.80, 0.93, 0.95, 1.00, 1.06, 1.08, 1.03, 0.96, 1.00, 1.16, 1.38]
GROWTH = {2022: 1.00, 2023: 1.11, 2024: 1.23}
DOW = [0.90, 0.88, 0.92, 0.97, 1.08, 1.22, 1.13]  # Mon..Sun


def build_products():
    prods = []
    n = 10001
    for cat, (w, rmult, items) in CATALOG.items():
        for name, brand, price in items:
            prods.append({"sku": "SKU-%05d" % n, "name": name, "cat": cat, "brand": brand,
                          "price": price, "catw": w, "rmult": rmult})
            n += 7
    names = [p["name"] for p in prods]
    assert len(set(names)) == len(names), "duplicate product names"
    return prods


def poisson(rng, lam):
    # Knuth for small lambda, normal approximation otherwise
    if lam < 30:
        L, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= L:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(SEED)

    prods = build_products()
    # per-product popularity within its category (skewed, fixed)
    for p in prods:
        p["pop"] = p["catw"] * rng.uniform(0.35, 1.65)
    for p in prods:
        p["from"] = LAUNCHED.get(p["name"], dt.date(2000, 1, 1))
        p["to"] = DISCONTINUED.get(p["name"], dt.date(2100, 1, 1))
    store_names = [s[0] for s in STORES]
    assert len(set(store_names)) == len(store_names)

    start, end = dt.date(2022, 1, 1), dt.date(2024, 12, 31)
    rows = []
    tx_no = 0
    revenue = {}  # (store, year) -> revenue
    day = start
    while day <= end:
        yr = day.year
        avail = [p for p in prods if p["from"] <= day <= p["to"]]
        pop_w = [p["pop"] for p in avail]
        lam_day = 1.68 * GROWTH[yr] * SEASON[day.month - 1] * DOW[day.weekday()]
        for sname, city, size, opened in STORES:
            if day < opened:
                continue
            n_tx = poisson(rng, lam_day * size)
            for _ in range(n_tx):
                tx_no += 1
                tid = "TXN-%07d" % tx_no
                # channel mix shifts online over time
                online_share = {2022: 0.14, 2023: 0.19, 2024: 0.24}[yr]
                cc_share = {2022: 0.07, 2023: 0.10, 2024: 0.12}[yr]
                r = rng.random()
                channel = ("Online" if r < online_share else
                           "Click & Collect" if r < online_share + cc_share else "In-Store")
                if channel == "In-Store":
                    pay = rng.choices(PAYMENTS, [0.16, 0.52, 0.25, 0.07])[0]
                else:
                    pay = rng.choices(["Card", "Mobile Wallet", "Gift Card"], [0.62, 0.31, 0.07])[0]
                member = rng.random() < (0.52 if channel == "In-Store" else 0.71)
                ctype = "Member" if member else "Guest"
                nlines = rng.choices([1, 2, 3, 4, 5, 6, 7],
                                     [0.19, 0.21, 0.19, 0.15, 0.12, 0.08, 0.06])[0]
                if channel != "In-Store":
                    nlines = min(7, nlines + rng.choice([0, 1, 1, 2]))
                chosen = []
                while len(chosen) < nlines:
                    p = rng.choices(avail, pop_w)[0]
                    if p not in chosen:
                        chosen.append(p)
                promo_month = day.month in (3, 7, 11)
                for p in chosen:
                    price = round(p["price"] * (1 + 0.035 * (yr - 2022)), 2)
                    units = rng.choices([1, 2, 3, 4, 5, 6], [0.55, 0.24, 0.10, 0.05, 0.04, 0.02])[0]
                    gross = units * price
                    disc = 0.0
                    if rng.random() < (0.34 if promo_month else 0.20):
                        disc = round(gross * rng.choice([0.05, 0.10, 0.15, 0.20, 0.25]), 2)
                    total = round(gross - disc, 2)
                    pts = int(math.floor(total)) * (2 if p["cat"] == "Baby & Kids" else 1) if member else 0
                    ret = rng.random() < 0.035 * p["rmult"] * (1.6 if channel == "Online" else 1.0)
                    rows.append([tid, day.isoformat(), sname, city, channel, p["sku"], p["name"],
                                 p["cat"], p["brand"], units, "%.2f" % price, "%.2f" % disc,
                                 "%.2f" % total, pay, ctype, pts, "true" if ret else "false"])
                    revenue[(sname, yr)] = revenue.get((sname, yr), 0.0) + total
        day += dt.timedelta(days=1)

    hdr = ["Transaction ID", "Transaction Date", "Store Name", "Store City", "Sales Channel",
           "Product SKU", "Product Name", "Product Category", "Brand", "Units Sold", "Unit Price",
           "Discount Amount", "Total Amount", "Payment Type", "Customer Type", "Loyalty Points",
           "Is Returned"]
    with open(os.path.join(args.out, "Retail Transactions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(hdr)
        w.writerows(rows)

    with open(os.path.join(args.out, "Store Targets.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Store Name", "Year", "Target Amount"])
        for sname, city, size, opened in STORES:
            for yr in (2022, 2023, 2024):
                if (sname, yr) not in revenue:
                    continue
                tgt = round(revenue[(sname, yr)] * rng.uniform(0.92, 1.10), -3) + rng.choice([0, 250, 500, 750])
                w.writerow([sname, yr, "%.2f" % tgt])
    print("wrote %d transaction lines (%d transactions) to %s" % (len(rows), tx_no, args.out))


if __name__ == "__main__":
    main()
