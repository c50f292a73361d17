//! Conversation memory: the turns of one conversation (for follow-ups and the LLM's history), kept per session
//! or, for a named thread (`SET insights.thread = 'q3-review'`), in an embedded store file under the data
//! directory so the thread survives reconnects and server restarts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::agent::nl::Intent;

/// Turns kept per conversation (older ones are dropped).
const MAX_TURNS: usize = 20;

/// One answered question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Turn {
    pub question: String,
    pub sql: String,
    /// The semantic reading, when the semantic engine answered (what follow-ups amend).
    #[serde(default)]
    pub intent: Option<Intent>,
}

/// The turns of one conversation, oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Conversation {
    pub turns: Vec<Turn>,
}

impl Conversation {
    /// The last turn's intent, for follow-ups.
    pub fn last_intent(&self) -> Option<Intent> {
        self.turns.iter().rev().find_map(|t| t.intent.clone())
    }

    pub fn push(&mut self, turn: Turn) {
        self.turns.push(turn);
        if self.turns.len() > MAX_TURNS {
            self.turns.remove(0);
        }
    }
}

/// Why the thread store failed.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error("thread store {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("thread store {path} is corrupt: {source}")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// Named threads persisted in one JSON file (written atomically: temp file then rename).
#[derive(Debug)]
pub struct ThreadStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl ThreadStore {
    /// The store of a data directory: `<data>/.insights/threads.json` (hidden, so lake discovery skips it).
    pub fn in_data_dir(data: &Path) -> ThreadStore {
        ThreadStore::at(data.join(".insights").join("threads.json"))
    }

    pub fn at(path: PathBuf) -> ThreadStore {
        ThreadStore {
            path,
            lock: Mutex::new(()),
        }
    }

    fn read_all(&self) -> Result<BTreeMap<String, Conversation>, MemoryError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| MemoryError::Corrupt {
                path: self.path.clone(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(source) => Err(MemoryError::Io {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write_all(&self, all: &BTreeMap<String, Conversation>) -> Result<(), MemoryError> {
        let io = |source| MemoryError::Io {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(all).map_err(|source| MemoryError::Corrupt {
            path: self.path.clone(),
            source,
        })?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }

    /// A thread's conversation (empty when unknown).
    pub fn load(&self, thread: &str) -> Result<Conversation, MemoryError> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.read_all()?.remove(thread).unwrap_or_default())
    }

    /// Replaces a thread's conversation (an empty one removes the thread).
    pub fn save(&self, thread: &str, conv: &Conversation) -> Result<(), MemoryError> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.read_all()?;
        if conv.turns.is_empty() {
            all.remove(thread);
        } else {
            all.insert(thread.to_owned(), conv.clone());
        }
        self.write_all(&all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_survive_a_new_store_on_the_same_file() {
        let dir = std::env::temp_dir().join(format!("insights-mem-{}", std::process::id()));
        let store = ThreadStore::in_data_dir(&dir);
        let mut c = Conversation::default();
        c.push(Turn {
            question: "revenue by region".into(),
            sql: "SELECT 1".into(),
            intent: Some(Intent::default()),
        });
        store.save("q3", &c).unwrap();
        let again = ThreadStore::in_data_dir(&dir);
        assert_eq!(again.load("q3").unwrap(), c);
        assert!(again.load("other").unwrap().turns.is_empty());
        again.save("q3", &Conversation::default()).unwrap();
        assert!(store.load("q3").unwrap().turns.is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
