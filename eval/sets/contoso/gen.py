#!/usr/bin/env python3
"""Deterministic generator for a Contoso-style retail star/snowflake schema (held-out eval "contoso").

Usage: python3 gen.py --out DIR

Creates DIR and writes Parquet files with Microsoft Contoso / AdventureWorks-style CamelCase names:

  FactSales.parquet      (~250k rows, one row = sales of one product in one store on one day under one promotion)
      SalesKey          INTEGER  surrogate key, 1..N in (DateKey, StoreKey) order
      DateKey           DATE     -> DimDate.Datekey
      StoreKey          INTEGER  -> DimStore.StoreKey
      ProductKey        INTEGER  -> DimProduct.ProductKey
      PromotionKey      INTEGER  -> DimPromotion.PromotionKey (1 = 'No Discount')
      CurrencyKey       INTEGER  always 1 (USD; there is no currency dimension)
      UnitCost          DECIMAL(12,2)  = DimProduct.UnitCost
      UnitPrice         DECIMAL(12,2)  = DimProduct.UnitPrice
      SalesQuantity     INTEGER
      ReturnQuantity    INTEGER  units returned (0 on most rows)
      ReturnAmount      DECIMAL(12,2)  = ReturnQuantity * UnitPrice
      DiscountQuantity  INTEGER  units sold at the promotion's discount (0 when PromotionKey = 1)
      DiscountAmount    DECIMAL(12,2)  = round(DiscountQuantity * UnitPrice * DiscountPercent, 2)
      TotalCost         DECIMAL(12,2)  = UnitCost * SalesQuantity
      SalesAmount       DECIMAL(12,2)  = UnitPrice * SalesQuantity - DiscountAmount
  DimDate.parquet        one row per day 2022-01-01..2024-12-31
      Datekey (DATE), CalendarYear (INTEGER), CalendarQuarterLabel ('Q1'..'Q4'),
      CalendarMonth (INTEGER YYYYMM), CalendarMonthLabel ('January'..), CalendarDayOfWeekLabel ('Monday'..),
      IsWorkDay ('WorkDay' Mon-Fri / 'WeekEnd' Sat-Sun).  No plain month-number column: use month(Datekey).
  DimStore.parquet       33 stores: StoreKey, StoreName ('Contoso Seattle No.1 Store'), StoreType
                         ('Store','Online','Catalog','Reseller'), StoreManager, GeographyKey, EmployeeCount,
                         SellingAreaSize, OpenDate (DATE; no sales before it, three stores opened in 2023/2024)
  DimGeography.parquet   GeographyKey, ContinentName (North America / Europe / Asia), RegionCountryName,
                         StateProvinceName, CityName.  DimStore.GeographyKey -> here (snowflake); every country
                         listed has at least one store, a few cities have none.
  DimProduct.parquet     500 products: ProductKey, ProductName (unique), BrandName, ClassName
                         ('Economy','Regular','Deluxe'), ColorName, ProductSubcategoryKey, UnitCost, UnitPrice
                         (DECIMAL(12,2)).  Some products are discontinued after 2023, some launched in 2023/2024.
  DimProductSubcategory.parquet  ProductSubcategoryKey, ProductSubcategoryName, ProductCategoryKey
  DimProductCategory.parquet     ProductCategoryKey, ProductCategoryName (Audio, TV and Video, Computers,
                         Cameras and camcorders, Cell phones, Music Movies and Audio Books, Games and Toys,
                         Home Appliances)  -- product -> subcategory -> category is a snowflake
  DimPromotion.parquet   PromotionKey, PromotionName ('No Discount', 'European Spring Promotion', ...),
                         DiscountPercent (DECIMAL(4,2), 0.05 = 5 %), PromotionType
                         ('No Discount','Seasonal Discount','Volume Discount','Excess Inventory')
  _SUCCESS               marker with seed and row counts (written last)

Planted structure: Asia grows fast (2022 -> 2024), Europe and North America are flat-ish; online stores grow;
strong Nov/Dec seasonality and a weekend bump; 'Music Movies and Audio Books' declines every year while
'Cell phones' grows; seasonal promotions run per continent and month.

Measure definitions used by the eval cases (cases.jsonl):
  sales / revenue   = SUM(FactSales.SalesAmount)
  units / quantity  = SUM(FactSales.SalesQuantity)
  cost              = SUM(FactSales.TotalCost)
  profit            = SUM(FactSales.SalesAmount - FactSales.TotalCost);  margin = profit / sales
  returns           = SUM(ReturnQuantity) (units returned) or SUM(ReturnAmount) (return amount)
  discounts         = SUM(FactSales.DiscountAmount)
  "this year" = 2024 (the latest year), "last month" = December 2024.
Money is computed exactly in cents.  Only the python standard library + duckdb are needed.
"""
import argparse, bisect, csv, datetime as dt, os, random, shutil

