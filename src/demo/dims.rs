//! The dimension tables of the demo lake (products, stores, customers) and the lookup tables the
//! sales generator joins against. Products and stores are small and built in Rust from the seed;
//! customers scale with the row count and are streamed by DuckDB from `range()`.

use std::collections::HashSet;

use duckdb::Connection;

use super::{sql_str, DemoError};

/// The four sales regions, in store-id / customer-id order.
pub(crate) const REGIONS: [&str; 4] = ["NORTH", "SOUTH", "EAST", "WEST"];

/// Cities (with state) per region, in the order of [`REGIONS`]; the first is the region's hub.
const CITIES: [[(&str, &str); 8]; 4] = [
    [
        ("Chicago", "IL"),
        ("Minneapolis", "MN"),
        ("Detroit", "MI"),
        ("Milwaukee", "WI"),
        ("Columbus", "OH"),
        ("Indianapolis", "IN"),
        ("Des Moines", "IA"),
        ("Madison", "WI"),
    ],
    [
        ("Houston", "TX"),
        ("Atlanta", "GA"),
        ("Dallas", "TX"),
        ("Miami", "FL"),
        ("Nashville", "TN"),
        ("Charlotte", "NC"),
        ("New Orleans", "LA"),
        ("Tampa", "FL"),
    ],
    [
        ("New York", "NY"),
        ("Boston", "MA"),
        ("Philadelphia", "PA"),
        ("Baltimore", "MD"),
        ("Pittsburgh", "PA"),
        ("Newark", "NJ"),
        ("Hartford", "CT"),
        ("Providence", "RI"),
    ],
    [
        ("Los Angeles", "CA"),
        ("Seattle", "WA"),
        ("San Francisco", "CA"),
        ("Denver", "CO"),
        ("Phoenix", "AZ"),
        ("Portland", "OR"),
        ("Las Vegas", "NV"),
        ("Salt Lake City", "UT"),
    ],
];

/// Physical stores per region (each region also has one Online store): 8+10+10+8+4 = 40 stores.
const PHYSICAL_STORES: [usize; 4] = [8, 10, 10, 8];

const MALL_NAMES: [&str; 12] = [
    "Riverside",
    "Northgate",
    "Lakeside",
    "Crossroads",
    "Galleria",
    "Parkway",
    "Summit",
    "Harbor Point",
    "Oak Ridge",
    "Willow Creek",
    "Meadowbrook",
    "Stonebridge",
];

const FIRST_NAMES: [&str; 48] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Wei",
    "Priya",
    "Luis",
    "Sofia",
    "Ahmed",
    "Fatima",
    "Hiroshi",
    "Yuki",
    "Diego",
    "Olivia",
    "Ethan",
    "Chloe",
];

const LAST_NAMES: [&str; 48] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Patel",
    "Kim",
    "Chen",
    "Murphy",
    "O'Brien",
];

/// A small deterministic generator (SplitMix64) for the Rust-built dimensions.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct SubSpec {
    name: &'static str,
    /// Product nouns with their list price range in dollars (drawn log-uniformly).
    nouns: &'static [(&'static str, f64, f64)],
}

struct CategorySpec {
    name: &'static str,
    subs: [SubSpec; 3],
    brands: &'static [&'static str],
    /// Share of sales lines outside November/December.
    share: f64,
    /// Share of sales lines in November/December.
    holiday_share: f64,
    /// Return probability in basis points.
    return_bp: u32,
    /// Unit cost as a fraction of list price.
    cost_ratio: (f64, f64),
    /// Bought in larger quantities (1–6 per line).
    bulk: bool,
}

const PRODUCTS_PER_SUBCATEGORY: usize = 12;

