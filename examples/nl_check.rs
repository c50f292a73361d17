//! Offline accuracy check of the NL engine without the server: builds the lake snapshot with DuckDB,
//! plans each eval case, runs generated and gold SQL, and compares results the way nl_eval.py does.
//!
//! usage: cargo run --release --example nl_check -- --data DIR --cases dev.jsonl [--catalog catalog] [--only d01,d02] [-v]
//!        [--generate ROWS]   (writes the demo lake into DIR first when DIR does not exist)
//!        [--tables FILE.json] (other schemas: {"table": "glob relative to DIR"}, CSV or Parquet, like nl_eval.py)

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use duckdb::Connection;
use retail_insights::agent::nl::{NlContext, NlEngine, NlError};
use retail_insights::catalog::schema::{ColumnInfo, LakeSnapshot, TableInfo};
use retail_insights::catalog::semantic::{is_date, is_numeric, is_text, SemanticModel};

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Num(f64),
    Text(String),
}

struct Args {
    data: PathBuf,
    cases: PathBuf,
    catalog: PathBuf,
    only: Option<Vec<String>>,
    verbose: bool,
    generate: Option<u64>,
    tables: Option<PathBuf>,
    ask: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut data = None;
    let mut cases = PathBuf::from("/work/shared/eval/dev.jsonl");
    let mut catalog = PathBuf::from("catalog");
    let mut only = None;
    let mut verbose = false;
    let mut generate = None;
    let mut tables = None;
    let mut ask = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--data" => data = it.next().map(PathBuf::from),
            "--cases" => {
                cases = it
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--cases needs a value")?
            }
            "--catalog" => {
                catalog = it
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--catalog needs a value")?
            }
            "--only" => only = it.next().map(|s| s.split(',').map(String::from).collect()),
            "-v" | "--verbose" => verbose = true,
            "--ask" => ask.extend(it.next()),
            "--tables" => tables = it.next().map(PathBuf::from),
            "--generate" => generate = it.next().and_then(|s| s.parse().ok()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        data: data.ok_or("--data DIR is required")?,
        cases,
        catalog,
        only,
        verbose,
        generate,
        tables,
        ask,
    })
}

fn open_lake(data: &std::path::Path, tables: &[(String, String)]) -> duckdb::Result<Connection> {
    let con = Connection::open_in_memory()?;
    let d = data.display().to_string().replace('\'', "''");
    let hive = retail_insights::demo::SALES_HIVE_TYPES;
    for (name, glob) in tables {
        let path = format!("{d}/{}", glob.replace('\'', "''"));
        let reader = if glob.ends_with(".csv") {
            format!("read_csv_auto('{path}')")
        } else if glob.contains("**") && name == "sales" {
            format!("read_parquet('{path}', hive_partitioning = true, hive_types = {hive})")
        } else {
            format!("read_parquet('{path}', hive_partitioning = true)")
        };
        con.execute_batch(&format!(
            "CREATE VIEW \"{}\" AS SELECT * FROM {reader};",
            name.replace('"', "\"\"")
        ))?;
    }
    Ok(con)
}

fn table_list(file: Option<&PathBuf>) -> Vec<(String, String)> {
    let demo = [
        ("sales", "sales/**/*.parquet"),
        ("products", "products.parquet"),
        ("stores", "stores.parquet"),
        ("customers", "customers.parquet"),
    ];
    let Some(f) = file else {
        return demo
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    };
    let text = std::fs::read_to_string(f).unwrap_or_default();
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
        Ok(m) => m
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        Err(e) => {
            eprintln!("bad --tables file: {e}");
            std::process::exit(2);
        }
    }
}

fn one_text(con: &Connection, sql: &str) -> duckdb::Result<Option<String>> {
    let mut st = con.prepare(sql)?;
    let mut rows = st.query([])?;
    match rows.next()? {
        Some(r) => r.get::<_, Option<String>>(0),
        None => Ok(None),
    }
}