SEED = 20250611
TARGET_ROWS = 250000
N_PRODUCTS = 500

CATEGORIES = [  # (category, [(subcategory, price_lo, price_hi, nouns, brands)])
    ("Audio", [
        ("Bluetooth Headphones", 25, 320, ["Bluetooth Headphones", "Wireless Earbuds", "Sport Headset"],
         ["Contoso", "Litware", "Adventure Works", "Wide World Importers"]),
        ("MP4&MP3", 30, 260, ["MP3 Player", "MP4 Player", "Music Player"],
         ["Contoso", "Litware", "Wide World Importers", "Southridge Video"]),
        ("Recording Pen", 15, 120, ["Recording Pen", "Voice Recorder"], ["Contoso", "Proseware", "Litware"]),
    ]),
    ("TV and Video", [
        ("Televisions", 300, 2800, ["LCD TV", "LED TV", "Plasma TV"],
         ["Contoso", "Litware", "Fabrikam", "Southridge Video", "Proseware"]),
        ("VCD & DVD", 40, 320, ["DVD Player", "Blu-ray Player", "DVD Recorder"],
         ["Contoso", "Southridge Video", "Litware"]),
        ("Home Theater System", 200, 1800, ["Home Theater System", "Soundbar", "Surround Speaker Set"],
         ["Contoso", "Fabrikam", "Litware", "Wide World Importers"]),
        ("Car Video", 80, 600, ["Car DVD Player", "Car Video Monitor"], ["Contoso", "Southridge Video"]),
    ]),
    ("Computers", [
        ("Laptops", 450, 2600, ["Laptop", "Notebook", "Ultrabook"],
         ["Adventure Works", "Proseware", "Fabrikam", "Contoso", "A. Datum"]),
        ("Desktops", 400, 2200, ["Desktop PC", "Workstation", "All-in-One PC"],
         ["Adventure Works", "Proseware", "Fabrikam", "Wide World Importers"]),
        ("Monitors", 120, 900, ["LCD Monitor", "Widescreen Monitor"], ["Proseware", "Fabrikam", "Contoso"]),
        ("Projectors & Screens", 250, 2000, ["Projector", "Projection Screen"], ["Proseware", "Contoso", "Fabrikam"]),
        ("Printers, Scanners & Fax", 60, 700, ["Laser Printer", "Inkjet Printer", "Flatbed Scanner", "Fax Machine"],
         ["Proseware", "Contoso", "Fabrikam"]),
        ("Computers Accessories", 8, 150, ["Wireless Mouse", "Keyboard", "USB Hub", "Laptop Bag", "Webcam"],
         ["Contoso", "Proseware", "Adventure Works", "Wide World Importers"]),
    ]),
    ("Cameras and camcorders", [
        ("Digital Cameras", 90, 700, ["Digital Camera", "Compact Camera"], ["Contoso", "A. Datum", "Fabrikam"]),
        ("Digital SLR Cameras", 500, 3000, ["Digital SLR Camera", "DSLR Kit"], ["A. Datum", "Fabrikam", "Contoso"]),
        ("Camcorders", 200, 1600, ["Camcorder", "HD Camcorder"], ["Fabrikam", "A. Datum", "Contoso"]),
        ("Cameras & Camcorders Accessories", 10, 180, ["Camera Bag", "Tripod", "Lens Cap", "Memory Card"],
         ["Contoso", "A. Datum", "Fabrikam"]),
    ]),
    ("Cell phones", [
        ("Home & Office Phones", 20, 180, ["Cordless Phone", "Office Phone"], ["Contoso", "The Phone Company"]),
        ("Touch Screen Phones", 150, 900, ["Touch Screen Phone"], ["The Phone Company", "Contoso", "Litware"]),
        ("Smart phones & PDAs", 250, 1300, ["Smart Phone", "PDA"], ["The Phone Company", "Contoso", "Litware"]),
        ("Cell phones Accessories", 6, 90, ["Phone Case", "Phone Charger", "Bluetooth Headset"],
         ["Contoso", "The Phone Company"]),
    ]),
    ("Music Movies and Audio Books", [
        ("Movie DVD", 9, 45, ["Movie DVD", "Movie Box Set"], ["Southridge Video", "Wide World Importers"]),
        ("Music CD", 7, 30, ["Music CD", "Music Box Set"], ["Southridge Video", "Wide World Importers", "Litware"]),
        ("Audio Books", 12, 60, ["Audio Book"], ["Southridge Video", "Wide World Importers"]),
    ]),
    ("Games and Toys", [
        ("Boxed Games", 20, 80, ["Boxed Game", "Strategy Game"], ["Tailspin Toys", "Contoso"]),
        ("Download Games", 10, 60, ["Download Game"], ["Tailspin Toys", "Contoso"]),
        ("Games Accessories", 15, 150, ["Game Controller", "Racing Wheel", "Gaming Headset"],
         ["Tailspin Toys", "Contoso", "Adventure Works"]),
    ]),
    ("Home Appliances", [
        ("Washers & Dryers", 350, 1900, ["Washing Machine", "Dryer"], ["Litware", "Fabrikam", "Northwind Traders"]),
        ("Refrigerators", 400, 2500, ["Refrigerator", "Mini Fridge"], ["Litware", "Northwind Traders", "Fabrikam"]),
        ("Microwaves", 60, 450, ["Microwave Oven"], ["Litware", "Northwind Traders", "Contoso"]),
        ("Water Heaters", 150, 900, ["Water Heater"], ["Litware", "Northwind Traders"]),
        ("Coffee Machines", 40, 700, ["Coffee Maker", "Espresso Machine"], ["Northwind Traders", "Litware", "Contoso"]),
        ("Lamps", 15, 220, ["Desk Lamp", "Floor Lamp"], ["Northwind Traders", "Contoso", "Litware"]),
        ("Air Conditioners", 250, 1500, ["Air Conditioner", "Portable Air Conditioner"], ["Litware", "Fabrikam"]),
        ("Fans", 20, 160, ["Desk Fan", "Tower Fan"], ["Northwind Traders", "Litware", "Contoso"]),
    ]),
]
# category popularity (rows) and yearly trend; Music declines, Cell phones grows
CAT_W = {"Audio": 1.0, "TV and Video": 0.9, "Computers": 1.5, "Cameras and camcorders": 1.0, "Cell phones": 1.1,
         "Music Movies and Audio Books": 1.2, "Games and Toys": 0.9, "Home Appliances": 1.3}