const CATEGORIES: [CategorySpec; 8] = [
    CategorySpec {
        name: "Electronics",
        subs: [
            SubSpec {
                name: "Phones",
                nouns: &[
                    ("Smartphone", 199.0, 899.0),
                    ("Phone", 149.0, 649.0),
                    ("Foldable Phone", 899.0, 1399.0),
                ],
            },
            SubSpec {
                name: "Laptops",
                nouns: &[
                    ("Laptop", 449.0, 1299.0),
                    ("Notebook", 349.0, 899.0),
                    ("Ultrabook", 899.0, 1799.0),
                ],
            },
            SubSpec {
                name: "Audio",
                nouns: &[
                    ("Headphones", 49.0, 349.0),
                    ("Earbuds", 19.0, 199.0),
                    ("Speaker", 29.0, 249.0),
                    ("Soundbar", 99.0, 499.0),
                ],
            },
        ],
        brands: &["Brand A", "Brand B", "Brand C", "Brand D", "Brand E"],
        share: 0.03,
        holiday_share: 0.05,
        return_bp: 650,
        cost_ratio: (0.68, 0.82),
        bulk: false,
    },
    CategorySpec {
        name: "Apparel",
        subs: [
            SubSpec {
                name: "Tops",
                nouns: &[
                    ("T-Shirt", 9.0, 29.0),
                    ("Polo", 19.0, 49.0),
                    ("Blouse", 24.0, 69.0),
                    ("Sweater", 29.0, 89.0),
                ],
            },
            SubSpec {
                name: "Outerwear",
                nouns: &[
                    ("Jacket", 49.0, 179.0),
                    ("Parka", 89.0, 249.0),
                    ("Raincoat", 39.0, 129.0),
                    ("Fleece", 29.0, 79.0),
                ],
            },
            SubSpec {
                name: "Footwear",
                nouns: &[
                    ("Sneakers", 39.0, 149.0),
                    ("Boots", 59.0, 199.0),
                    ("Loafers", 49.0, 129.0),
                    ("Sandals", 19.0, 59.0),
                ],
            },
        ],
        brands: &["Brand F", "Brand G", "Brand H", "Brand I", "Brand J"],
        share: 0.19,
        holiday_share: 0.19,
        return_bp: 750,
        cost_ratio: (0.35, 0.50),
        bulk: false,
    },
    CategorySpec {
        name: "Home & Kitchen",
        subs: [
            SubSpec {
                name: "Cookware",
                nouns: &[
                    ("Skillet", 19.0, 79.0),
                    ("Saucepan", 19.0, 69.0),
                    ("Dutch Oven", 49.0, 249.0),
                    ("Knife Set", 29.0, 199.0),
                ],
            },
            SubSpec {
                name: "Bedding",
                nouns: &[
                    ("Duvet", 49.0, 199.0),
                    ("Sheet Set", 29.0, 149.0),
                    ("Pillow", 14.0, 59.0),
                    ("Quilt", 49.0, 179.0),
                ],
            },
            SubSpec {
                name: "Small Appliances",
                nouns: &[
                    ("Blender", 29.0, 199.0),
                    ("Coffee Maker", 29.0, 249.0),
                    ("Toaster", 19.0, 89.0),
                    ("Air Fryer", 49.0, 179.0),
                ],
            },
        ],
        brands: &["Brand K", "Brand L", "Brand M", "Brand N"],
        share: 0.12,
        holiday_share: 0.12,
        return_bp: 500,
        cost_ratio: (0.45, 0.60),
        bulk: false,
    },
    CategorySpec {
        name: "Grocery",
        subs: [
            SubSpec {
                name: "Snacks",
                nouns: &[
                    ("Crackers", 2.5, 5.5),
                    ("Trail Mix", 3.5, 8.5),
                    ("Chips", 2.5, 5.0),
                    ("Granola Bars", 3.0, 7.0),
                ],
            },
            SubSpec {
                name: "Beverages",
                nouns: &[
                    ("Sparkling Water", 3.5, 7.0),
                    ("Cold Brew", 3.0, 9.0),
                    ("Green Tea", 2.5, 7.5),
                    ("Juice", 2.5, 6.5),
                ],
            },
            SubSpec {
                name: "Pantry",
                nouns: &[
                    ("Olive Oil", 6.0, 18.0),
                    ("Pasta", 1.5, 4.5),
                    ("Rice", 2.5, 9.0),
                    ("Peanut Butter", 2.5, 7.0),
                ],
            },
        ],
        brands: &["Brand O", "Brand P", "Brand Q", "Brand R"],
        share: 0.27,
        holiday_share: 0.23,
        return_bp: 300,
        cost_ratio: (0.62, 0.78),
        bulk: true,
    },
    CategorySpec {
        name: "Beauty",
        subs: [
            SubSpec {
                name: "Skincare",
                nouns: &[
                    ("Moisturizer", 9.0, 59.0),
                    ("Serum", 14.0, 79.0),
                    ("Cleanser", 7.0, 29.0),
                    ("Sunscreen", 8.0, 34.0),
                ],
            },
            SubSpec {
                name: "Haircare",
                nouns: &[
                    ("Shampoo", 5.0, 24.0),
                    ("Conditioner", 5.0, 24.0),
                    ("Hair Oil", 9.0, 34.0),
                    ("Styling Cream", 7.0, 24.0),
                ],
            },
            SubSpec {
                name: "Fragrance",
                nouns: &[
                    ("Eau de Parfum", 39.0, 149.0),
                    ("Cologne", 29.0, 99.0),
                    ("Body Mist", 12.0, 34.0),
                ],
            },
        ],
        brands: &["Brand S", "Brand T", "Brand U", "Brand V"],
        share: 0.12,
        holiday_share: 0.12,
        return_bp: 400,
        cost_ratio: (0.30, 0.45),
        bulk: false,
    },
    CategorySpec {
        name: "Sports & Outdoors",
        subs: [
            SubSpec {
                name: "Fitness",
                nouns: &[
                    ("Yoga Mat", 15.0, 69.0),
                    ("Dumbbell Set", 39.0, 199.0),
                    ("Kettlebell", 19.0, 79.0),
                    ("Resistance Bands", 9.0, 29.0),
                ],
            },
            SubSpec {
                name: "Camping",
                nouns: &[
                    ("Tent", 79.0, 399.0),
                    ("Sleeping Bag", 39.0, 179.0),
                    ("Backpack", 39.0, 199.0),
                    ("Lantern", 14.0, 49.0),
                ],
            },
            SubSpec {
                name: "Cycling",
                nouns: &[
                    ("Helmet", 29.0, 149.0),
                    ("Bike Light", 14.0, 59.0),
                    ("Road Bike", 499.0, 1299.0),
                    ("Bike Lock", 19.0, 79.0),
                ],
            },
        ],
        brands: &["Brand W", "Brand X", "Brand Y", "Brand Z"],
        share: 0.09,
        holiday_share: 0.08,
        return_bp: 550,
        cost_ratio: (0.50, 0.65),
        bulk: false,
    },
    CategorySpec {
        name: "Toys",
        subs: [
            SubSpec {
                name: "Building Sets",
                nouns: &[
                    ("Building Set", 19.0, 159.0),
                    ("Brick Kit", 14.0, 79.0),
                    ("Construction Set", 24.0, 99.0),
                ],
            },
            SubSpec {
                name: "Dolls & Figures",
                nouns: &[
                    ("Action Figure", 9.0, 34.0),
                    ("Doll", 14.0, 49.0),
                    ("Plush", 9.0, 29.0),
                ],
            },
            SubSpec {
                name: "Board Games",
                nouns: &[
                    ("Board Game", 19.0, 59.0),
                    ("Puzzle", 9.0, 29.0),
                    ("Card Game", 9.0, 24.0),
                ],
            },
        ],
        brands: &["Brand AA", "Brand AB", "Brand AC", "Brand AD"],
        share: 0.08,
        holiday_share: 0.12,
        return_bp: 400,
        cost_ratio: (0.45, 0.60),
        bulk: false,
    },
    CategorySpec {
        name: "Books",
        subs: [
            SubSpec {
                name: "Fiction",
                nouns: &[
                    ("Novel", 9.0, 28.0),
                    ("Thriller", 9.0, 26.0),
                    ("Mystery", 9.0, 26.0),
                ],
            },
            SubSpec {
                name: "Nonfiction",
                nouns: &[
                    ("Biography", 14.0, 35.0),
                    ("Cookbook", 17.0, 40.0),
                    ("History", 14.0, 35.0),
                    ("Guide", 12.0, 30.0),
                ],
            },
            SubSpec {
                name: "Children's Books",
                nouns: &[
                    ("Picture Book", 6.0, 18.0),
                    ("Storybook", 7.0, 20.0),
                    ("Activity Book", 5.0, 14.0),
                ],
            },
        ],
        brands: &["Brand AE", "Brand AF", "Brand AG", "Brand AH"],
        share: 0.08,
        holiday_share: 0.07,
        return_bp: 300,
        cost_ratio: (0.50, 0.65),
        bulk: false,
    },
];

