//! Graceful shutdown of the real binary: on SIGTERM it stops accepting, lets the running statement finish and
//! answer, closes idle connections, refuses new statements with 57P01, and exits 0; at the deadline a statement
//! still running is cancelled and the process exits anyway.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::lake;

/// A statement that keeps DuckDB busy for a while (64M rows hashed for `n` = 8000).
fn slow_sql(n: u32) -> String {
    format!("SELECT sum(hash(a.range + b.range) % 7)::BIGINT AS s FROM range({n}) a, range({n}) b")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(port: u16, deadline_secs: u64) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_insights"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data")
        .arg(lake())
        .env("INSIGHTS_SHUTDOWN_TIMEOUT_SECS", deadline_secs.to_string())
        .env("INSIGHTS_HOT_TABLES_MB", "0")
        .env("INSIGHTS_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut child = child;
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

async fn connect(port: u16) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, conn) = tokio_postgres::connect(
        &format!("host=127.0.0.1 port={port} user=test dbname=lake"),
        tokio_postgres::NoTls,
    )
    .await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok);
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let t = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if t.elapsed() > within {
            let _ = child.kill();
            panic!("server still running {within:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_running_statement_finish_then_exits() {
    let port = free_port();
    let mut server = start(port, 60);
    let idle = connect(port).await.unwrap();
    assert_eq!(idle.simple_query("SELECT 1").await.unwrap().len(), 3);
    let busy = connect(port).await.unwrap();
    let running = tokio::spawn(async move {
        let t = Instant::now();
        let r = busy.query_one(slow_sql(8000).as_str(), &[]).await;
        (r.map(|row| row.get::<_, i64>(0).to_string()), t.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    sigterm(&server);
    tokio::time::sleep(Duration::from_millis(200)).await;

    // No new connections, and the idle one is closed (or refused with 57P01 if it races the close).
    assert!(
        connect(port).await.is_err(),
        "a new connection after SIGTERM"
    );
    match idle.simple_query("SELECT 2").await {
        Ok(r) => panic!("statement ran after SIGTERM: {r:?}"),
        Err(e) => assert!(
            e.is_closed()
                || e.code().map(|c| c.code()) == Some("57P01")
                || e.to_string().contains("closed"),
            "{e:?}"
        ),
    }
    // The running statement answers in full.
    let (answer, took) = running.await.unwrap();
    let answer = answer.expect("the running statement finishes");
    assert!(answer.parse::<i64>().unwrap() > 0, "{answer}");
    assert!(
        took > Duration::from_millis(400),
        "it was running at SIGTERM: {took:?}"
    );
    let status = wait_exit(&mut server, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_deadline_a_running_statement_is_cancelled_and_the_server_exits() {
    let port = free_port();
    let mut server = start(port, 1);
    let busy = connect(port).await.unwrap();
    let running =
        tokio::spawn(async move { busy.query_one(slow_sql(200_000).as_str(), &[]).await });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let t = Instant::now();
    sigterm(&server);
    let status = wait_exit(&mut server, Duration::from_secs(15));
    assert!(status.success(), "{status:?}");
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(
        running.await.unwrap().is_err(),
        "the statement did not finish"
    );
}
