//! The server's connections to PostgreSQL over TLS, against the local PostgreSQL given a
//! certificate this test makes (its own authority, a server certificate for `localhost`):
//! `verify-full` takes the right name and refuses another, `verify-ca` refuses another
//! authority, `require` encrypts without checking, `disable` does not encrypt; and the real
//! server, given a `verify-full` URL, stores a batch over encrypted connections only.
//!
//! It reconfigures the local cluster's certificate for its duration (`ALTER SYSTEM`, reload)
//! and restores it afterwards; it needs to run as root (to hand the key to the `postgres`
//! user), as the test command does.

mod support;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{complaint, Engine, PgConn, ServerProcess, Sql, TestDb};

/// Where the cluster reads the test's certificate and key (its own user must be able to).
const CLUSTER_FILES: &str = "/var/lib/postgresql/ourvoice-tls-test";

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An authority (`name`.pem, `name`.key) in `folder`.
fn authority(folder: &Path, name: &str) -> PathBuf {
    let (cert, key) = (
        folder.join(format!("{name}.pem")),
        folder.join(format!("{name}.key")),
    );
    run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    cert
}

/// A server certificate for `localhost` signed by the authority `ca`, in `folder`.
fn server_certificate(folder: &Path, ca: &str) -> (PathBuf, PathBuf) {
    let (cert, key, request) = (
        folder.join("server.pem"),
        folder.join("server.key"),
        folder.join("server.csr"),
    );
    run(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            request.to_str().unwrap(),
        ],
    );
    let extensions = folder.join("server.ext");
    std::fs::write(
        &extensions,
        "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let ca_cert = folder.join(format!("{ca}.pem"));
    let ca_key = folder.join(format!("{ca}.key"));
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            request.to_str().unwrap(),
            "-CA",
            ca_cert.to_str().unwrap(),
            "-CAkey",
            ca_key.to_str().unwrap(),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            extensions.to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    (cert, key)
}

/// Puts the cluster on the test's certificate until dropped.
struct ClusterCertificate {
    admin: String,
}

impl ClusterCertificate {
    fn install(cert: &Path, key: &Path) -> ClusterCertificate {
        std::fs::create_dir_all(CLUSTER_FILES).unwrap();
        let (cluster_cert, cluster_key) = (
            format!("{CLUSTER_FILES}/server.pem"),
            format!("{CLUSTER_FILES}/server.key"),
        );
        std::fs::copy(cert, &cluster_cert).unwrap();
        std::fs::copy(key, &cluster_key).unwrap();
        run("chown", &["-R", "postgres:postgres", CLUSTER_FILES]);
        run("chmod", &["700", CLUSTER_FILES]);
        run("chmod", &["600", &cluster_key]);
        let admin = std::env::var("OURVOICE_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let cert_setting = format!("ALTER SYSTEM SET ssl_cert_file = '{cluster_cert}'");
        let key_setting = format!("ALTER SYSTEM SET ssl_key_file = '{cluster_key}'");
        run(
            "psql",
            &[
                "-q",
                &admin,
                "-c",
                "ALTER SYSTEM SET ssl = on",
                "-c",
                &cert_setting,
                "-c",
                &key_setting,
                "-c",
                "SELECT pg_reload_conf()",
            ],
        );
        ClusterCertificate { admin }
    }
}

impl Drop for ClusterCertificate {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                "-q",
                &self.admin,
                "-c",
                "ALTER SYSTEM RESET ssl_cert_file",
                "-c",
                "ALTER SYSTEM RESET ssl_key_file",
                "-c",
                "ALTER SYSTEM RESET ssl",
                "-c",
                "SELECT pg_reload_conf()",
            ])
            .stdout(std::process::Stdio::null())
            .status();
    }
}

/// Connects through the server's own code with `query` added to `url`; whether the
/// connection is encrypted, or the error.
fn connect(url: &str, query: &str) -> Result<bool, String> {
    let url = format!("{url}?{query}");
    std::thread::spawn(move || {
        let mut conn = PgConn::connect(&url).map_err(|e| format!("{e:?}"))?;
        let rows = conn
            .sql()
            .query(
                "SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(|e| format!("{e:?}"))?;
        Ok(rows[0].int(0).map_err(|e| format!("{e:?}"))? == 1)
    })
    .join()
    .unwrap()
}

#[test]
fn postgres_over_tls_honours_sslmode() {
    let db = TestDb::new(Engine::Postgres);
    let folder = tempfile::tempdir().unwrap();
    let ca = authority(folder.path(), "ours");
    let other_ca = authority(folder.path(), "other");
    let (cert, key) = server_certificate(folder.path(), "ours");
    let _cluster = ClusterCertificate::install(&cert, &key);

    let by_name = db.url.replace("@127.0.0.1:", "@localhost:");
    let by_address = db.url.clone();
    let root = |path: &Path| format!("sslrootcert={}", path.display());
    // The reload takes a moment: wait for the new certificate to be served.
    let full = format!("sslmode=verify-full&{}", root(&ca));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while connect(&by_name, &full).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    assert_eq!(
        connect(&by_name, &full),
        Ok(true),
        "verify-full, right name"
    );
    let wrong_name = connect(&by_address, &full).unwrap_err();
    assert!(
        wrong_name.contains("NotValidForName"),
        "verify-full refuses a certificate for another name: {wrong_name}"
    );
    assert_eq!(
        connect(&by_address, &format!("sslmode=verify-ca&{}", root(&ca))),
        Ok(true),
        "verify-ca does not compare the name"
    );
    let stranger = connect(&by_name, &format!("sslmode=verify-ca&{}", root(&other_ca)));
    assert!(
        stranger
            .as_ref()
            .is_err_and(|e| e.contains("UnknownIssuer")),
        "verify-ca refuses another authority's certificate: {stranger:?}"
    );
    assert_eq!(
        connect(&by_address, "sslmode=require"),
        Ok(true),
        "require encrypts"
    );
    assert_eq!(connect(&by_address, "sslmode=disable"), Ok(false));

    // The real server on a verify-full URL: it migrates, stores a batch, and every one of its
    // connections is encrypted.
    let server_db = db.same_database_at(format!("{by_name}?{full}"));
    let server = ServerProcess::start(&server_db, &[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answer: serde_json::Value = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/api/v1/submissions", server.url()))
            .json(&json!({ "items": [complaint("over TLS")] }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(answer["results"][0]["outcome"], "accepted", "{answer}");
    let connections = db.query(
        "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a \
         JOIN pg_stat_ssl s ON s.pid = a.pid \
         WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()",
        &[],
    );
    let (all, encrypted) = (
        connections[0].int(0).unwrap(),
        connections[0].int(1).unwrap(),
    );
    println!("the server's connections: {all}, encrypted: {encrypted}");
    assert!(all >= 4, "the writers are connected: {all}");
    assert_eq!(
        all, encrypted,
        "every connection of the server is encrypted"
    );
    drop(server);
}