const SERIES: [&str; 14] = [
    "Classic",
    "Essential",
    "Pro",
    "Lite",
    "Max",
    "Plus",
    "Sport",
    "Original",
    "Premium",
    "Ultra",
    "Eco",
    "Prime",
    "Signature",
    "Select",
];

/// One product row plus the hidden attributes the sales generator uses.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: i32,
    pub name: String,
    pub category: &'static str,
    pub subcategory: &'static str,
    pub brand: &'static str,
    pub unit_cost_cents: i64,
    pub list_price_cents: i64,
    pub return_bp: u32,
    pub bulk: bool,
    /// Relative popularity outside and inside the holiday season.
    pub weight: f64,
    pub holiday_weight: f64,
}

/// Builds the product catalogue: 8 categories × 3 subcategories × 12 products.
pub(crate) fn products(seed: u64) -> Vec<Product> {
    let mut rng = Rng::new(seed, 1);
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for cat in &CATEGORIES {
        let per_product_share = 1.0 / (cat.subs.len() * PRODUCTS_PER_SUBCATEGORY) as f64;
        for sub in &cat.subs {
            for rank in 0..PRODUCTS_PER_SUBCATEGORY {
                let brand = rng.pick(cat.brands);
                let (noun, lo, hi) = sub.nouns[rng.below(sub.nouns.len())];
                let mut tries = 0;
                let name = loop {
                    tries += 1;
                    let model = model_name(&mut rng, cat.name);
                    let mut candidate = format!("{brand} {noun} {model}");
                    if tries > 50 {
                        candidate = format!("{candidate} ({})", out.len() + 1);
                    }
                    if names.insert(candidate.clone()) {
                        break candidate;
                    }
                };
                let price = (lo.ln() + rng.unit() * (hi.ln() - lo.ln())).exp();
                // Prices end in .99 (or .49 for cheap items).
                let list_price_cents = if price < 10.0 {
                    (price.floor() as i64) * 100 + 49
                } else {
                    (price.floor() as i64) * 100 + 99
                };
                let ratio = cat.cost_ratio.0 + rng.unit() * (cat.cost_ratio.1 - cat.cost_ratio.0);
                let unit_cost_cents = ((list_price_cents as f64) * ratio).round() as i64;
                // Zipf-like popularity inside the subcategory, scaled to the category's share.
                let pop = 1.0 / ((rank + 1) as f64).powf(0.7) * (0.6 + 0.8 * rng.unit());
                out.push(Product {
                    id: 0,
                    name,
                    category: cat.name,
                    subcategory: sub.name,
                    brand,
                    unit_cost_cents,
                    list_price_cents,
                    return_bp: cat.return_bp,
                    bulk: cat.bulk,
                    weight: pop * cat.share * per_product_share,
                    holiday_weight: pop * cat.holiday_share * per_product_share,
                });
            }
        }
    }
    // Normalise the popularity inside each category so category shares hold exactly.
    for cat in &CATEGORIES {
        let (sum_w, sum_h) = out
            .iter()
            .filter(|p| p.category == cat.name)
            .fold((0.0, 0.0), |(w, h), p| (w + p.weight, h + p.holiday_weight));
        for p in out.iter_mut().filter(|p| p.category == cat.name) {
            p.weight *= cat.share / sum_w;
            p.holiday_weight *= cat.holiday_share / sum_h;
        }
    }
    for (i, p) in out.iter_mut().enumerate() {
        p.id = i as i32 + 1;
    }
    out
}

