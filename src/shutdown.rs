//! Stopping the process: one `CancellationToken` that every loop, retry and
//! sleep of `serve` and `brief --send` selects on.
//!
//! The first SIGINT or SIGTERM cancels the token: listeners stop taking
//! updates, the work in hand (an update being answered, a briefing in
//! flight) gets up to `GRACE` to finish, the question log is flushed and
//! the process exits 0. A second signal exits at once, with 128 + the
//! signal's number, as a shell reports a process killed by it.
//!
//! A token, not a request to teloxide's dispatcher: a cancelled token stays
//! cancelled, so a stop asked for before a loop starts, or while it is busy,
//! is seen the next time the loop looks, never dropped.

use std::time::Duration;

pub use tokio_util::sync::CancellationToken;

/// How long a stop waits for the work in hand before giving up on it.
/// A stop takes at most this plus a second or two in every phase.
pub const GRACE: Duration = Duration::from_secs(6);

/// Sleeps for `wait` unless `stop` is cancelled first; true when it slept
/// the whole time.
pub async fn sleep(stop: &CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(wait) => true,
        () = stop.cancelled() => false,
    }
}

/// Completes `GRACE` after `stop` is cancelled: the bound on how long the
/// work in hand may still take.
pub async fn grace_over(stop: &CancellationToken) {
    stop.cancelled().await;
    tokio::time::sleep(GRACE).await;
}

/// A token that SIGINT and SIGTERM cancel; a second signal exits at once.
/// The handlers are installed before this returns, so a signal that comes
/// right after is never the default "die now". Call inside the runtime.
pub fn on_signals() -> CancellationToken {
    let stop = CancellationToken::new();
    let mut signals = Signals::install();
    let token = stop.clone();
    tokio::spawn(async move {
        let (name, _) = signals.next().await;
        // Operators grep for this line; tests too.
        tracing::warn!("{name}: shutting down");
        token.cancel();
        let (name, number) = signals.next().await;
        tracing::warn!("{name} again: exiting at once");
        std::process::exit(128 + number);
    });
    stop
}

/// SIGINT and SIGTERM as one stream of (name, number).
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| {
            signal(kind)
                .inspect_err(|e| tracing::error!("cannot handle {name}: {e}"))
                .ok()
        };
        Signals {
            int: install(SignalKind::interrupt(), "SIGINT"),
            term: install(SignalKind::terminate(), "SIGTERM"),
        }
    }

    #[cfg(not(unix))]
    fn install() -> Signals {
        Signals {}
    }

    #[cfg(unix)]
    async fn next(&mut self) -> (&'static str, i32) {
        async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            () = recv(&mut self.int) => ("SIGINT", 2),
            () = recv(&mut self.term) => ("SIGTERM", 15),
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> (&'static str, i32) {
        let _ = tokio::signal::ctrl_c().await;
        ("Ctrl-C", 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sleep_ends_early_when_cancelled() {
        let stop = CancellationToken::new();
        assert!(sleep(&stop, Duration::from_secs(5)).await, "slept it all");
        let waker = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            waker.cancel();
        });
        let started = tokio::time::Instant::now();
        assert!(!sleep(&stop, Duration::from_secs(3600)).await);
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        // A token cancelled before anyone waits stays cancelled.
        assert!(!sleep(&stop, Duration::from_secs(3600)).await);
    }

    #[tokio::test(start_paused = true)]
    async fn grace_is_counted_from_the_cancel() {
        let stop = CancellationToken::new();
        stop.cancel();
        let started = tokio::time::Instant::now();
        grace_over(&stop).await;
        assert_eq!(started.elapsed(), GRACE);
    }
}