CAT_TREND = {"Music Movies and Audio Books": {2022: 1.0, 2023: 0.70, 2024: 0.46},
             "Cell phones": {2022: 1.0, 2023: 1.15, 2024: 1.32}}
COLORS = ["Black", "White", "Silver", "Blue", "Red", "Grey", "Pink", "Green", "Brown", "Orange", "Yellow",
          "Gold", "Purple"]
COLOR_W = [22, 18, 14, 9, 7, 8, 3, 4, 3, 2.5, 2, 4, 1.5]
# cost / price: Economy has the thinnest margins, Deluxe the widest; brands shift it a little
COST_RATIO = {"Economy": 0.57, "Regular": 0.47, "Deluxe": 0.37}
BRAND_COST = {"Contoso": 0.0, "Litware": -0.02, "Fabrikam": -0.035, "Adventure Works": 0.03, "Proseware": 0.015,
              "Wide World Importers": 0.04, "Southridge Video": -0.01, "Northwind Traders": 0.02,
              "The Phone Company": -0.05, "A. Datum": 0.01, "Tailspin Toys": -0.025}
CLASSES = [("Economy", 0.0, 0.38, 40), ("Regular", 0.30, 0.72, 38), ("Deluxe", 0.62, 1.0, 22)]

GEO = [  # (continent, country, state, city)
    ("North America", "United States", "Washington", "Seattle"),
    ("North America", "United States", "Washington", "Redmond"),
    ("North America", "United States", "California", "San Francisco"),
    ("North America", "United States", "California", "Los Angeles"),
    ("North America", "United States", "New York", "New York"),
    ("North America", "United States", "Illinois", "Chicago"),
    ("North America", "United States", "Texas", "Houston"),
    ("North America", "United States", "Georgia", "Atlanta"),
    ("North America", "Canada", "Ontario", "Toronto"),
    ("North America", "Canada", "British Columbia", "Vancouver"),
    ("Europe", "Germany", "Berlin", "Berlin"),
    ("Europe", "Germany", "Bavaria", "Munich"),
    ("Europe", "Germany", "Hamburg", "Hamburg"),
    ("Europe", "France", "Ile-de-France", "Paris"),
    ("Europe", "France", "Auvergne-Rhone-Alpes", "Lyon"),
    ("Europe", "United Kingdom", "England", "London"),
    ("Europe", "United Kingdom", "England", "Manchester"),
    ("Europe", "Italy", "Lazio", "Rome"),
    ("Europe", "Netherlands", "North Holland", "Amsterdam"),
    ("Asia", "China", "Beijing", "Beijing"),
    ("Asia", "China", "Shanghai", "Shanghai"),
    ("Asia", "China", "Guangdong", "Guangzhou"),
    ("Asia", "Japan", "Tokyo", "Tokyo"),
    ("Asia", "Japan", "Osaka", "Osaka"),
    ("Asia", "India", "Maharashtra", "Mumbai"),
]
STORES = [  # (name, type, city, open date or None for an old store, row weight)
    ("Contoso Seattle No.1 Store", "Store", "Seattle", None, 1.25),
    ("Contoso Seattle No.2 Store", "Store", "Seattle", None, 0.85),
    ("Contoso San Francisco Store", "Store", "San Francisco", None, 1.10),
    ("Contoso Los Angeles Store", "Store", "Los Angeles", None, 1.05),
    ("Contoso New York No.1 Store", "Store", "New York", None, 1.35),
    ("Contoso New York No.2 Store", "Store", "New York", None, 0.95),
    ("Contoso Chicago Store", "Store", "Chicago", None, 1.00),
    ("Contoso Houston Store", "Store", "Houston", None, 0.80),
    ("Contoso Atlanta Store", "Store", "Atlanta", dt.date(2023, 3, 18), 0.75),
    ("Contoso Toronto Store", "Store", "Toronto", None, 0.90),
    ("Contoso Vancouver Store", "Store", "Vancouver", None, 0.70),
    ("Contoso North America Online Store", "Online", "Redmond", None, 2.60),
    ("Contoso Catalog Store", "Catalog", "Chicago", None, 1.20),
    ("Contoso Toronto Reseller", "Reseller", "Toronto", None, 0.55),
    ("Contoso Berlin Store", "Store", "Berlin", None, 1.05),
    ("Contoso Munich Store", "Store", "Munich", None, 0.80),
    ("Contoso Paris No.1 Store", "Store", "Paris", None, 1.15),
    ("Contoso Paris No.2 Store", "Store", "Paris", None, 0.65),
    ("Contoso London Store", "Store", "London", None, 1.20),
    ("Contoso Manchester Store", "Store", "Manchester", None, 0.60),
    ("Contoso Rome Store", "Store", "Rome", None, 0.75),
    ("Contoso Amsterdam Store", "Store", "Amsterdam", None, 0.70),
    ("Contoso Europe Online Store", "Online", "Amsterdam", None, 2.10),
    ("Contoso Europe Reseller", "Reseller", "London", None, 0.50),
    ("Contoso Beijing Store", "Store", "Beijing", None, 1.00),
    ("Contoso Shanghai No.1 Store", "Store", "Shanghai", None, 1.10),
    ("Contoso Shanghai No.2 Store", "Store", "Shanghai", dt.date(2023, 9, 9), 0.85),
    ("Contoso Guangzhou Store", "Store", "Guangzhou", None, 0.75),
    ("Contoso Tokyo Store", "Store", "Tokyo", None, 1.15),
    ("Contoso Osaka Store", "Store", "Osaka", None, 0.65),
    ("Contoso Mumbai Store", "Store", "Mumbai", dt.date(2024, 2, 10), 0.80),
    ("Contoso Asia Online Store", "Online", "Beijing", None, 1.50),
    ("Contoso Asia Catalog Store", "Catalog", "Tokyo", None, 0.60),
]
CONT_GROWTH = {"North America": {2022: 1.0, 2023: 1.03, 2024: 1.05},
               "Europe": {2022: 1.0, 2023: 0.97, 2024: 1.00},
               "Asia": {2022: 1.0, 2023: 1.32, 2024: 1.74}}