fn snapshot(con: &Connection, names: &[(String, String)]) -> duckdb::Result<LakeSnapshot> {
    let mut tables = Vec::new();
    for (name, _) in names {
        let name = name.as_str();
        let qn = format!("\"{}\"", name.replace('"', "\"\""));
        let mut cols = Vec::new();
        let described: Vec<(String, String)> = {
            let mut st = con.prepare(&format!("DESCRIBE {qn}"))?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            rows.collect::<duckdb::Result<_>>()?
        };
        for (c, ty) in described {
            let q = format!("\"{c}\"");
            let mut info = ColumnInfo {
                name: c.clone(),
                data_type: ty.clone(),
                nullable: true,
                partition: name == "sales" && matches!(c.as_str(), "year" | "month" | "region"),
                ..Default::default()
            };
            if is_text(&ty) {
                let n: Option<String> = one_text(
                    con,
                    &format!("SELECT COUNT(DISTINCT {q})::VARCHAR FROM {qn}"),
                )?;
                let n: u64 = n.and_then(|s| s.parse().ok()).unwrap_or(0);
                info.distinct_count = Some(n);
                if n <= 200 {
                    let mut st = con.prepare(&format!(
                        "SELECT DISTINCT {q}::VARCHAR FROM {qn} WHERE {q} IS NOT NULL ORDER BY 1"
                    ))?;
                    let vals = st.query_map([], |r| r.get::<_, String>(0))?;
                    info.sample_values = vals.collect::<duckdb::Result<_>>()?;
                }
            } else if is_date(&ty) || is_numeric(&ty) {
                info.min = one_text(con, &format!("SELECT MIN({q})::VARCHAR FROM {qn}"))?;
                info.max = one_text(con, &format!("SELECT MAX({q})::VARCHAR FROM {qn}"))?;
            }
            cols.push(info);
        }
        let count = one_text(con, &format!("SELECT COUNT(*)::VARCHAR FROM {qn}"))?
            .and_then(|s| s.parse().ok());
        tables.push(TableInfo {
            name: name.to_string(),
            columns: cols,
            row_count: count,
        });
    }
    Ok(LakeSnapshot { tables })
}

/// Runs a query and returns (column names, rows) with every value as a number, text or null.
fn run(con: &Connection, sql: &str) -> Result<(Vec<String>, Vec<Vec<Cell>>), String> {
    let wrapped = format!("SELECT COLUMNS(*)::VARCHAR FROM ({sql})");
    let mut st = con.prepare(&wrapped).map_err(|e| e.to_string())?;
    let mut rows = st.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut ncol = 0;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        let stmt = r.as_ref();
        ncol = stmt.column_count();
        let mut row = Vec::new();
        for i in 0..ncol {
            let v: Option<String> = r.get(i).map_err(|e| e.to_string())?;
            row.push(match v {
                None => Cell::Null,
                Some(s) => match s.as_str() {
                    "true" => Cell::Num(1.0),
                    "false" => Cell::Num(0.0),
                    _ => s
                        .trim()
                        .parse::<f64>()
                        .map(Cell::Num)
                        .unwrap_or(Cell::Text(s.trim().to_string())),
                },
            });
        }
        out.push(row);
    }
    drop(rows);
    let names = st.column_names();
    let _ = ncol;
    Ok((names, out))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01f64.max(1e-6 * a.abs().max(b.abs()))
}

fn same(a: &Cell, b: &Cell, ratio: bool) -> bool {
    match (a, b) {
        (Cell::Null, Cell::Null) => true,
        (Cell::Num(x), Cell::Num(y)) => close(*x, *y) || (ratio && close(x * 100.0, *y)),
        (Cell::Text(x), Cell::Text(y)) => x.to_lowercase() == y.to_lowercase(),
        _ => false,
    }
}

fn sort_key(c: &Cell) -> (u8, i64, String) {
    match c {
        Cell::Null => (1, 0, String::new()),
        Cell::Num(x) => (0, (x * 100.0).round() as i64, String::new()),
        Cell::Text(s) => (0, 0, s.clone()),
    }
}