fn model_name(rng: &mut Rng, category: &str) -> String {
    match category {
        "Electronics" => {
            let letter = rng.pick(&["X", "S", "A", "Z", "N", "G"]);
            let number = 2 + rng.below(20);
            let suffix = rng.pick(&["", " Pro", " Max", " Lite", " Plus", " Air"]);
            format!("{letter}{number}{suffix}")
        }
        "Books" => {
            let vol = 1 + rng.below(12);
            let line = rng.pick(&["Collection", "Edition", "Series", "Volume"]);
            format!("{line} {vol}")
        }
        _ => {
            let series = rng.pick(&SERIES);
            let number = 100 * (1 + rng.below(9));
            format!("{series} {number}")
        }
    }
}

/// One store row.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub id: i32,
    pub name: String,
    pub city: &'static str,
    pub state: &'static str,
    pub region_idx: usize,
    pub store_type: &'static str,
}

/// Builds the 40 stores: per region one Flagship, a mix of Mall and Outlet stores, one Online store.
pub(crate) fn stores(seed: u64) -> Vec<Store> {
    let mut rng = Rng::new(seed, 2);
    let mut out = Vec::new();
    let mut names = HashSet::new();
    let mut mall = 0usize;
    for (r, region) in REGIONS.iter().enumerate() {
        for k in 0..PHYSICAL_STORES[r] {
            let (city, state) = CITIES[r][k % CITIES[r].len()];
            let store_type = match k {
                0 => "Flagship",
                1 | 2 => "Mall",
                3 => "Outlet",
                _ if rng.below(3) < 2 => "Mall",
                _ => "Outlet",
            };
            let mut name = match store_type {
                "Flagship" => format!("{city} Flagship"),
                "Mall" => {
                    mall += 1;
                    format!("{city} {} Mall", MALL_NAMES[(mall - 1) % MALL_NAMES.len()])
                }
                _ => format!("{city} Outlet"),
            };
            if !names.insert(name.clone()) {
                name.push_str(" II");
                names.insert(name.clone());
            }
            out.push(Store {
                id: 0,
                name,
                city,
                state,
                region_idx: r,
                store_type,
            });
        }
        let (city, state) = CITIES[r][0];
        let title = format!("{}{}", &region[..1], region[1..].to_lowercase());
        out.push(Store {
            id: 0,
            name: format!("Online Store {title}"),
            city,
            state,
            region_idx: r,
            store_type: "Online",
        });
    }
    for (i, s) in out.iter_mut().enumerate() {
        s.id = i as i32 + 1;
    }
    out
}