TYPE_GROWTH = {"Online": {2022: 1.0, 2023: 1.12, 2024: 1.25}}
PROMOS = [  # (name, percent, type, continent or None, months)
    ("No Discount", 0, "No Discount", None, ()),
    ("North America Spring Promotion", 5, "Seasonal Discount", "North America", (3, 4, 5)),
    ("European Spring Promotion", 6, "Seasonal Discount", "Europe", (3, 4, 5)),
    ("Asian Spring Promotion", 8, "Seasonal Discount", "Asia", (3, 4, 5)),
    ("North America Back-to-School Promotion", 10, "Seasonal Discount", "North America", (8, 9)),
    ("European Back-to-School Promotion", 12, "Seasonal Discount", "Europe", (8, 9)),
    ("Asian Summer Promotion", 15, "Seasonal Discount", "Asia", (6, 7, 8)),
    ("North America Holiday Promotion", 15, "Seasonal Discount", "North America", (11, 12)),
    ("European Holiday Promotion", 18, "Seasonal Discount", "Europe", (11, 12)),
    ("Asian Holiday Promotion", 20, "Seasonal Discount", "Asia", (12, 1)),
    ("Volume Discount", 7, "Volume Discount", None, ()),
    ("Excess Inventory Clearance", 25, "Excess Inventory", None, (1, 2)),
]
MONTH_W = [0.78, 0.71, 0.86, 0.88, 0.93, 0.96, 0.98, 1.02, 0.94, 1.03, 1.31, 1.64]
FIRST = ["Alice", "Brian", "Carmen", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kenji",
         "Laura", "Marco", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sven", "Tara", "Umar", "Vera",
         "Wei", "Yuki", "Zoe", "Amit", "Bianca", "Chen", "Dario", "Emma", "Felix", "Hannah", "Lukas"]
