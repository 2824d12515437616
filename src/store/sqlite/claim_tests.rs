//! Delivery claims, chats that move, channels taken out of the
//! configuration, and the schema upgrade that brought claims.

use std::collections::HashSet;

use super::tests::{keys, temp_store};
use super::*;

/// Chats 1..=n subscribed, and edition `e1` queued for each.
fn queued(n: i64) -> (tempfile::TempDir, PathBuf, Sqlite) {
    let (dir, path, mut store) = temp_store();
    for chat in 1..=n {
        store.subscribe(chat, "private", "p", chat).unwrap();
    }
    assert_eq!(store.plan("e1", false, 100).unwrap(), n as usize);
    (dir, path, store)
}

fn claim(store: &mut Sqlite, owner: &str, now: i64) -> Option<i64> {
    store.claim_next(owner, now, 60).unwrap().map(|p| p.chat_id)
}

#[test]
fn a_claimed_delivery_is_nobody_elses_until_its_lease_ends() {
    let (_dir, _path, mut store) = queued(3);
    assert_eq!(claim(&mut store, "a", 100), Some(1));
    assert_eq!(claim(&mut store, "b", 100), Some(2));
    assert_eq!(claim(&mut store, "b", 100), Some(3));
    assert_eq!(claim(&mut store, "c", 159), None, "every lease still runs");
    assert_eq!(store.claimed_elsewhere("c", 159).unwrap(), 3);
    assert_eq!(store.claimed_elsewhere("b", 159).unwrap(), 1);
    // a's lease ends at 160: c takes chat 1 over; b's are taken too.
    assert_eq!(claim(&mut store, "c", 160), Some(1));
    store.delivered("e1", 1, &[], 161).unwrap();
    assert_eq!(claim(&mut store, "c", 161), Some(2));
    assert_eq!(
        store.deliveries(1).unwrap(),
        [("e1".to_string(), "sent".to_string(), 0)]
    );
}

#[test]
fn a_sender_does_not_retry_its_own_failure_in_the_same_run_but_others_may() {
    let (_dir, _path, mut store) = queued(2);
    assert_eq!(claim(&mut store, "a", 100), Some(1));
    store.failed("e1", 1, "network down", 101).unwrap();
    assert_eq!(claim(&mut store, "a", 101), Some(2));
    store.delivered("e1", 2, &[], 102).unwrap();
    assert_eq!(claim(&mut store, "a", 102), None, "its own failure");
    assert_eq!(claim(&mut store, "next run", 102), Some(1));
    let pending = store.pending().unwrap();
    assert_eq!((pending[0].chat_id, pending[0].attempts), (1, 1));
}

#[test]
fn a_chat_queued_for_two_editions_gets_only_the_newer() {
    let (_dir, _path, mut store) = queued(1);
    assert_eq!(store.plan("e2", false, 200).unwrap(), 1);
    let p = store.claim_next("a", 200, 60).unwrap().unwrap();
    assert_eq!((p.edition.as_str(), p.chat_id), ("e2", 1));
    assert_eq!(
        store.deliveries(1).unwrap(),
        [
            ("e1".to_string(), "dropped".to_string(), 0),
            ("e2".to_string(), "pending".to_string(), 0)
        ]
    );
    assert_eq!(claim(&mut store, "b", 200), None);
}

