//! Who may log in: the SCRAM verifiers of the users file (`users_file`, a TOML file of
//! `name = "SCRAM-SHA-256$…"` lines that `insights user add` maintains) and of the config's inline `[users]` table.
//! Only verifiers are ever read or written here, never passwords.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::verifier::{Verifier, VerifierError};
use crate::config::Config;

/// Why the users could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("cannot read the users file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid users file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("cannot write the users file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("user {user:?} in {origin}: {source}")]
    Verifier {
        user: String,
        origin: String,
        source: VerifierError,
    },
    #[error("user {0:?} is in both users_file and [users]; keep one")]
    Duplicate(String),
    #[error(
        "invalid user name {0:?}: it must be 1 to 63 characters, none of them control characters"
    )]
    Name(String),
}

/// The users who may log in, by name.
#[derive(Debug, Default, Clone)]
pub struct Users {
    verifiers: BTreeMap<String, Verifier>,
}

impl Users {
    /// Reads `users_file` (when set) and the inline `[users]`; a name in both is an error.
    ///
    /// # Errors
    /// When the file cannot be read, a verifier is malformed or a user is defined twice.
    pub fn load(config: &Config) -> Result<Users, UsersError> {
        let mut users = match &config.users_file {
            Some(path) => Self::from_file(path)?,
            None => Users::default(),
        };
        for (name, text) in &config.users {
            check_name(name)?;
            let v = Verifier::parse(text).map_err(|source| UsersError::Verifier {
                user: name.clone(),
                origin: "[users]".into(),
                source,
            })?;
            if users.verifiers.insert(name.clone(), v).is_some() {
                return Err(UsersError::Duplicate(name.clone()));
            }
        }
        Ok(users)
    }

    /// Reads one users file.
    ///
    /// # Errors
    /// When it cannot be read or parsed, or holds a malformed verifier.
    pub fn from_file(path: &Path) -> Result<Users, UsersError> {
        let text = std::fs::read_to_string(path).map_err(|source| UsersError::Read {
            path: path.to_owned(),
            source,
        })?;
        let entries: BTreeMap<String, String> =
            toml::from_str(&text).map_err(|source| UsersError::Parse {
                path: path.to_owned(),
                source,
            })?;
        let mut verifiers = BTreeMap::new();
        for (name, text) in entries {
            check_name(&name)?;
            let v = Verifier::parse(&text).map_err(|source| UsersError::Verifier {
                user: name.clone(),
                origin: path.display().to_string(),
                source,
            })?;
            verifiers.insert(name, v);
        }
        Ok(Users { verifiers })
    }

    pub fn get(&self, name: &str) -> Option<&Verifier> {
        self.verifiers.get(name)
    }

    pub fn is_empty(&self) -> bool {
        self.verifiers.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.verifiers.keys().map(String::as_str)
    }

    /// Sets `name`'s verifier in the users file at `path` (created when missing), keeping the other users;
    /// returns whether the user was already there. The file is replaced atomically and readable by its owner
    /// only.
    ///
    /// # Errors
    /// When the existing file is unreadable or malformed, or the new one cannot be written.
    pub fn save_user(path: &Path, name: &str, verifier: &Verifier) -> Result<bool, UsersError> {
        check_name(name)?;
        let mut users = if path.exists() {
            Self::from_file(path)?
        } else {
            Users::default()
        };
        let replaced = users
            .verifiers
            .insert(name.to_owned(), verifier.clone())
            .is_some();
        let entries: BTreeMap<&str, String> = users
            .verifiers
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_string()))
            .collect();
        let body = toml::to_string(&entries).map_err(|e| UsersError::Write {
            path: path.to_owned(),
            source: std::io::Error::other(e),
        })?;
        let text = format!(
            "# Retail Insights users: SCRAM-SHA-256 verifiers written by `insights user add NAME`.\n\
             # No passwords are stored here; each line is PostgreSQL's verifier format.\n{body}"
        );
        super::secret_file::write(path, &text).map_err(|source| UsersError::Write {
            path: path.to_owned(),
            source,
        })?;
        Ok(replaced)
    }
}

/// PostgreSQL's limit on identifiers, and no control characters (they would corrupt logs).
fn check_name(name: &str) -> Result<(), UsersError> {
    if name.is_empty() || name.len() > 63 || name.chars().any(char::is_control) {
        return Err(UsersError::Name(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ri-users-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("users.toml")
    }

    #[test]
    fn save_user_keeps_others_and_stores_no_password() {
        let path = temp("save");
        let ann = Verifier::derive("ann-pw", b"saltsaltsaltsalt".to_vec(), 4096);
        let bob = Verifier::derive("bob-pw", b"pepperpepper".to_vec(), 4096);
        assert!(!Users::save_user(&path, "ann", &ann).unwrap());
        assert!(!Users::save_user(&path, "bob.smith@x", &bob).unwrap());
        let again = Verifier::derive("ann-new", b"saltsaltsaltsalt".to_vec(), 4096);
        assert!(Users::save_user(&path, "ann", &again).unwrap());
        let users = Users::from_file(&path).unwrap();
        assert_eq!(users.get("ann"), Some(&again));
        assert_eq!(users.get("bob.smith@x"), Some(&bob));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("pw"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(Users::save_user(&path, "", &ann).is_err());
    }

    #[test]
    fn load_merges_file_and_inline_and_rejects_bad_entries() {
        let path = temp("load");
        let ann = Verifier::derive("a", b"s1s1s1s1".to_vec(), 4096);
        Users::save_user(&path, "ann", &ann).unwrap();
        let mut cfg = Config {
            users_file: Some(path.clone()),
            ..Config::default()
        };
        cfg.users.insert(
            "cy".into(),
            Verifier::derive("c", b"s2s2s2s2".to_vec(), 4096).to_string(),
        );
        let users = Users::load(&cfg).unwrap();
        assert_eq!(users.names().collect::<Vec<_>>(), ["ann", "cy"]);
        cfg.users.insert("ann".into(), ann.to_string());
        assert!(matches!(Users::load(&cfg), Err(UsersError::Duplicate(_))));
        cfg.users.clear();
        cfg.users.insert("dee".into(), "plaintext-password".into());
        assert!(matches!(
            Users::load(&cfg),
            Err(UsersError::Verifier { .. })
        ));
        std::fs::write(&path, "ann = 3\n").unwrap();
        assert!(matches!(
            Users::from_file(&path),
            Err(UsersError::Parse { .. })
        ));
    }
}