LAST = ["Anderson", "Becker", "Chan", "Dubois", "Evans", "Fischer", "Garcia", "Hoffmann", "Ito", "Jensen",
        "Kumar", "Lambert", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Urban",
        "Vogel", "Wang", "Young", "Zhang", "Bauer", "Costa", "Dekker", "Li", "Meyer", "Sato"]


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
    years = (2022, 2023, 2024)

    # ---- categories / subcategories
    cats, subs = [], []  # cats: (key, name); subs: (key, name, catkey, lo, hi, nouns, brands, catname)
    for ci, (cname, sublist) in enumerate(CATEGORIES, 1):
        cats.append((ci, cname))
        for sname, lo, hi, nouns, brands in sublist:
            subs.append((len(subs) + 1, sname, ci, lo, hi, nouns, brands, cname))

    # ---- products: spread over subcategories (at least 6 each), then by weight
    counts = [6] * len(subs)
    for _ in range(N_PRODUCTS - sum(counts)):
        counts[rng.choices(range(len(subs)), [1 + len(s[5]) + len(s[6]) for s in subs])[0]] += 1
    products = []  # (key, name, brand, class, color, subkey, cost_c, price_c, catname)
    names = set()
    for si, s in enumerate(subs):
        skey, sname, ckey, lo, hi, nouns, brands, cname = s
        for _ in range(counts[si]):
            cls = rng.choices(CLASSES, [c[3] for c in CLASSES])[0]
            u = cls[1] + (cls[2] - cls[1]) * rng.random()
            price = int(round((lo + (hi - lo) * u ** 1.3) * 100))
            price = max(499, price - price % 100 + 99 if price >= 2000 else price - price % 10 + 9)
            brand = rng.choice(brands)
            cost = int(round(price * (COST_RATIO[cls[0]] + BRAND_COST[brand] + 0.1 * rng.random())))
            color = rng.choices(COLORS, COLOR_W)[0]
            while True:
                nm = f"{brand} {rng.choice(nouns)} {rng.choice('ABCEKLMNRSTX')}{rng.randint(10, 999)} {color}"
                if nm not in names:
                    break
            names.add(nm)
            products.append([len(products) + 1, nm, brand, cls[0], color, skey, cost, price, cname])
    # availability by year: ~7 % discontinued after 2023, ~5 % launched 2023, ~5 % launched 2024
    avail = []
    for p in products:
        r = rng.random()
        if r < 0.07:
            avail.append({2022: 1, 2023: 1, 2024: 0})
        elif r < 0.12:
            avail.append({2022: 0, 2023: 1, 2024: 1})
        elif r < 0.17:
            avail.append({2022: 0, 2023: 0, 2024: 1})
        else:
            avail.append({2022: 1, 2023: 1, 2024: 1})
    pop = []
    for p in products:
        w = rng.lognormvariate(0, 0.8) * CAT_W[p[8]]
        w *= {"Economy": 1.5, "Regular": 1.0, "Deluxe": 0.6}[p[3]]
        pop.append(w)
    prod_cum = {}
    for y in years:
        s, cum = 0.0, []
        for i, p in enumerate(products):
            s += pop[i] * avail[i][y] * CAT_TREND.get(p[8], {}).get(y, 1.0)
            cum.append(s)
        prod_cum[y] = cum

    # ---- geography / stores
    geo = [(i + 1,) + g for i, g in enumerate(GEO)]
    geo_by_city = {g[4]: g for g in geo}
    stores = []  # (key, name, type, manager, geokey, emp, area, opendate, weight, continent)
    mgr_used = set()
    for i, (nm, typ, city, od, w) in enumerate(STORES):
        while True:
            mgr = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if mgr not in mgr_used:
                break
        mgr_used.add(mgr)
        if od is None:
            od = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(13 * 365))
        if typ == "Store":
            emp, area = rng.randint(18, 65), rng.randint(40, 180) * 10
        elif typ == "Online":
            emp, area = rng.randint(25, 60), rng.randint(3, 8) * 10
        elif typ == "Catalog":
            emp, area = rng.randint(10, 24), rng.randint(2, 5) * 10
        else:
            emp, area = rng.randint(5, 12), rng.randint(10, 30) * 10
        g = geo_by_city[city]
        stores.append((i + 1, nm, typ, mgr, g[0], emp, area, od, w, g[1]))

    # ---- dates
    all_days = []
    d = dt.date(2022, 1, 1)
    while d <= dt.date(2024, 12, 31):
        all_days.append(d)
        d += dt.timedelta(days=1)
    day_w = {d: MONTH_W[d.month - 1] * (1.15 if d.weekday() >= 5 else 1.0) * (0.9 + 0.2 * rng.random())
             for d in all_days}
    ydays, ycum = {}, {}
    for y in years:
        ds = [d for d in all_days if d.year == y]
        s, cum = 0.0, []
        for d in ds:
            s += day_w[d]
            cum.append(s)
        ydays[y], ycum[y] = ds, cum

    # ---- rows per store-year
    plan = []
    for st in stores:
        for y in years:
            ds, cum = ydays[y], ycum[y]
            start = bisect.bisect_left(ds, st[7]) if st[7].year == y else (len(ds) if st[7].year > y else 0)
            if start >= len(ds):
                continue
            frac = (cum[-1] - (cum[start - 1] if start else 0.0)) / cum[-1]
            w = st[8] * CONT_GROWTH[st[9]][y] * TYPE_GROWTH.get(st[2], {}).get(y, 1.0) * frac
            plan.append((st, y, start, w))
    tw = sum(p[3] for p in plan)
    promo_by = {}
    for pk, (pn, pct, ptype, cont, months) in enumerate(PROMOS, 1):
        if ptype == "Seasonal Discount":
            for m in months:
                promo_by[(cont, m)] = pk
    promo_pct = {pk: p[1] for pk, p in enumerate(PROMOS, 1)}
    VOLUME, CLEAR = 11, 12

    rows = []
    for st, y, start, w in plan:
        n = int(round(TARGET_ROWS * w / tw))
        ds, cum = ydays[y], ycum[y]
        lo_w = cum[start - 1] if start else 0.0
        pc = prod_cum[y]
        for _ in range(n):
            di = bisect.bisect_left(cum, lo_w + rng.random() * (cum[-1] - lo_w), start)
            day = ds[min(di, len(ds) - 1)]
            pi = min(bisect.bisect_left(pc, rng.random() * pc[-1]), len(products) - 1)
            p = products[pi]
            qty = rng.choices(range(1, 13), [20, 18, 15, 12, 9, 7, 5, 4, 3, 3, 2, 2])[0]
            if p[7] > 100000:
                qty = max(1, (qty + 1) // 3)
            elif p[7] > 30000:
                qty = max(1, (qty + 1) // 2)
            if st[2] == "Reseller":
                qty = qty * 3 + rng.randint(0, 4)
            promo = 1
            seasonal = promo_by.get((st[9], day.month))
            if seasonal and rng.random() < 0.42:
                promo = seasonal
            elif qty >= 8 and rng.random() < 0.5:
                promo = VOLUME
            elif p[3] == "Economy" and day.month in (1, 2) and rng.random() < 0.3:
                promo = CLEAR
            dq = 0 if promo == 1 else (qty if rng.random() < 0.6 else rng.randint(1, qty))
            disc = (dq * p[7] * promo_pct[promo] + 50) // 100
            rq = 0
            if rng.random() < (0.07 if p[8] == "Cell phones" else 0.035):
                rq = min(qty, rng.choice([1, 1, 1, 2]))
            rows.append((day, st[0], p[0], promo, p[6], p[7], qty, rq, rq * p[7], dq, disc,
                         p[6] * qty, p[7] * qty - disc))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))

    fcsv = os.path.join(tmp, "fact.csv")
    with open(fcsv, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["SalesKey", "DateKey", "StoreKey", "ProductKey", "PromotionKey", "CurrencyKey", "UnitCost",
                     "UnitPrice", "SalesQuantity", "ReturnQuantity", "ReturnAmount", "DiscountQuantity",
                     "DiscountAmount", "TotalCost", "SalesAmount"])
        for k, r in enumerate(rows, 1):
            wr.writerow([k, r[0].isoformat(), r[1], r[2], r[3], 1, cents(r[4]), cents(r[5]), r[6], r[7],
                         cents(r[8]), r[9], cents(r[10]), cents(r[11]), cents(r[12])])

    def write_csv(name, header, data):
        path = os.path.join(tmp, name)
        with open(path, "w", newline="") as f:
            wr = csv.writer(f)
            wr.writerow(header)
            wr.writerows(data)
        return path

    dcsv = write_csv("date.csv", ["Datekey"], [[d.isoformat()] for d in all_days])
    scsv = write_csv("store.csv", ["StoreKey", "StoreName", "StoreType", "StoreManager", "GeographyKey",
                                   "EmployeeCount", "SellingAreaSize", "OpenDate"],
                     [list(s[:7]) + [s[7].isoformat()] for s in stores])
    gcsv = write_csv("geo.csv", ["GeographyKey", "ContinentName", "RegionCountryName", "StateProvinceName",
                                 "CityName"], geo)
    pcsv = write_csv("product.csv", ["ProductKey", "ProductName", "BrandName", "ClassName", "ColorName",
                                     "ProductSubcategoryKey", "UnitCost", "UnitPrice"],
                     [p[:6] + [cents(p[6]), cents(p[7])] for p in products])
    sbcsv = write_csv("sub.csv", ["ProductSubcategoryKey", "ProductSubcategoryName", "ProductCategoryKey"],
                      [s[:3] for s in subs])
    ccsv = write_csv("cat.csv", ["ProductCategoryKey", "ProductCategoryName"], cats)
    prcsv = write_csv("promo.csv", ["PromotionKey", "PromotionName", "DiscountPercent", "PromotionType"],
                      [(k, p[0], "%.2f" % (p[1] / 100), p[2]) for k, p in enumerate(PROMOS, 1)])

    con = duckdb.connect()
    con.execute("SET threads TO 1")

    def q(path):
        return "'" + path.replace("'", "''") + "'"

    def copy(select, src, dst, order):
        con.execute(f"COPY (SELECT {select} FROM read_csv({q(src)}, header=true, all_varchar=true) "
                    f"ORDER BY {order}) TO {q(os.path.join(out, dst))} (FORMAT PARQUET)")

    M = "DECIMAL(12,2)"
    copy(f"""CAST(SalesKey AS INTEGER) SalesKey, CAST(DateKey AS DATE) DateKey, CAST(StoreKey AS INTEGER) StoreKey,
        CAST(ProductKey AS INTEGER) ProductKey, CAST(PromotionKey AS INTEGER) PromotionKey,
        CAST(CurrencyKey AS INTEGER) CurrencyKey, CAST(UnitCost AS {M}) UnitCost, CAST(UnitPrice AS {M}) UnitPrice,
        CAST(SalesQuantity AS INTEGER) SalesQuantity, CAST(ReturnQuantity AS INTEGER) ReturnQuantity,
        CAST(ReturnAmount AS {M}) ReturnAmount, CAST(DiscountQuantity AS INTEGER) DiscountQuantity,
        CAST(DiscountAmount AS {M}) DiscountAmount, CAST(TotalCost AS {M}) TotalCost,
        CAST(SalesAmount AS {M}) SalesAmount""", fcsv, "FactSales.parquet", "SalesKey")
    copy("""CAST(Datekey AS DATE) Datekey, CAST(year(CAST(Datekey AS DATE)) AS INTEGER) CalendarYear,
        'Q' || quarter(CAST(Datekey AS DATE)) CalendarQuarterLabel,
        CAST(year(CAST(Datekey AS DATE)) * 100 + month(CAST(Datekey AS DATE)) AS INTEGER) CalendarMonth,
        monthname(CAST(Datekey AS DATE)) CalendarMonthLabel, dayname(CAST(Datekey AS DATE)) CalendarDayOfWeekLabel,
        CASE WHEN isodow(CAST(Datekey AS DATE)) >= 6 THEN 'WeekEnd' ELSE 'WorkDay' END IsWorkDay""",
         dcsv, "DimDate.parquet", "Datekey")
    copy("""CAST(StoreKey AS INTEGER) StoreKey, StoreName, StoreType, StoreManager,
        CAST(GeographyKey AS INTEGER) GeographyKey, CAST(EmployeeCount AS INTEGER) EmployeeCount,
        CAST(SellingAreaSize AS INTEGER) SellingAreaSize, CAST(OpenDate AS DATE) OpenDate""",
         scsv, "DimStore.parquet", "StoreKey")
    copy("""CAST(GeographyKey AS INTEGER) GeographyKey, ContinentName, RegionCountryName, StateProvinceName,
        CityName""", gcsv, "DimGeography.parquet", "GeographyKey")
    copy(f"""CAST(ProductKey AS INTEGER) ProductKey, ProductName, BrandName, ClassName, ColorName,
        CAST(ProductSubcategoryKey AS INTEGER) ProductSubcategoryKey, CAST(UnitCost AS {M}) UnitCost,
        CAST(UnitPrice AS {M}) UnitPrice""", pcsv, "DimProduct.parquet", "ProductKey")
    copy("""CAST(ProductSubcategoryKey AS INTEGER) ProductSubcategoryKey, ProductSubcategoryName,
        CAST(ProductCategoryKey AS INTEGER) ProductCategoryKey""", sbcsv, "DimProductSubcategory.parquet",
         "ProductSubcategoryKey")
    copy("CAST(ProductCategoryKey AS INTEGER) ProductCategoryKey, ProductCategoryName", ccsv,
         "DimProductCategory.parquet", "ProductCategoryKey")
    copy("""CAST(PromotionKey AS INTEGER) PromotionKey, PromotionName, CAST(DiscountPercent AS DECIMAL(4,2))
        DiscountPercent, PromotionType""", prcsv, "DimPromotion.parquet", "PromotionKey")
    con.close()
    shutil.rmtree(tmp)
    with open(os.path.join(out, "_SUCCESS"), "w") as f:
        f.write(f"seed={SEED}\nFactSales={len(rows)}\nDimDate={len(all_days)}\nDimStore={len(stores)}\n"
                f"DimGeography={len(geo)}\nDimProduct={len(products)}\nDimProductSubcategory={len(subs)}\n"
                f"DimProductCategory={len(cats)}\nDimPromotion={len(PROMOS)}\n")
    print(f"wrote {out}: FactSales={len(rows)} DimProduct={len(products)} DimStore={len(stores)}")


if __name__ == "__main__":
    main()