/// Threads with their own connections to one file, as processes would
/// have, claim until nothing is left: each delivery goes to exactly one.
#[test]
fn concurrent_connections_never_claim_the_same_delivery() {
    let (_dir, path, store) = queued(60);
    drop(store);
    let claimed: Vec<Vec<i64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let path = path.clone();
                scope.spawn(move || {
                    let mut store = Sqlite::open(&path).unwrap();
                    let owner = format!("worker {w}");
                    let mut mine = Vec::new();
                    while let Some(p) = store.claim_next(&owner, 100, 60).unwrap() {
                        store.delivered(&p.edition, p.chat_id, &[], 101).unwrap();
                        mine.push(p.chat_id);
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let all: Vec<i64> = claimed.iter().flatten().copied().collect();
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "{claimed:?}");
    assert_eq!(unique.len(), 60, "a chat was claimed twice: {claimed:?}");
}

#[test]
fn a_group_that_became_a_supergroup_keeps_its_subscription_and_history() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(-5, "group", "G", 10).unwrap();
    store.delivered("e1", -5, &keys(&["a", "b"]), 20).unwrap();
    store.plan("e2", false, 30).unwrap();
    assert!(store.move_chat(-5, -1005).unwrap());
    assert_eq!(store.subscriber(-5).unwrap(), None);
    let moved = store.subscriber(-1005).unwrap().unwrap();
    assert!(moved.active);
    assert_eq!(
        (moved.since, moved.last_edition.as_deref()),
        (10, Some("e1"))
    );
    assert_eq!(
        store.seen_events(-1005).unwrap(),
        HashSet::from(["a".to_string(), "b".to_string()])
    );
    let editions: Vec<String> = store
        .deliveries(-1005)
        .unwrap()
        .into_iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(editions, ["e1", "e2"]);
    assert_eq!(store.pending().unwrap()[0].chat_id, -1005);
    // The second notice (from the supergroup) finds nothing left to move.
    assert!(!store.move_chat(-5, -1005).unwrap());
    assert_eq!(store.subscribers().unwrap().len(), 1);
}

#[test]
fn moving_onto_a_chat_that_already_subscribed_merges() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(-5, "group", "G", 10).unwrap();
    store.delivered("e1", -5, &keys(&["a"]), 20).unwrap();
    store.subscribe(-1005, "group", "G", 30).unwrap();
    store.delivered("e1", -1005, &keys(&["b"]), 40).unwrap();
    store.unsubscribe(-1005).unwrap();
    assert!(store.move_chat(-5, -1005).unwrap());
    let merged = store.subscriber(-1005).unwrap().unwrap();
    assert!(merged.active, "the old group was subscribed");
    assert_eq!(store.seen_events(-1005).unwrap().len(), 2);
    assert_eq!(
        store.deliveries(-1005).unwrap().len(),
        1,
        "one row per edition"
    );
    assert_eq!(store.subscriber(-5).unwrap(), None);
}

#[test]
fn channels_no_longer_configured_are_deactivated() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(-1001, "channel", "Kept", 1).unwrap();
    store.subscribe(-1002, "channel", "Dropped", 2).unwrap();
    store.subscribe(7, "private", "p", 3).unwrap();
    store.plan("e1", false, 10).unwrap();
    let removed = store
        .deactivate_channels_except(&[-1001], "removed from BRIEFBOT_CHANNELS")
        .unwrap();
    assert_eq!(removed, [(-1002, "Dropped".to_string())]);
    let dropped = store.subscriber(-1002).unwrap().unwrap();
    assert!(!dropped.active);
    assert_eq!(
        dropped.note.as_deref(),
        Some("removed from BRIEFBOT_CHANNELS")
    );
    assert!(store.subscriber(-1001).unwrap().unwrap().active);
    assert!(
        store.subscriber(7).unwrap().unwrap().active,
        "not a channel"
    );
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, [-1001, 7]);
}

#[test]
fn a_version_1_database_is_upgraded_with_its_queue_intact() {
    let (_dir, path, store) = temp_store();
    drop(store);
    std::fs::remove_file(&path).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO subscription (chat_id, kind, title, since) VALUES (1, 'private', 'p', 1);
             INSERT INTO delivery (edition, chat_id, status, queued_at, updated_at)
             VALUES ('e1', 1, 'pending', 5, 5);",
        )
        .unwrap();
    }
    let mut store = Sqlite::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    assert_eq!(claim(&mut store, "a", 10), Some(1));
    assert_eq!(claim(&mut store, "b", 10), None);
}
