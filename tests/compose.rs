//! docker-compose.yml cannot run here (no registry access for images), so its shape is checked instead: it parses
//! as YAML; the services the README promises exist; every dependency names a service; every bind-mounted file is
//! in the repository; the server's config file is valid for this build and reads the S3 bucket that the seed job
//! fills; Grafana's provisioned data source and Metabase's setup script point at the server.

use std::collections::BTreeSet;
use std::path::Path;

use retail_insights::config::{RawConfig, Source};
use retail_insights::wire::users::Users;
use retail_insights::wire::verifier::Verifier;
use serde_yaml::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

#[test]
fn compose_file_is_valid_and_wired_together() {
    let compose = load("docker-compose.yml");
    let services = compose
        .get("services")
        .and_then(Value::as_mapping)
        .expect("services");
    let names: BTreeSet<String> = services
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    for needed in [
        "minio",
        "lake-gen",
        "lake-seed",
        "insights",
        "metabase",
        "metabase-setup",
        "grafana",
    ] {
        assert!(
            names.contains(needed),
            "service {needed} missing: {names:?}"
        );
    }
    let declared_volumes: BTreeSet<String> = compose
        .get("volumes")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut ports = BTreeSet::new();
    for (name, svc) in services {
        let name = name.as_str().unwrap();
        assert!(
            svc.get("image").is_some() || svc.get("build").is_some(),
            "{name}: neither image nor build"
        );
        if let Some(deps) = svc.get("depends_on").and_then(Value::as_mapping) {
            for d in deps.keys() {
                let d = d.as_str().unwrap();
                assert!(names.contains(d), "{name} depends on unknown service {d}");
            }
        }
        for v in svc
            .get("volumes")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let spec = v.as_str().expect("short volume syntax");
            let source = spec.split(':').next().unwrap();
            if source.starts_with("./") {
                assert!(Path::new(source).exists(), "{name} mounts missing {source}");
            } else {
                assert!(
                    declared_volumes.contains(source),
                    "{name}: undeclared volume {source}"
                );
            }
        }
        for p in svc
            .get("ports")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let host = p.as_str().unwrap().split(':').next().unwrap().to_owned();
            assert!(
                ports.insert(host.clone()),
                "host port {host} published twice"
            );
        }
    }
    let build = services
        .get("lake-gen")
        .and_then(|s| s.get("build"))
        .and_then(Value::as_str);
    assert_eq!(build, Some("."));
    assert!(Path::new("Dockerfile").exists());
    let seed = serde_yaml::to_string(&services["lake-seed"]).unwrap();
    assert!(
        seed.contains("s3/lake/demo"),
        "the seed job fills s3://lake/demo: {seed}"
    );
}

#[test]
fn the_servers_config_reads_the_seeded_bucket() {
    let raw =
        RawConfig::from_file(Path::new("deploy/insights.toml")).expect("deploy/insights.toml");
    let cfg = raw.build().expect("valid config");
    assert_eq!(cfg.listen.to_string(), "0.0.0.0:5433");
    assert!(
        cfg.sources.contains(&Source::S3("s3://lake/demo/".into())),
        "{:?}",
        cfg.sources
    );
    assert_eq!(cfg.s3.endpoint.as_deref(), Some("minio:9000"));
    assert!(cfg.s3.path_style && !cfg.s3.use_ssl);
    assert_eq!(
        cfg.http_listen.map(|a| a.port()),
        Some(9187),
        "the healthcheck's port"
    );
    assert_eq!(cfg.admins, ["analyst"]);
    assert_eq!(
        cfg.users_file.as_deref(),
        Some(Path::new("/etc/insights/users.toml"))
    );
}

#[test]
fn the_demo_users_have_the_documented_passwords() {
    // Mounted as /etc/insights/users.toml; each demo password is the user's name (README, compose header).
    let users = Users::from_file(Path::new("deploy/users.toml")).expect("deploy/users.toml");
    for name in ["analyst", "metabase", "grafana"] {
        let v = users.get(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(
            Verifier::derive(name, v.salt.clone(), v.iterations) == *v,
            "{name}'s verifier does not match its documented password"
        );
        assert!(
            Verifier::derive("wrong", v.salt.clone(), v.iterations) != *v,
            "a wrong password must not match"
        );
    }
    let text = std::fs::read_to_string("deploy/users.toml").unwrap();
    assert!(!text.contains("= \"analyst\""), "no plaintext password");
}

#[test]
fn grafana_and_metabase_point_at_the_server() {
    let ds = load("deploy/grafana/provisioning/datasources/insights.yaml");
    let first = &ds["datasources"][0];
    assert_eq!(str_of(first, "url"), Some("insights:5433"));
    assert_eq!(str_of(&first["jsonData"], "database"), Some("lake"));
    assert_eq!(str_of(first, "type"), Some("grafana-postgresql-datasource"));
    let status = std::process::Command::new("sh")
        .args(["-n", "deploy/metabase/setup.sh"])
        .status()
        .expect("sh");
    assert!(status.success(), "setup.sh has a syntax error");
    let compose = load("docker-compose.yml");
    let env = &compose["services"]["metabase-setup"]["environment"];
    assert_eq!(str_of(env, "INSIGHTS_HOST"), Some("insights"));
    assert_eq!(str_of(env, "INSIGHTS_PORT"), Some("5433"));
}
