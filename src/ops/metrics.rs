//! Prometheus metrics, kept in atomics and small maps and rendered in the text exposition format: connections
//! (open now, accepted, refused), statements by kind and outcome, statement latency histograms by kind, result
//! cache hits and misses, catalog tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::audit::{AuditKind, AuditRecord};
use crate::engine::CacheStats;

/// Upper bounds of the latency buckets, in seconds.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// One latency histogram: a count per bucket (not cumulative), the sum and the count.
#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; LATENCY_BUCKETS.len()];
        }
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }
}

#[derive(Default)]
struct Statements {
    /// (kind, outcome) → count.
    counts: BTreeMap<(AuditKind, String), u64>,
    latency: BTreeMap<AuditKind, Histogram>,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    connections_open: AtomicI64,
    connections_total: AtomicU64,
    connections_refused: AtomicU64,
    statements: Mutex<Statements>,
}

/// Counts a connection as open until dropped.
pub struct OpenConnection(Arc<Metrics>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.connections_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What is read from elsewhere at scrape time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    pub catalog_tables: usize,
    pub cache: CacheStats,
}

impl Metrics {
    pub fn connection_opened(self: &Arc<Self>) -> OpenConnection {
        self.connections_total.fetch_add(1, Ordering::Relaxed);
        self.connections_open.fetch_add(1, Ordering::Relaxed);
        OpenConnection(self.clone())
    }

    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a finished statement.
    pub fn observe(&self, r: &AuditRecord) {
        let mut s = self.statements.lock().unwrap_or_else(|p| p.into_inner());
        *s.counts.entry((r.kind, r.outcome.clone())).or_default() += 1;
        s.latency
            .entry(r.kind)
            .or_default()
            .observe(r.duration.as_secs_f64());
    }

    /// The text exposition (format 0.0.4) of every metric.
    pub fn render(&self, snap: &Snapshot) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, lines: &[(String, String)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (suffix_labels, value) in lines {
                let _ = writeln!(out, "{name}{suffix_labels} {value}");
            }
        };
        let one = |v: String| vec![(String::new(), v)];
        metric(
            "insights_ready",
            "gauge",
            "1 once the catalog has loaded and connections are served.",
            &one("1".into()),
        );
        metric(
            "insights_connections",
            "gauge",
            "Client connections open now.",
            &one(self.connections_open.load(Ordering::Relaxed).to_string()),
        );
        metric(
            "insights_connections_total",
            "counter",
            "Client connections accepted since start.",
            &one(self.connections_total.load(Ordering::Relaxed).to_string()),
        );
        metric(
            "insights_connections_refused_total",
            "counter",
            "Client connections refused because max_connections were open.",
            &one(self.connections_refused.load(Ordering::Relaxed).to_string()),
        );
        let (counts, latency) = {
            let s = self.statements.lock().unwrap_or_else(|p| p.into_inner());
            (s.counts.clone(), s.latency.clone())
        };
        let lines: Vec<(String, String)> = counts
            .iter()
            .map(|((kind, outcome), n)| {
                (
                    labels(&[("kind", kind.as_str()), ("outcome", outcome)]),
                    n.to_string(),
                )
            })
            .collect();
        metric(
            "insights_statements_total",
            "counter",
            "Statements finished, by kind (sql, nl) and outcome (ok or the SQLSTATE).",
            &lines,
        );
        let mut lines = Vec::new();
        for kind in AuditKind::ALL {
            let h = latency.get(&kind).cloned().unwrap_or_default();
            let mut cumulative = 0;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative += h.buckets.get(i).copied().unwrap_or(0);
                lines.push((
                    format!(
                        "_bucket{}",
                        labels(&[("kind", kind.as_str()), ("le", &bound.to_string())])
                    ),
                    cumulative.to_string(),
                ));
            }
            let k = labels(&[("kind", kind.as_str())]);
            lines.push((
                format!(
                    "_bucket{}",
                    labels(&[("kind", kind.as_str()), ("le", "+Inf")])
                ),
                h.count.to_string(),
            ));
            lines.push((format!("_sum{k}"), h.sum.to_string()));
            lines.push((format!("_count{k}"), h.count.to_string()));
        }
        metric(
            "insights_statement_duration_seconds",
            "histogram",
            "Statement time from receipt to the last row sent, by kind.",
            &lines,
        );
        metric(
            "insights_result_cache_hits_total",
            "counter",
            "Statements answered from the result cache.",
            &one(snap.cache.hits.to_string()),
        );
        metric(
            "insights_result_cache_misses_total",
            "counter",
            "Cacheable statements that had to run.",
            &one(snap.cache.misses.to_string()),
        );
        metric(
            "insights_catalog_tables",
            "gauge",
            "Lake tables served.",
            &one(snap.catalog_tables.to_string()),
        );
        out
    }
}

/// The exposition before the catalog has loaded.
pub fn render_starting() -> String {
    "# HELP insights_ready 1 once the catalog has loaded and connections are served.\n\
     # TYPE insights_ready gauge\ninsights_ready 0\n"
        .to_owned()
}

/// `{a="x",b="y"}` with label values escaped.
fn labels(pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn finished(kind: AuditKind, outcome: &str, ms: u64) -> AuditRecord {
        AuditRecord {
            seq: 0,
            started_at: chrono::Utc::now(),
            user_name: String::new(),
            client_addr: String::new(),
            application_name: String::new(),
            kind,
            statement: String::new(),
            question: None,
            sql: None,
            rows: 0,
            duration: Duration::from_millis(ms),
            outcome: outcome.into(),
            error: None,
        }
    }

    #[test]
    fn exposition_counts_and_buckets() {
        let m = Arc::new(Metrics::default());
        let c = m.connection_opened();
        m.observe(&finished(AuditKind::Sql, "ok", 3));
        m.observe(&finished(AuditKind::Sql, "42501", 700));
        m.observe(&finished(AuditKind::Nl, "ok", 20));
        let text = m.render(&Snapshot {
            catalog_tables: 4,
            cache: CacheStats { hits: 2, misses: 1 },
        });
        for line in [
            "# TYPE insights_statements_total counter",
            "insights_connections 1",
            "insights_statements_total{kind=\"sql\",outcome=\"ok\"} 1",
            "insights_statements_total{kind=\"sql\",outcome=\"42501\"} 1",
            "insights_statement_duration_seconds_bucket{kind=\"sql\",le=\"0.005\"} 1",
            "insights_statement_duration_seconds_bucket{kind=\"sql\",le=\"0.5\"} 1",
            "insights_statement_duration_seconds_bucket{kind=\"sql\",le=\"1\"} 2",
            "insights_statement_duration_seconds_bucket{kind=\"sql\",le=\"+Inf\"} 2",
            "insights_statement_duration_seconds_count{kind=\"nl\"} 1",
            "insights_result_cache_hits_total 2",
            "insights_catalog_tables 4",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
        drop(c);
        assert!(m
            .render(&Snapshot::default())
            .contains("\ninsights_connections 0\n"));
        assert_eq!(labels(&[("a", "x\"y")]), "{a=\"x\\\"y\"}");
    }
}