/// Number of customers for a lake of `rows` sales lines (a multiple of four: one id per region in turn).
pub(crate) fn customer_count(rows: u64) -> u64 {
    let n = (rows / 20).max(2_000);
    n.div_ceil(4) * 4
}

/// Size of the weighted product pick tables the sales generator indexes by hash.
pub(crate) const PICK_SLOTS: usize = 4096;

/// Spreads [`PICK_SLOTS`] slots over the products in proportion to `weight` (every product gets one).
fn pick_slots(products: &[Product], weight: impl Fn(&Product) -> f64) -> Vec<i32> {
    let total: f64 = products.iter().map(&weight).sum();
    let free = PICK_SLOTS - products.len();
    let mut counts: Vec<(usize, f64)> = products
        .iter()
        .map(|p| {
            let exact = weight(p) / total * free as f64;
            let whole = exact.floor();
            (1 + whole as usize, exact - whole)
        })
        .collect();
    let used: usize = counts.iter().map(|c| c.0).sum();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| counts[b].1.total_cmp(&counts[a].1).then(a.cmp(&b)));
    for &i in order.iter().take(PICK_SLOTS.saturating_sub(used)) {
        counts[i].0 += 1;
    }
    let mut slots = Vec::with_capacity(PICK_SLOTS);
    for (p, (n, _)) in products.iter().zip(&counts) {
        slots.extend(std::iter::repeat_n(p.id, *n));
    }
    // Interleave deterministically so neighbouring slots are different products.
    let mut rng = Rng::new(0x5EED, 3);
    for i in (1..slots.len()).rev() {
        let j = rng.below(i + 1);
        slots.swap(i, j);
    }
    slots
}

