//! The result cache: answers of validated statements over unchanged lake tables, kept in moka with a byte bound
//! and a TTL. A statement is cached only when it reads at least one lake table and calls nothing volatile
//! (`now()`, `random()` …); a refresh that changes a table drops every entry that read it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{CacheStats, ColumnDesc, RecordBatch, ResultSink};

/// Words that make a statement's answer change without the data changing.
const VOLATILE: &[&str] = &[
    "now",
    "random",
    "uuid",
    "gen_random_uuid",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "today",
    "get_current_time",
    "get_current_timestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "nextval",
    "currval",
    "setseed",
    "insights",
];

/// One cached answer.
#[derive(Debug)]
pub struct CachedResult {
    pub columns: Vec<ColumnDesc>,
    pub batches: Vec<RecordBatch>,
    /// The lake tables the statement reads.
    pub tables: Vec<String>,
    pub bytes: u64,
}

/// The cache. `None` inside when disabled (size 0).
pub struct ResultCache {
    cache: Option<moka::sync::Cache<String, Arc<CachedResult>>>,
    /// Largest single answer worth keeping.
    max_entry: u64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResultCache {
    pub fn new(max_bytes: u64, ttl: Duration) -> Self {
        let cache = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|k: &String, v: &Arc<CachedResult>| {
                    u32::try_from(v.bytes + k.len() as u64).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build()
        });
        Self {
            cache,
            max_entry: (max_bytes / 8).min(u64::from(u32::MAX)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The cached answer of `sql`, if any (counted as a hit).
    pub fn get(&self, sql: &str) -> Option<Arc<CachedResult>> {
        let hit = self.cache.as_ref()?.get(sql);
        if hit.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    /// Counts a cacheable statement that was not in the cache and runs now.
    pub fn note_miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    pub fn contains(&self, sql: &str) -> bool {
        self.cache.as_ref().is_some_and(|c| c.contains_key(sql))
    }

    /// The lake tables `sql` reads if its answer may be cached: at least one table and nothing volatile.
    pub fn cacheable(&self, sql: &str, lake_tables: &HashSet<String>) -> Option<Vec<String>> {
        self.cache.as_ref()?;
        let mut tables = Vec::new();
        for word in sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
        {
            let w = word.to_ascii_lowercase();
            if VOLATILE.contains(&w.as_str()) {
                return None;
            }
            if lake_tables.contains(&w) && !tables.contains(&w) {
                tables.push(w);
            }
        }
        (!tables.is_empty()).then_some(tables)
    }

    /// Keeps an answer.
    pub fn insert(&self, sql: &str, result: CachedResult) {
        if let Some(c) = &self.cache {
            c.insert(sql.to_owned(), Arc::new(result));
        }
    }

    /// Drops every entry that read one of `tables`.
    pub fn invalidate_tables(&self, tables: &[String]) {
        let Some(c) = &self.cache else { return };
        if tables.is_empty() {
            return;
        }
        let tables: HashSet<String> = tables.iter().cloned().collect();
        // Only fails when closures are not enabled, which `new` always enables.
        if c.invalidate_entries_if(move |_, v| v.tables.iter().any(|t| tables.contains(t)))
            .is_err()
        {
            c.invalidate_all();
        }
    }

    pub fn max_entry(&self) -> u64 {
        self.max_entry
    }
}

/// Passes a result through to the client's sink and keeps a copy while it stays under the entry limit.
pub struct TeeSink<'a> {
    pub inner: &'a mut dyn ResultSink,
    pub columns: Vec<ColumnDesc>,
    pub batches: Vec<RecordBatch>,
    pub bytes: u64,
    pub limit: u64,
    /// The copy was abandoned (too big) or the client stopped early: do not cache.
    pub incomplete: bool,
}

impl<'a> TeeSink<'a> {
    pub fn new(inner: &'a mut dyn ResultSink, limit: u64) -> Self {
        Self {
            inner,
            columns: Vec::new(),
            batches: Vec::new(),
            bytes: 0,
            limit,
            incomplete: false,
        }
    }
}

impl ResultSink for TeeSink<'_> {
    fn columns(&mut self, columns: Vec<ColumnDesc>) -> bool {
        self.columns = columns.clone();
        let go_on = self.inner.columns(columns);
        self.incomplete |= !go_on;
        go_on
    }

    fn batch(&mut self, batch: RecordBatch) -> bool {
        if !self.incomplete {
            self.bytes += batch.get_array_memory_size() as u64;
            if self.bytes > self.limit {
                self.incomplete = true;
                self.batches.clear();
            } else {
                self.batches.push(batch.clone());
            }
        }
        let go_on = self.inner.batch(batch);
        if !go_on {
            self.incomplete = true;
        }
        go_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lake_reads_without_volatile_calls_are_cacheable() {
        let c = ResultCache::new(1 << 20, Duration::from_secs(60));
        let lake: HashSet<String> = ["sales".to_string(), "stores".to_string()].into();
        assert_eq!(
            c.cacheable("SELECT region, sum(x) FROM Sales GROUP BY 1", &lake),
            Some(vec!["sales".to_string()])
        );
        assert_eq!(c.cacheable("SELECT now(), * FROM sales", &lake), None);
        assert_eq!(c.cacheable("SELECT 1", &lake), None);
        let off = ResultCache::new(0, Duration::from_secs(60));
        assert_eq!(off.cacheable("SELECT * FROM sales", &lake), None);
    }

    #[test]
    fn hits_are_counted() {
        let c = ResultCache::new(1 << 20, Duration::from_secs(60));
        assert!(c.get("SELECT 1 FROM sales").is_none());
        c.note_miss();
        c.insert(
            "SELECT 1 FROM sales",
            CachedResult {
                columns: Vec::new(),
                batches: Vec::new(),
                tables: vec!["sales".into()],
                bytes: 1,
            },
        );
        assert!(c.get("SELECT 1 FROM sales").is_some());
        assert_eq!(c.stats(), CacheStats { hits: 1, misses: 1 });
    }
}
