//! The real `briefbot` binary as a child process against the fake Bot API:
//! started with its log in a file, signalled, and waited for — every wait
//! bounded, failing with the log and what it waited for.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::fake::TOKEN;

/// What every phase must stop within.
pub(crate) const STOP_WITHIN: Duration = Duration::from_secs(10);

/// A `briefbot` process with its log in a file.
pub(crate) struct Proc {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Proc {
    /// Starts `briefbot ARGS` against the Bot API at `api` with the state
    /// file `state` and extra variables.
    pub(crate) fn start(args: &[&str], api: &str, state: &Path, vars: &[(&str, &str)]) -> Proc {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("briefbot.log");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefbot"));
        cmd.args(args)
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", api)
            .env("BRIEFBOT_STATE", state)
            .env("BRIEFBOT_THROTTLE", "off")
            .env("BRIEFBOT_INTENTS", root.join("intents"))
            .env("BRIEFBOT_DATA", root.join("data"))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("stdout")).unwrap())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        Proc {
            child: cmd.spawn().unwrap(),
            log,
            _dir: dir,
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub(crate) fn stdout(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("stdout")).unwrap_or_default()
    }

    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([name, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {name}");
    }

    /// Waits, at most `within`, for `what` to hold; panics with the log.
    pub(crate) async fn wait_for(
        &mut self,
        what: &str,
        within: Duration,
        done: impl Fn(&Proc) -> bool,
    ) {
        let started = Instant::now();
        while started.elapsed() < within {
            if done(self) {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "briefbot ended ({status}) while waiting for {what}:\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.child.kill().ok();
        panic!(
            "timed out after {within:?} waiting for {what}:\n{}",
            self.log()
        );
    }

    /// Sends `signal` and waits for the process to end: its status and how
    /// long it took. Kills it and fails when it takes over `STOP_WITHIN`.
    pub(crate) async fn stop(&mut self, signal: &str, phase: &str) -> (ExitStatus, Duration) {
        self.signal(signal);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let took = started.elapsed();
                eprintln!("stop time, {phase}: {} ms", took.as_millis());
                return (status, took);
            }
            if started.elapsed() > STOP_WITHIN {
                self.child.kill().ok();
                panic!(
                    "{phase}: still running {STOP_WITHIN:?} after {signal}:\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
