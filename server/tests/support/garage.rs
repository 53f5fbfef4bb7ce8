//! One Garage node (an S3-compatible object store) on loopback for a test: its own temporary
//! folder and free ports, SQLite metadata, one replica, a generated RPC secret; its layout
//! applied, one bucket and one key allowed on it. Stopped when dropped.
//!
//! The binary is `OURVOICE_GARAGE` or `garage` in `~/.cargo/bin` or on the `PATH`, as
//! `scripts/garage` installs it (`scripts/test` does before the server's tests).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port below the kernel's ephemeral range.
fn fixed_port() -> u16 {
    loop {
        let port = rand::random_range(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("OURVOICE_GARAGE") {
        return PathBuf::from(path);
    }
    let installed =
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin/garage");
    if installed.exists() {
        return installed;
    }
    PathBuf::from("garage")
}

pub struct Garage {
    child: Child,
    folder: tempfile::TempDir,
    pub endpoint: String,
    pub bucket: String,
    pub key_id: String,
    pub secret: String,
}

impl Garage {
    pub fn start() -> Garage {
        let folder = tempfile::tempdir().unwrap();
        let (s3, rpc, admin) = (fixed_port(), fixed_port(), fixed_port());
        let secret: [u8; 32] = rand::random();
        let config = format!(
            "metadata_dir = \"{root}/meta\"\n\
             data_dir = \"{root}/data\"\n\
             db_engine = \"sqlite\"\n\
             replication_factor = 1\n\
             rpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_public_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_secret = \"{secret}\"\n\
             [s3_api]\n\
             s3_region = \"garage\"\n\
             api_bind_addr = \"127.0.0.1:{s3}\"\n\
             root_domain = \".s3.garage.localhost\"\n\
             [admin]\n\
             api_bind_addr = \"127.0.0.1:{admin}\"\n",
            root = folder.path().display(),
            secret = hex::encode(secret),
        );
        std::fs::write(folder.path().join("garage.toml"), config).unwrap();
        let log = std::fs::File::create(folder.path().join("garage.log")).unwrap();
        let child = Command::new(binary())
            .arg("-c")
            .arg(folder.path().join("garage.toml"))
            .arg("server")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start garage ({error}): install it with scripts/garage --version")
            });
        let mut garage = Garage {
            child,
            folder,
            endpoint: format!("http://127.0.0.1:{s3}"),
            bucket: "ourvoice-attachments".into(),
            key_id: String::new(),
            secret: String::new(),
        };
        garage.set_up();
        garage
    }

    /// Runs `garage -c … args` and answers its standard output; panics on failure.
    fn run(&self, args: &[&str]) -> String {
        let output = Command::new(binary())
            .arg("-c")
            .arg(self.folder.path().join("garage.toml"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "garage {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn config(&self) -> &Path {
        self.folder.path()
    }

    fn set_up(&mut self) {
        // The node answers once its RPC is up.
        let deadline = Instant::now() + Duration::from_secs(60);
        let node = loop {
            let output = Command::new(binary())
                .arg("-c")
                .arg(self.config().join("garage.toml"))
                .args(["node", "id", "-q"])
                .output()
                .unwrap();
            if output.status.success() {
                break String::from_utf8(output.stdout).unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "garage did not start: {}",
                std::fs::read_to_string(self.config().join("garage.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        let node = node.trim().split('@').next().unwrap().to_string();
        self.run(&["layout", "assign", "-z", "test", "-c", "1G", &node]);
        self.run(&["layout", "apply", "--version", "1"]);
        self.run(&["bucket", "create", &self.bucket]);
        let key: serde_json::Value = serde_json::from_str(&self.run(&[
            "json-api",
            "CreateKey",
            r#"{"name":"ourvoice-test"}"#,
        ]))
        .unwrap();
        self.key_id = key["accessKeyId"].as_str().unwrap().to_string();
        self.secret = key["secretAccessKey"].as_str().unwrap().to_string();
        self.run(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            &self.bucket,
            "--key",
            &self.key_id,
        ]);
    }

    /// The server's arguments for this store (the keys go in the environment: [`Garage::env`]).
    pub fn args(&self) -> Vec<String> {
        vec![
            "--attachments-s3-endpoint".into(),
            self.endpoint.clone(),
            "--attachments-s3-bucket".into(),
            self.bucket.clone(),
            "--attachments-s3-region".into(),
            "garage".into(),
        ]
    }

    /// The environment with the keys.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("OURVOICE_ATTACHMENTS_S3_KEY_ID".into(), self.key_id.clone()),
            ("OURVOICE_ATTACHMENTS_S3_SECRET".into(), self.secret.clone()),
        ]
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
