//! A throwaway PostgreSQL cluster for the tests, started on first use with
//! Debian's `initdb` and `pg_ctl` (`/usr/lib/postgresql/*/bin`, or the
//! directory `BRIEFBOT_PG_BIN` names) on 127.0.0.1 and a free port, in a
//! temporary directory. Each test gets a database of its own
//! (`fresh_database`). A watchdog process stops the cluster and removes
//! its directory once the test binary has exited, however it exits.
//!
//! Where PostgreSQL is not installed the tests that need it print why and
//! skip; under `BRIEFBOT_REQUIRE_POSTGRES=1` (set by `.ci/run`) a skip is a
//! failure. As root (CI), the cluster runs as the `postgres` user, since
//! PostgreSQL refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser's password (host connections use scram-sha-256).
pub const PASSWORD: &str = "briefbot-test-secret";

/// A running cluster.
pub struct Cluster {
    pub port: u16,
    /// Its temporary directory (data, socket, log).
    pub dir: PathBuf,
    bin: PathBuf,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The cluster, started on first use; `None` (after printing why) where
/// PostgreSQL is not installed and not required.
pub fn cluster() -> Option<&'static Cluster> {
    usable(CLUSTER.get_or_init(make).as_ref().map_err(String::clone))
}

/// A cluster of the caller's own, for a test that stops the server;
/// removed when dropped. `None` as for `cluster`.
pub fn own_cluster() -> Option<Cluster> {
    usable(make())
}

fn usable<T>(made: Result<T, String>) -> Option<T> {
    match made {
        Ok(cluster) => Some(cluster),
        Err(why) => {
            if std::env::var("BRIEFBOT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("BRIEFBOT_REQUIRE_POSTGRES=1 but PostgreSQL cannot be used: {why}");
            }
            eprintln!("skipping a PostgreSQL test: {why}");
            None
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A URL for a new, empty database of the cluster; `None` when skipped.
pub fn fresh_database() -> Option<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster()?;
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    cluster.psql(&format!("CREATE DATABASE {name}"));
    Some(cluster.url(&name))
}

impl Cluster {
    /// A URL for a new, empty database of this cluster.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.psql(&format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// The URL of database `db`, as the superuser with its password.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{db}",
            self.port
        )
    }

    /// Runs one SQL statement as the superuser over the socket; panics on
    /// failure.
    pub fn psql(&self, sql: &str) {
        let out = as_postgres(&self.bin.join("psql"))
            .args(["-h", &self.dir.display().to_string(), "-p"])
            .arg(self.port.to_string())
            .args([
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                sql,
            ])
            .output()
            .expect("running psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server (fast shutdown): what "the database is down" means.
    pub fn stop(&self) {
        let ok = as_postgres(&self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data().display().to_string(),
                "-m",
                "fast",
                "-w",
                "stop",
            ])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pg_ctl stop failed");
    }

    /// Starts the server again after `stop`.
    pub fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=300",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        let ok = as_postgres(&self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data().display().to_string(),
                "-o",
                &options,
                "-l",
            ])
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let tail = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(ok, "pg_ctl start failed: {tail}");
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }
}

/// Finds the binaries, makes the cluster, starts it and its watchdog.
fn make() -> Result<Cluster, String> {
    let bin = bin_dir().ok_or(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; \
         `apt install postgresql`, or set BRIEFBOT_PG_BIN)",
    )?;
    let root = is_root();
    if root && !user_exists("postgres") {
        return Err("running as root and there is no `postgres` user to run the server as".into());
    }
    static MADE: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "briefbot-pg-{}-{}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed),
        jiff::Timestamp::now().as_nanosecond() % 1_000_000_000
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pwfile = dir.join("pwfile");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    if root {
        let owned = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !owned {
            return Err(format!(
                "could not give {} to the postgres user",
                dir.display()
            ));
        }
    }
    watchdog(&bin, &dir, root);
    let initdb = as_postgres(&bin.join("initdb"))
        .arg("-D")
        .arg(dir.join("data"))
        .args([
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--auth-local=trust",
        ])
        .args(["--auth-host=scram-sha-256", "--pwfile"])
        .arg(&pwfile)
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
    if !initdb.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        ));
    }
    let port = free_port();
    let cluster = Cluster { port, dir, bin };
    cluster.start();
    Ok(cluster)
}

/// A detached process that waits for this test binary to exit, then stops
/// the cluster and removes its directory.
fn watchdog(bin: &Path, dir: &Path, root: bool) {
    let pg_ctl = bin.join("pg_ctl");
    let data = dir.join("data");
    let stop = if root {
        format!(
            "runuser -u postgres -- {} -D {} -m immediate stop",
            pg_ctl.display(),
            data.display()
        )
    } else {
        format!(
            "{} -D {} -m immediate stop",
            pg_ctl.display(),
            data.display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

/// `program`, run as the `postgres` user when this process is root.
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// `BRIEFBOT_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` with an
/// `initdb`.
fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BRIEFBOT_PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").exists().then_some(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Whether this process is root (asked once: every server command asks).
fn is_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    })
}

fn user_exists(name: &str) -> bool {
    Command::new("id")
        .arg(name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}
