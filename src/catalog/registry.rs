//! The schema registry's source side: which local directories and S3 prefixes make up the lake, their file
//! listings held in a moka TTL cache (so a refresh within the TTL does not list again unless forced), and the
//! grouping of listed files into named tables. The engine turns what this finds into views.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use duckdb::Connection;

use crate::config::Source;
use crate::engine::discover::{self, FileEntry, FoundTable};
use crate::engine::s3;

/// A source, file or table that could not be read: kept in `insights.catalog_errors` and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub source: String,
    /// The file (or the source root when the whole listing failed).
    pub path: String,
    /// The table the file belongs to, if known.
    pub table: Option<String>,
    pub error: String,
}

/// The lake's sources and their cached listings.
pub struct Registry {
    sources: Vec<Source>,
    listings: moka::sync::Cache<String, Arc<Vec<FileEntry>>>,
}

impl Registry {
    /// `sources` in order (earlier ones win unsuffixed table names); listings live for `ttl`.
    pub fn new(sources: Vec<Source>, ttl: Duration) -> Self {
        Self {
            sources,
            listings: moka::sync::Cache::builder()
                .max_capacity(1024)
                .time_to_live(ttl)
                .build(),
        }
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The S3 prefixes among the sources.
    pub fn s3_prefixes(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter_map(|s| match s {
                Source::S3(u) => Some(u.clone()),
                Source::Local(_) => None,
            })
            .collect()
    }

    /// The local directories among the sources (canonical when they exist).
    pub fn local_dirs(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .filter_map(|s| match s {
                Source::Local(p) => Some(p.canonicalize().unwrap_or_else(|_| p.clone())),
                Source::S3(_) => None,
            })
            .collect()
    }

    /// Every source's tables (listings from the cache unless expired or `force`), and the sources that could
    /// not be listed. S3 prefixes are listed through `conn` (httpfs).
    pub fn discover(&self, conn: &Connection, force: bool) -> (Vec<FoundTable>, Vec<CatalogError>) {
        if force {
            self.listings.invalidate_all();
        }
        let mut tables = Vec::new();
        let mut errors = Vec::new();
        for source in &self.sources {
            let (key, listed) = match source {
                Source::Local(dir) => {
                    let root = dir.canonicalize().unwrap_or_else(|_| dir.clone());
                    let key = root.to_string_lossy().into_owned();
                    let listed = self.cached(&key, || discover::list_local(&root));
                    (key, listed)
                }
                Source::S3(prefix) => {
                    let listed = self.cached(prefix, || s3::list(conn, prefix));
                    (prefix.clone(), listed)
                }
            };
            match listed {
                Ok(entries) => tables.extend(discover::group_tables(&key, &entries)),
                Err(e) => errors.push(CatalogError {
                    source: key.clone(),
                    path: key,
                    table: None,
                    error: e.to_string(),
                }),
            }
        }
        discover::dedupe_names(&mut tables);
        (tables, errors)
    }

    fn cached(
        &self,
        key: &str,
        list: impl FnOnce() -> Result<Vec<FileEntry>, crate::engine::EngineError>,
    ) -> Result<Arc<Vec<FileEntry>>, crate::engine::EngineError> {
        if let Some(hit) = self.listings.get(key) {
            return Ok(hit);
        }
        let entries = Arc::new(list()?);
        self.listings.insert(key.to_owned(), entries.clone());
        Ok(entries)
    }
}
