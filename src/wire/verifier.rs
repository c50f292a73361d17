//! SCRAM-SHA-256 verifiers (RFC 5802 / RFC 7677) in PostgreSQL's text form
//! `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`: derived from a password once, by
//! `insights user add`, and stored instead of it. The server checks a client's proof against StoredKey and signs
//! with ServerKey, so neither the password nor the salted password is ever kept.

use std::fmt;
use std::num::NonZeroU32;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pgwire::api::auth::sasl::scram::ScramSecret;
use ring::rand::SecureRandom;
use ring::{digest, hmac, pbkdf2};

/// The mechanism name that starts every verifier.
const PREFIX: &str = "SCRAM-SHA-256";
/// Salt bytes of a new verifier (PostgreSQL's length).
const SALT_LEN: usize = 16;
/// SHA-256 output length: the length of StoredKey and ServerKey.
const KEY_LEN: usize = 32;
/// RFC 7677 asks for at least 4096 iterations.
const MIN_ITERATIONS: u32 = 4096;

/// Why a verifier could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    #[error("not a SCRAM-SHA-256 verifier: expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>")]
    Shape,
    #[error("invalid iteration count {0:?}: must be a number of at least {MIN_ITERATIONS}")]
    Iterations(String),
    #[error("invalid base64 in the {part}: {source}")]
    Base64 {
        part: &'static str,
        source: base64::DecodeError,
    },
    #[error("the {0} must be {KEY_LEN} bytes")]
    KeyLength(&'static str),
    #[error("the salt is empty")]
    EmptySalt,
    #[error("the system random generator failed")]
    Random,
}

/// One user's stored SCRAM-SHA-256 credential.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
}

