//! A PostgreSQL server of the test's own (initdb in a temporary folder, on a free loopback
//! port), which a test may restart under running servers without disturbing other tests.
//! As root (CI), it runs as the `postgres` user, since PostgreSQL refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PrivatePostgres {
    folder: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The newest PostgreSQL server programs on this machine.
fn bin_folder() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server programs in /usr/lib/postgresql (scripts/system-packages)")
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|path| {
        path.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().expect("a PostgreSQL version with pg_ctl")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl PrivatePostgres {
    /// Creates and starts a cluster with trust authentication for local connections.
    pub fn start() -> PrivatePostgres {
        let folder = tempfile::tempdir().unwrap();
        if running_as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(folder.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster's folder to postgres");
        }
        // Below the kernel's ephemeral ports, so that no outgoing connection takes it before
        // the server binds it.
        let port = loop {
            let port = rand::random_range(20_000..32_000);
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
                break port;
            }
        };
        let cluster = PrivatePostgres {
            folder,
            bin: bin_folder(),
            port,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        cluster.pg_ctl("start");
        cluster
    }

    fn data(&self) -> String {
        self.folder.path().join("data").display().to_string()
    }

    /// Runs one of PostgreSQL's programs (as `postgres` when root); panics with its output on
    /// failure.
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let output = if running_as_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&path)
                .args(args)
                .current_dir(self.folder.path())
                .output()
        } else {
            Command::new(&path)
                .args(args)
                .current_dir(self.folder.path())
                .output()
        }
        .unwrap_or_else(|e| panic!("run {}: {e}", path.display()));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=300",
            self.port,
            self.folder.path().display()
        );
        let log = self
            .folder
            .path()
            .join("postgres.log")
            .display()
            .to_string();
        let data = self.data();
        let mut args = vec!["-D", &data, "-w", "-t", "60", "-l", &log, "-o", &options];
        if action != "start" {
            args.extend(["-m", "fast"]);
        }
        args.push(action);
        self.run("pg_ctl", &args);
    }

    /// Stops the server (fast shutdown: every connection is closed).
    pub fn stop(&self) {
        self.pg_ctl("stop");
    }

    /// Starts the server again after [`PrivatePostgres::stop`].
    pub fn start_again(&self) {
        self.pg_ctl("start");
    }

    /// Stops and starts the server again (every connection to it is closed).
    pub fn restart(&self) {
        self.pg_ctl("restart");
    }

    /// A URL for `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates `database`; its URL.
    pub fn create_database(&self, database: &str) -> String {
        let (admin, create) = (self.url("postgres"), database.to_string());
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!("CREATE DATABASE {create}"))
                .unwrap();
        })
        .join()
        .unwrap();
        self.url(database)
    }

    pub fn folder(&self) -> &Path {
        self.folder.path()
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data();
        let path = self.bin.join("pg_ctl");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if running_as_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&path)
                .args(args)
                .output()
        } else {
            Command::new(&path).args(args).output()
        };
    }
}
