//! Authentication through the wire: SCRAM-SHA-256 logins against stored verifiers (tokio-postgres as the
//! client), one error for a wrong password and an unknown user, row-level policies keyed by the authenticated
//! user, the users file, trust when no users exist, and a client that answers SCRAM with a cleartext password.

mod common;

use std::collections::BTreeMap;

use common::{scalar, sqlstate, start_server_with, TestServer, TEST_ROWS};
use retail_insights::wire::users::Users;
use retail_insights::wire::verifier::Verifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANN_PASSWORD: &str = "correct horse battery staple";
const NORTH_PASSWORD: &str = "north-pw-ü";

/// SCRAM users `ann` (everything) and `north_mgr` (a row-level policy: NORTH rows only).
fn scram_server() -> TestServer {
    start_server_with(|cfg| {
        for (user, pw) in [("ann", ANN_PASSWORD), ("north_mgr", NORTH_PASSWORD)] {
            let v = Verifier::generate(pw, 4096).expect("verifier");
            cfg.users.insert(user.into(), v.to_string());
        }
        let north: BTreeMap<String, String> =
            [("sales".to_string(), "region = 'NORTH'".to_string())].into();
        cfg.policies.insert("north_mgr".into(), north);
    })
}

fn db_error(e: &tokio_postgres::Error) -> (String, String, String) {
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {e:?}"));
    (
        db.severity().to_owned(),
        db.code().code().to_owned(),
        db.message().to_owned(),
    )
}

#[tokio::test]
async fn right_password_logs_in_wrong_password_and_unknown_user_get_the_same_28p01() {
    let srv = scram_server();
    let ann = srv.login("ann", ANN_PASSWORD).await.expect("ann logs in");
    assert_eq!(
        scalar(&ann, "SELECT count(*) FROM sales").await,
        TEST_ROWS.to_string()
    );

    let wrong = srv.login("ann", "Correct horse battery staple").await;
    let (severity, code, message) = db_error(&wrong.expect_err("wrong password refused"));
    assert_eq!((severity.as_str(), code.as_str()), ("FATAL", "28P01"));
    assert_eq!(message, "password authentication failed for user \"ann\"");

    let unknown = srv.login("mallory", ANN_PASSWORD).await;
    let (severity, code, message) = db_error(&unknown.expect_err("unknown user refused"));
    assert_eq!((severity.as_str(), code.as_str()), ("FATAL", "28P01"));
    // The same words: nothing tells an unknown name from a wrong password.
    assert_eq!(
        message,
        "password authentication failed for user \"mallory\""
    );

    // A failed login leaves the server serving the others.
    let again = srv.login("ann", ANN_PASSWORD).await.expect("ann again");
    assert_eq!(scalar(&again, "SELECT 41 + 1").await, "42");
}

#[tokio::test]
async fn policies_follow_the_authenticated_user() {
    let srv = scram_server();
    let north = srv
        .login("north_mgr", NORTH_PASSWORD)
        .await
        .expect("north_mgr logs in (a non-ASCII password, SASLprep'd on both sides)");
    let ann = srv.login("ann", ANN_PASSWORD).await.expect("ann logs in");
    let north_regions = scalar(
        &north,
        "SELECT string_agg(DISTINCT region, ',' ORDER BY region) FROM sales",
    )
    .await;
    assert_eq!(north_regions, "NORTH");
    let all_regions = scalar(
        &ann,
        "SELECT string_agg(DISTINCT region, ',' ORDER BY region) FROM sales",
    )
    .await;
    assert_eq!(all_regions, "EAST,NORTH,SOUTH,WEST");
    let north_count: i64 = scalar(&north, "SELECT count(*) FROM sales")
        .await
        .parse()
        .unwrap();
    assert!(north_count > 0 && north_count < TEST_ROWS as i64);
    // The policy's name cannot be borrowed without its password.
    let e = srv
        .login("north_mgr", ANN_PASSWORD)
        .await
        .expect_err("refused");
    assert_eq!(sqlstate(&e), "28P01");
}

#[tokio::test]
async fn a_users_file_is_read_and_holds_no_password() {
    let dir = std::env::temp_dir().join(format!("ri-auth-users-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = dir.join("users.toml");
    let v = Verifier::generate("file-pw", 4096).unwrap();
    Users::save_user(&file, "bea", &v).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("bea = \"SCRAM-SHA-256$4096:"), "{text}");
    assert!(!text.contains("file-pw"));

    let path = file.clone();
    let srv = start_server_with(move |cfg| cfg.users_file = Some(path));
    let bea = srv.login("bea", "file-pw").await.expect("bea logs in");
    assert_eq!(scalar(&bea, "SELECT 1").await, "1");
    let e = srv.login("bea", "file-pw ").await.expect_err("refused");
    assert_eq!(sqlstate(&e), "28P01");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_users_trust_lets_any_name_in() {
    let srv = start_server_with(|_| {});
    let c = srv
        .login("anyone-at-all", "whatever")
        .await
        .expect("trust on loopback");
    assert_eq!(scalar(&c, "SELECT 2").await, "2");
}

/// Reads one backend message: its type byte and body.
async fn read_message(s: &mut tokio::net::TcpStream) -> (u8, Vec<u8>) {
    let kind = s.read_u8().await.expect("message type");
    let len = s.read_i32().await.expect("message length") as usize;
    let mut body = vec![0; len - 4];
    s.read_exact(&mut body).await.expect("message body");
    (kind, body)
}

/// A client that answers the SASL request with a cleartext PasswordMessage is refused with 28000 and told
/// what the server wants, and the password is not echoed back.
#[tokio::test]
async fn a_client_sending_a_cleartext_password_is_told_scram_is_required() {
    let srv = scram_server();
    let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    let params = b"user\0ann\0database\0lake\0\0";
    let mut startup = Vec::new();
    startup.extend_from_slice(&((8 + params.len()) as i32).to_be_bytes());
    startup.extend_from_slice(&196_608i32.to_be_bytes());
    startup.extend_from_slice(params);
    s.write_all(&startup).await.unwrap();

    let (kind, body) = read_message(&mut s).await;
    assert_eq!(kind, b'R');
    assert_eq!(&body[..4], &10i32.to_be_bytes(), "AuthenticationSASL");
    assert!(String::from_utf8_lossy(&body).contains("SCRAM-SHA-256"));

    let password = b"hunter2\0";
    let mut msg = vec![b'p'];
    msg.extend_from_slice(&((4 + password.len()) as i32).to_be_bytes());
    msg.extend_from_slice(password);
    s.write_all(&msg).await.unwrap();

    let (kind, body) = read_message(&mut s).await;
    assert_eq!(kind, b'E', "an ErrorResponse");
    let fields: BTreeMap<u8, String> = body
        .split(|b| *b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| (f[0], String::from_utf8_lossy(&f[1..]).into_owned()))
        .collect();
    assert_eq!(fields[&b'S'], "FATAL");
    assert_eq!(fields[&b'C'], "28000");
    assert!(
        fields[&b'M'].contains("SCRAM-SHA-256 authentication only"),
        "{}",
        fields[&b'M']
    );
    assert!(!fields[&b'M'].contains("hunter2"));
}