impl Verifier {
    /// Derives the verifier of `password` with a fresh random salt.
    ///
    /// # Errors
    /// When `iterations` is below the RFC's minimum or the system random generator fails.
    pub fn generate(password: &str, iterations: u32) -> Result<Verifier, VerifierError> {
        if iterations < MIN_ITERATIONS {
            return Err(VerifierError::Iterations(iterations.to_string()));
        }
        let mut salt = vec![0u8; SALT_LEN];
        ring::rand::SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| VerifierError::Random)?;
        Ok(Self::derive(password, salt, iterations))
    }

    /// Derives the verifier of `password` with this salt: SaltedPassword = Hi(SASLprep(password), salt, i),
    /// StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
    pub fn derive(password: &str, salt: Vec<u8>, iterations: u32) -> Verifier {
        // Like PostgreSQL: a password SASLprep rejects (e.g. with unassigned code points) is used as it is.
        let prepared = stringprep::saslprep(password)
            .map(|p| p.into_owned())
            .unwrap_or_else(|_| password.to_owned());
        let mut salted = [0u8; KEY_LEN];
        let rounds = NonZeroU32::new(iterations.max(1)).unwrap_or(NonZeroU32::MIN);
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            rounds,
            &salt,
            prepared.as_bytes(),
            &mut salted,
        );
        let key = hmac::Key::new(hmac::HMAC_SHA256, &salted);
        let client_key = hmac::sign(&key, b"Client Key");
        Verifier {
            iterations,
            salt,
            stored_key: digest::digest(&digest::SHA256, client_key.as_ref())
                .as_ref()
                .to_vec(),
            server_key: hmac::sign(&key, b"Server Key").as_ref().to_vec(),
        }
    }

    /// Reads PostgreSQL's text form.
    ///
    /// # Errors
    /// When the text is not a well-formed SCRAM-SHA-256 verifier.
    pub fn parse(text: &str) -> Result<Verifier, VerifierError> {
        let rest = text
            .trim()
            .strip_prefix(PREFIX)
            .and_then(|r| r.strip_prefix('$'))
            .ok_or(VerifierError::Shape)?;
        let (params, keys) = rest.split_once('$').ok_or(VerifierError::Shape)?;
        let (iterations, salt) = params.split_once(':').ok_or(VerifierError::Shape)?;
        let (stored, server) = keys.split_once(':').ok_or(VerifierError::Shape)?;
        let iterations = iterations
            .parse::<u32>()
            .ok()
            .filter(|i| *i >= MIN_ITERATIONS)
            .ok_or_else(|| VerifierError::Iterations(iterations.to_owned()))?;
        let decode = |part: &'static str, b64: &str| {
            STANDARD
                .decode(b64)
                .map_err(|source| VerifierError::Base64 { part, source })
        };
        let salt = decode("salt", salt)?;
        if salt.is_empty() {
            return Err(VerifierError::EmptySalt);
        }
        let stored_key = decode("StoredKey", stored)?;
        let server_key = decode("ServerKey", server)?;
        if stored_key.len() != KEY_LEN {
            return Err(VerifierError::KeyLength("StoredKey"));
        }
        if server_key.len() != KEY_LEN {
            return Err(VerifierError::KeyLength("ServerKey"));
        }
        Ok(Verifier {
            iterations,
            salt,
            stored_key,
            server_key,
        })
    }

    /// The credential pgwire's SCRAM exchange checks proofs against.
    pub fn secret(&self) -> ScramSecret {
        ScramSecret::Verifier {
            salt: self.salt.clone(),
            iterations: self.iterations as usize,
            stored_key: self.stored_key.clone(),
            server_key: self.server_key.clone(),
        }
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}${}:{}${}:{}",
            self.iterations,
            STANDARD.encode(&self.salt),
            STANDARD.encode(&self.stored_key),
            STANDARD.encode(&self.server_key)
        )
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys would let anyone who reads a log impersonate the server to the user: never print them.
        f.debug_struct("Verifier")
            .field("iterations", &self.iterations)
            .field("salt", &STANDARD.encode(&self.salt))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        STANDARD.decode(s).unwrap()
    }

    /// RFC 7677 section 3: user "user", password "pencil". From the verifier alone the exchange's client proof
    /// must check out (ClientKey = proof XOR HMAC(StoredKey, AuthMessage), H(ClientKey) = StoredKey) and the
    /// server signature must be the RFC's.
    #[test]
    fn rfc7677_exchange_checks_against_the_verifier() {
        let v = Verifier::derive("pencil", b64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        let auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,\
             r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,\
             c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let proof = b64("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        let stored = hmac::Key::new(hmac::HMAC_SHA256, &v.stored_key);
        let signature = hmac::sign(&stored, auth_message.as_bytes());
        let client_key: Vec<u8> = proof
            .iter()
            .zip(signature.as_ref())
            .map(|(a, b)| a ^ b)
            .collect();
        assert_eq!(
            digest::digest(&digest::SHA256, &client_key).as_ref(),
            v.stored_key.as_slice()
        );
        let server = hmac::Key::new(hmac::HMAC_SHA256, &v.server_key);
        assert_eq!(
            STANDARD.encode(hmac::sign(&server, auth_message.as_bytes())),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
        let wrong = Verifier::derive("pencil!", b64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        assert_ne!(wrong.stored_key, v.stored_key);
    }

    #[test]
    fn text_form_round_trips_and_is_checked() {
        let v = Verifier::generate("s3cret", 4096).unwrap();
        let text = v.to_string();
        assert!(text.starts_with("SCRAM-SHA-256$4096:"), "{text}");
        assert!(!text.contains("s3cret"));
        assert_eq!(Verifier::parse(&text).unwrap(), v);
        assert_eq!(v.salt.len(), SALT_LEN);
        assert_ne!(Verifier::generate("s3cret", 4096).unwrap().salt, v.salt);
        assert!(!format!("{v:?}").contains(&STANDARD.encode(&v.stored_key)));

        assert!(matches!(
            Verifier::parse("s3cret"),
            Err(VerifierError::Shape)
        ));
        assert!(matches!(
            Verifier::parse(&text.replace("$4096:", "$12:")),
            Err(VerifierError::Iterations(_))
        ));
        let (head, keys) = text.rsplit_once('$').unwrap();
        let short = format!("{head}$AAAA:{}", keys.split_once(':').unwrap().1);
        assert!(matches!(
            Verifier::parse(&short),
            Err(VerifierError::KeyLength("StoredKey"))
        ));
        assert!(matches!(
            Verifier::parse(&format!("{head}$!!:{}", keys.split_once(':').unwrap().1)),
            Err(VerifierError::Base64 { .. })
        ));
        assert!(Verifier::generate("x", 100).is_err());
    }

    /// The verifier PostgreSQL 15 stored for `CREATE ROLE alice PASSWORD 'foobar'` (pg_authid.rolpassword):
    /// we read it, and deriving "foobar" with its salt gives the same keys, so PostgreSQL's verifiers can be
    /// copied into our users file and ours into PostgreSQL.
    #[test]
    fn matches_a_verifier_postgres_made() {
        let pg = "SCRAM-SHA-256$4096:4nkdq3oExv6Jo3kSLD7zsg==$\
                  NggWEzpmE5EeMFBEbKavfNBysSamw8y/Klh2mD9x1EI=:nqIZodDJZ4mP7u0mbjLkbMiU7CyswOF/d0jxKBbBWGc=";
        let parsed = Verifier::parse(pg).unwrap();
        assert_eq!(parsed.to_string(), pg);
        let ours = Verifier::derive("foobar", parsed.salt.clone(), 4096);
        assert_eq!(ours, parsed);
        assert_ne!(
            Verifier::derive("foobaR", parsed.salt.clone(), 4096),
            parsed
        );
    }
}