fn cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Creates `products` (the published table) and `pick_0` / `pick_1` (weighted slot → product
/// lookups for normal months and for November/December, with price, cost and return rate).
pub(crate) fn load_products(conn: &Connection, products: &[Product]) -> Result<(), DemoError> {
    let mut sql = String::from(
        "CREATE TEMP TABLE products (product_id INTEGER, product_name VARCHAR, category VARCHAR, \
         subcategory VARCHAR, brand VARCHAR, unit_cost DECIMAL(10,2), list_price DECIMAL(10,2));\n\
         CREATE TEMP TABLE product_x (product_id INTEGER, return_bp INTEGER, bulk BOOLEAN);\n",
    );
    let rows: Vec<String> = products
        .iter()
        .map(|p| {
            format!(
                "({}, {}, {}, {}, {}, {}, {})",
                p.id,
                sql_str(&p.name),
                sql_str(p.category),
                sql_str(p.subcategory),
                sql_str(p.brand),
                cents(p.unit_cost_cents),
                cents(p.list_price_cents)
            )
        })
        .collect();
    sql.push_str(&format!(
        "INSERT INTO products VALUES {};\n",
        rows.join(",\n")
    ));
    let xs: Vec<String> = products
        .iter()
        .map(|p| format!("({}, {}, {})", p.id, p.return_bp, p.bulk))
        .collect();
    sql.push_str(&format!("INSERT INTO product_x VALUES {};\n", xs.join(",")));
    for (t, slots) in [
        (0, pick_slots(products, |p| p.weight)),
        (1, pick_slots(products, |p| p.holiday_weight)),
    ] {
        let values: Vec<String> = slots
            .iter()
            .enumerate()
            .map(|(slot, id)| format!("({slot},{id})"))
            .collect();
        sql.push_str(&format!(
            "CREATE TEMP TABLE pick_{t} AS \
             SELECT s.slot, p.product_id, p.list_price, p.unit_cost, x.return_bp, x.bulk \
             FROM (VALUES {}) s(slot, product_id) \
             JOIN products p USING (product_id) JOIN product_x x USING (product_id);\n",
            values.join(",")
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Creates the `stores` table.
pub(crate) fn load_stores(conn: &Connection, stores: &[Store]) -> Result<(), DemoError> {
    let rows: Vec<String> = stores
        .iter()
        .map(|s| {
            format!(
                "({}, {}, {}, {}, {}, {})",
                s.id,
                sql_str(&s.name),
                sql_str(s.city),
                sql_str(s.state),
                sql_str(REGIONS[s.region_idx]),
                sql_str(s.store_type)
            )
        })
        .collect();
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE stores (store_id INTEGER, store_name VARCHAR, city VARCHAR, \
         state VARCHAR, region VARCHAR, store_type VARCHAR);\n\
         INSERT INTO stores VALUES {};",
        rows.join(",\n")
    ))?;
    Ok(())
}

pub(crate) fn write_products(conn: &Connection, path: &str) -> Result<(), DemoError> {
    conn.execute_batch(&format!(
        "COPY (SELECT * FROM products ORDER BY product_id) TO {path} \
         (FORMAT parquet, COMPRESSION zstd);"
    ))?;
    Ok(())
}

pub(crate) fn write_stores(conn: &Connection, path: &str) -> Result<(), DemoError> {
    conn.execute_batch(&format!(
        "COPY (SELECT * FROM stores ORDER BY store_id) TO {path} \
         (FORMAT parquet, COMPRESSION zstd);"
    ))?;
    Ok(())
}

fn sql_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(sql_str).collect();
    format!("[{}]", v.join(", "))
}

/// Streams `count` customers to parquet. Customer `id` lives in region `(id - 1) % 4`.
pub(crate) fn write_customers(
    conn: &Connection,
    count: u64,
    seed: u64,
    path: &str,
) -> Result<(), DemoError> {
    let cities: Vec<String> = CITIES
        .iter()
        .map(|r| sql_list(r.iter().map(|c| c.0)))
        .collect();
    let states: Vec<String> = CITIES
        .iter()
        .map(|r| sql_list(r.iter().map(|c| c.1)))
        .collect();
    let n_cities = CITIES[0].len();
    let s = format!("{seed}::UBIGINT");
    let sql = format!(
        "COPY (
  SELECT id AS customer_id,
    {first}[1 + (hash(id, {s}, 21) % {nf})::INTEGER] || ' ' || {last}[1 + (hash(id, {s}, 22) % {nl})::INTEGER] AS customer_name,
    CASE WHEN hash(id, {s}, 23) % 100 < 72 THEN 'Consumer'
         WHEN hash(id, {s}, 23) % 100 < 87 THEN 'Corporate'
         ELSE 'Small Business' END AS segment,
    [{cities}][ri][ci] AS city,
    [{states}][ri][ci] AS state,
    {regions}[ri] AS region,
    (DATE '2018-01-01' + (hash(id, {s}, 25) % 1461)::INTEGER) AS signup_date,
    CASE WHEN hash(id, {s}, 26) % 100 < 50 THEN 'Bronze'
         WHEN hash(id, {s}, 26) % 100 < 80 THEN 'Silver'
         WHEN hash(id, {s}, 26) % 100 < 95 THEN 'Gold'
         ELSE 'Platinum' END AS loyalty_tier
  FROM (
    SELECT id, (1 + (id - 1) % 4)::INTEGER AS ri, (1 + hash(id, {s}, 24) % {n_cities})::INTEGER AS ci
    FROM range(1, {end}) t(id)
  )
) TO {path} (FORMAT parquet, COMPRESSION zstd);",
        first = sql_list(FIRST_NAMES),
        last = sql_list(LAST_NAMES),
        nf = FIRST_NAMES.len(),
        nl = LAST_NAMES.len(),
        cities = cities.join(", "),
        states = states.join(", "),
        regions = sql_list(REGIONS),
        end = count + 1,
    );
    conn.execute_batch(&sql)?;
    Ok(())
}
