//! `/reload` across replicas: the replica that reloads sends a `NOTIFY` on
//! `RELOAD_CHANNEL` with its own id; every replica `LISTEN`s on a
//! connection of its own (outside the pool) and reloads when another one
//! did. A lost listening connection is opened again, with a growing pause.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use super::Postgres;
use crate::shutdown::CancellationToken;
use crate::store::Result;

/// The channel reload notifications go on.
pub const RELOAD_CHANNEL: &str = "briefbot_reload";

/// The longest pause between two attempts to listen again.
const MAX_RETRY: Duration = Duration::from_secs(30);

impl Postgres {
    /// Tells every replica listening that `origin` reloaded its knowledge.
    pub async fn notify_reload(&self, origin: &str) -> Result<()> {
        let client = self.client().await?;
        client
            .execute("SELECT pg_notify($1, $2)", &[&RELOAD_CHANNEL, &origin])
            .await?;
        Ok(())
    }

    /// The ids of the replicas that reloaded, as their notifications come,
    /// until `stop`. `listening` is told each time the listening
    /// connection is (again) ready, so a test or a log can tell when a
    /// notification can no longer be missed.
    pub fn reloads(
        &self,
        stop: CancellationToken,
        listening: Option<mpsc::UnboundedSender<()>>,
    ) -> mpsc::UnboundedReceiver<String> {
        let (tx, rx) = mpsc::unbounded_channel();
        let config = self.config.clone();
        let server = self.server.clone();
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(250);
            while !stop.is_cancelled() {
                match listen(&config, &tx, &stop, listening.as_ref()).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!(
                            %server,
                            "listening for reloads failed, trying again in {pause:?}: {e}"
                        );
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = stop.cancelled() => return,
                }
                pause = (pause * 2).min(MAX_RETRY);
            }
        });
        rx
    }
}

/// Listens on one connection until it fails (`Err`) or `stop` / the
/// receiver is gone (`Ok`).
async fn listen(
    config: &tokio_postgres::Config,
    tx: &mpsc::UnboundedSender<String>,
    stop: &CancellationToken,
    listening: Option<&mpsc::UnboundedSender<()>>,
) -> Result<(), String> {
    let message = |e: tokio_postgres::Error| crate::store::model::postgres_message(&e);
    let (client, mut connection) = config.connect(NoTls).await.map_err(message)?;
    let (notes, mut received) = mpsc::unbounded_channel();
    // The connection must be polled for the client's queries to run and for
    // notifications to arrive.
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    let _ = notes.send(n.payload().to_string());
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    let listened = client
        .batch_execute(&format!("LISTEN {RELOAD_CHANNEL}"))
        .await;
    if let Err(e) = listened {
        driver.abort();
        return Err(message(e));
    }
    if let Some(listening) = listening {
        let _ = listening.send(());
    }
    loop {
        tokio::select! {
            note = received.recv() => match note {
                Some(origin) => {
                    if tx.send(origin).is_err() {
                        driver.abort();
                        return Ok(());
                    }
                }
                // The connection ended: its driver says why.
                None => break,
            },
            () = stop.cancelled() => {
                driver.abort();
                return Ok(());
            }
        }
    }
    drop(client);
    match driver.await {
        Ok(Err(e)) => Err(message(e)),
        // Closed without an error (the server shut down cleanly): listen
        // again, as after a failure.
        _ => Err("the server closed the connection".to_string()),
    }
}
