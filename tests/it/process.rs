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
    /// The variables it was started with, beyond the common ones.
    vars: Vec<(String, String)>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Proc {
    /// Starts `briefbot ARGS` against the Bot API at `api` with the state
    /// file `state` and extra variables.
    pub(crate) fn start(
        args: &[&str],
        api: &str,
        state: impl AsRef<std::ffi::OsStr>,
        vars: &[(&str, &str)],
    ) -> Proc {
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
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            log,
            _dir: dir,
        }
    }

    /// A variable it was started with (beyond the common ones).
    pub(crate) fn env(&self, name: &str) -> &str {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// SIGKILL, and waits for it to be gone.
    pub(crate) fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
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

/// `GET path` on 127.0.0.1-style `addr`: the status and body, or `None`
/// while nothing listens there. Bounded: 5 s for the whole exchange.
pub(crate) async fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await.ok()?;
        let status = response.split_whitespace().nth(1)?.parse().ok()?;
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())?;
        Some((status, body))
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| panic!("GET {path} on {addr}: no answer within 5 s"))
}

/// A free port on 127.0.0.1 for a listener the child process binds.
pub(crate) fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    port.local_addr().unwrap().to_string()
}

/// Writes `input` to the child's stdin from a thread (then closes it), so
/// a child that answers as it reads never stalls the writer.
pub(crate) fn feed(child: &mut Child, input: &str) {
    use std::io::Write;
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_string();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()).ok());
    }
}

/// Waits for `child` to end, at most `within`, reading its output as it
/// comes (a full pipe never stalls it). Kills it and fails, naming `what`
/// and showing its stderr, when it takes longer.
pub(crate) fn finish(mut child: Child, within: Duration, what: &str) -> std::process::Output {
    use std::io::Read;
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).ok();
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > within {
            child.kill().ok();
            child.wait().ok();
            let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).to_string();
            panic!("{what}: still running after {within:?}, killed; stderr:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}