fn column_matches(gold: &[Cell], got: &[Cell], ordered: bool, ratio: bool) -> bool {
    if gold.len() != got.len() {
        return false;
    }
    if ordered {
        return gold.iter().zip(got).all(|(a, b)| same(a, b, ratio));
    }
    let mut g: Vec<&Cell> = gold.iter().collect();
    let mut o: Vec<&Cell> = got.iter().collect();
    g.sort_by_key(|c| sort_key(c));
    o.sort_by_key(|c| sort_key(c));
    g.iter().zip(&o).all(|(a, b)| same(a, b, ratio))
}

fn compare(
    case: &serde_json::Value,
    gold: &(Vec<String>, Vec<Vec<Cell>>),
    got: &(Vec<String>, Vec<Vec<Cell>>),
) -> Option<String> {
    let (gc, gr) = gold;
    let (oc, or) = got;
    if gr.len() != or.len() {
        return Some(format!("{} rows, expected {}", or.len(), gr.len()));
    }
    let ordered = case["ordered"].as_bool().unwrap_or(false);
    let ratio: Vec<&str> = case["ratio"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let col =
        |rows: &Vec<Vec<Cell>>, i: usize| rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
    let mut picks: Vec<(usize, bool, Vec<usize>)> = Vec::new();
    for name in case["match"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        let Some(gi) = gc.iter().position(|c| c == name) else {
            return Some(format!("gold has no column {name}"));
        };
        let is_ratio = ratio.contains(&name);
        let cands: Vec<usize> = (0..oc.len())
            .filter(|&j| column_matches(&col(gr, gi), &col(or, j), ordered, is_ratio))
            .collect();
        if cands.is_empty() {
            return Some(format!(
                "no answer column matches gold column '{name}' (got columns {oc:?})"
            ));
        }
        picks.push((gi, is_ratio, cands));
    }
    if ordered || picks.len() <= 1 {
        return None;
    }
    // Row-by-row agreement for some choice of columns.
    let mut combos: Vec<Vec<usize>> = vec![vec![]];
    for (_, _, c) in &picks {
        combos = combos
            .into_iter()
            .flat_map(|p| {
                c.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(*x);
                    q
                })
            })
            .collect();
    }
    let key_of = |t: &Vec<Cell>| -> Vec<(u8, i64, String)> {
        t.iter()
            .enumerate()
            .map(|(i, c)| {
                if picks[i].1 {
                    (0, 0, String::new())
                } else {
                    sort_key(c)
                }
            })
            .collect()
    };
    let mut gold_sel: Vec<Vec<Cell>> = gr
        .iter()
        .map(|r| picks.iter().map(|(gi, _, _)| r[*gi].clone()).collect())
        .collect();
    gold_sel.sort_by_key(|t| key_of(t));
    for combo in combos {
        let mut got_sel: Vec<Vec<Cell>> = or
            .iter()
            .map(|r| combo.iter().map(|j| r[*j].clone()).collect())
            .collect();
        got_sel.sort_by_key(|t| key_of(t));
        if gold_sel.iter().zip(&got_sel).all(|(x, y)| {
            x.iter()
                .zip(y)
                .enumerate()
                .all(|(i, (a, b))| same(a, b, picks[i].1))
        }) {
            return None;
        }
    }
    Some("columns match one by one but not row by row".into())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let (Some(rows), false) = (args.generate, args.data.exists()) {
        let opts = retail_insights::demo::DemoOptions {
            out: args.data.clone(),
            rows,
            seed: 42,
            progress: false,
        };
        if let Err(e) = retail_insights::demo::generate(&opts) {
            eprintln!("cannot generate the demo lake: {e}");
            std::process::exit(2);
        }
    }
    let table_names = table_list(args.tables.as_ref());
    let con = match open_lake(&args.data, &table_names) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot open lake: {e}");
            std::process::exit(2);
        }
    };
    let lake = match snapshot(&con, &table_names) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot read lake statistics: {e}");
            std::process::exit(2);
        }
    };
    let model = match SemanticModel::load_dir(&args.catalog, &lake) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("catalog: {e}");
            std::process::exit(2);
        }
    };
    let anchor = model.latest_date();
    let engine = NlEngine::new(Arc::new(model));
    if !args.ask.is_empty() {
        // --ask "q1" --ask "q2": one conversation, printing each plan and its first rows.
        let mut ctx = NlContext {
            anchor,
            previous: None,
        };
        for q in &args.ask {
            let t0 = Instant::now();
            let r = engine.plan(q, &ctx);
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            println!("Q: {q}  ({ms:.3} ms)");
            match r {
                Ok(p) => {
                    println!(
                        "  {}\n  notes: {:?}\n  {}",
                        p.interpretation, p.notes, p.sql
                    );
                    match run(&con, &p.sql) {
                        Ok((cols, rows)) => {
                            println!("  {cols:?} ({} rows)", rows.len());
                            for r in rows.iter().take(5) {
                                println!("  {r:?}");
                            }
                        }
                        Err(e) => println!("  SQL ERROR: {e}"),
                    }
                    ctx.previous = Some(p.intent);
                }
                Err(e) => println!("  {e:?}"),
            }
        }
        return;
    }
    let text = std::fs::read_to_string(&args.cases).unwrap_or_default();
    let (mut passed, mut total) = (0, 0);
    let (mut mt_passed, mut mt_total) = (0, 0);
    let mut times: Vec<f64> = Vec::new();
    let mut failures: HashMap<String, String> = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(case) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let id = case["id"].as_str().unwrap_or("?").to_string();
        if args.only.as_ref().is_some_and(|o| !o.contains(&id)) {
            continue;
        }
        let expect = case["expect"].as_str().unwrap_or("");
        if expect == "summary" {
            continue;
        }
        let turns: Vec<String> = match case["turns"].as_array() {
            Some(t) => t
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            None => vec![case["q"].as_str().unwrap_or("").to_string()],
        };
        let multi = turns.len() > 1;
        let mut ctx = NlContext {
            anchor,
            previous: None,
        };
        let mut result = None;
        for q in &turns {
            let t0 = Instant::now();
            let r = engine.plan(q, &ctx);
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
            if let Ok(p) = &r {
                ctx.previous = Some(p.intent.clone());
            }
            result = Some(r);
        }
        let label = turns.join(" / ");
        let why: Option<String> = match (expect, result) {
            ("refuse", Some(Err(_))) => None,
            ("refuse", Some(Ok(p))) => Some(format!("answered instead of refusing: {}", p.sql)),
            (_, Some(Err(NlError::Clarify { message, .. }))) => Some(format!("clarify: {message}")),
            (_, Some(Err(NlError::Refuse { reason }))) => Some(format!("refused: {reason}")),
            (_, None) => Some("no turns".into()),
            (_, Some(Ok(p))) => {
                let gold = run(&con, case["sql"].as_str().unwrap_or(""));
                let got = run(&con, &p.sql);
                match (gold, got) {
                    (Err(e), _) => Some(format!("gold failed: {e}")),
                    (_, Err(e)) => Some(format!("generated SQL failed: {e}\n    {}", p.sql)),
                    (Ok(g), Ok(o)) => compare(&case, &g, &o)
                        .map(|w| format!("{w}\n    {}\n    {}", p.interpretation, p.sql)),
                }
                .map(|w| w.to_string())
                .or_else(|| {
                    if args.verbose {
                        println!("PASS {id} {label}\n    {}\n    {}", p.interpretation, p.sql);
                    }
                    None
                })
            }
        };
        if multi {
            mt_total += 1;
        } else {
            total += 1;
        }
        match why {
            None => {
                if multi {
                    mt_passed += 1;
                } else {
                    passed += 1;
                }
            }
            Some(w) => {
                println!("FAIL {id} {label}: {w}");
                failures.insert(id, w);
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    if !times.is_empty() {
        let p50 = times[times.len() / 2];
        let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
        let max = times[times.len() - 1];
        println!("planning time per question: p50 {p50:.3} ms, p95 {p95:.3} ms, max {max:.3} ms");
    }
    println!(
        "accuracy: {passed}/{total} single-turn non-summary cases ({:.1}%); follow-ups {mt_passed}/{mt_total}",
        100.0 * passed as f64 / total.max(1) as f64
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
