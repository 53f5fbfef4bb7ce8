//! Hostile traffic against the real release binary on loopback, on each engine of
//! `OURVOICE_TEST_ENGINES` (default both): the attacks of `support::hostile` (gzip bombs and
//! oversized bodies to every POST route, 4 MB arrays, half-sent requests, a flood of 200
//! parallel logins, a burst of reads), with what they cost the server: its peak resident
//! memory, how long each wave took to be answered, and how long a phone's batch took meanwhile.

#[path = "../tests/support/mod.rs"]
mod support;

use support::hostile::{self, ADMIN, SERVER_ARGS};
use support::{create_admin, ServerProcess, TestDb};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for db in TestDb::all() {
        println!("== engine: {:?}", db.engine);
        assert!(create_admin(&db, ADMIN.0, ADMIN.1).status.success());
        let mut server = ServerProcess::start(&db, &SERVER_ARGS);
        let idle = hostile::peak_resident_mib(server.pid());
        let report = hostile::attack(&db, &mut server).await;
        println!(
            "hostile: {} bodies (gzip bombs of 1 GiB and 60 MiB, 5 MiB bodies, 4 MB arrays) answered in {:.2} s",
            report.bodies, report.bodies_seconds
        );
        println!(
            "hostile: 350 half-sent requests closed by the server, the slowest after {:.2} s (header timeout 2 s)",
            report.slowest_close_seconds
        );
        let total: usize = report.logins.values().sum();
        println!(
            "login flood: {total} parallel wrong logins from as many addresses answered in {:.2} s ({:.0}/s): {:?} by status",
            report.logins_seconds,
            total as f64 / report.logins_seconds,
            report.logins
        );
        println!(
            "a phone's batch during each wave: {} ms",
            report
                .batch_ms
                .iter()
                .map(|ms| format!("{ms:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(connections) = report.postgres_connections {
            println!("PostgreSQL connections held after 300 parallel reads: {connections} (4 writers + 4 readers at most)");
        }
        println!(
            "peak resident memory of the server: {} MiB under attack ({idle} MiB at start; bound 200 MiB)",
            report.peak_resident_mib
        );
        assert!(server.terminate().success());
    }
}
