//! The store's contract, run against both backends: every check here is
//! one `async fn(Location)` and `contract!` makes a SQLite test and a
//! PostgreSQL test of it. The PostgreSQL ones use a database of their own
//! in the throwaway cluster (`pg`), and skip, saying why, where PostgreSQL
//! is not installed (a failure under `BRIEFBOT_REQUIRE_POSTGRES=1`).

use std::collections::HashSet;

use briefbot::matcher::Lang;
use briefbot::store::{Location, Question, Store, StoreError};

/// A SQLite test and a PostgreSQL test for each named check.
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    let dir = tempfile::tempdir().unwrap();
                    let location = briefbot::store::Location::File(dir.path().join("state.db"));
                    super::$check(location).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    let Some(url) = crate::pg::fresh_database() else {
                        return;
                    };
                    super::$check(briefbot::store::Location::Postgres(url)).await;
                }
            )*
        }
    };
}

contract!(
    opens_at_the_latest_version_and_again_without_change,
    subscribe_unsubscribe_and_resubscribe,
    plan_is_idempotent_and_force_requeues,
    delivered_records_the_edition_and_seen_events,
    failed_and_gone,
    concurrent_senders_claim_each_delivery_once,
    a_dead_senders_claim_is_taken_over_after_its_lease,
    a_chat_that_moved_keeps_its_subscription_history_and_language,
    channels_no_longer_configured_are_deactivated,
    questions_stats_and_unanswered,
    an_update_is_seen_once_across_processes,
    one_process_takes_each_tick,
);

pub(crate) async fn open(location: &Location) -> Store {
    Store::open(location).await.expect("the store opens")
}

fn keys(ks: &[&str]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

async fn opens_at_the_latest_version_and_again_without_change(location: Location) {
    let store = open(&location).await;
    let version = store.schema_version().await.unwrap();
    assert_eq!(version, 4);
    store.subscribe(1, "private", "p", 10).await.unwrap();
    drop(store);
    let again = open(&location).await;
    assert_eq!(again.schema_version().await.unwrap(), version);
    assert_eq!(again.subscribers().await.unwrap().len(), 1);
}

async fn subscribe_unsubscribe_and_resubscribe(location: Location) {
    let store = open(&location).await;
    assert!(store.subscribe(7, "private", "p", 100).await.unwrap());
    assert!(!store.subscribe(7, "private", "renamed", 200).await.unwrap());
    let sub = store.subscriber(7).await.unwrap().unwrap();
    assert_eq!(
        (sub.since, sub.title.as_str(), sub.active),
        (100, "renamed", true)
    );
    assert!(store.unsubscribe(7).await.unwrap());
    assert!(!store.unsubscribe(7).await.unwrap());
    let sub = store.subscriber(7).await.unwrap().unwrap();
    assert!(!sub.active && sub.note.is_none());
    store.deactivate(7, "403: blocked").await.unwrap();
    assert_eq!(
        store.subscriber(7).await.unwrap().unwrap().note.as_deref(),
        Some("403: blocked")
    );
    assert!(store.subscribe(7, "private", "p", 300).await.unwrap());
    let sub = store.subscriber(7).await.unwrap().unwrap();
    assert_eq!((sub.since, sub.active, sub.note), (300, true, None));
    assert!(matches!(
        store.deactivate(99, "x").await,
        Err(StoreError::UnknownChat { chat_id: 99 })
    ));
    assert_eq!(store.subscriber(99).await.unwrap(), None);
}

async fn plan_is_idempotent_and_force_requeues(location: Location) {
    let store = open(&location).await;
    for chat in [3, 1, 2] {
        store
            .subscribe(chat, "private", "p", chat * 10)
            .await
            .unwrap();
    }
    assert_eq!(store.plan("e1", false, 100).await.unwrap(), 3);
    assert_eq!(store.plan("e1", false, 101).await.unwrap(), 0);
    let order: Vec<i64> = store
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|p| p.chat_id)
        .collect();
    assert_eq!(order, [1, 2, 3], "oldest subscription first");
    store.delivered("e1", 1, &keys(&["a"]), 102).await.unwrap();
    assert_eq!(store.plan("e1", false, 103).await.unwrap(), 0);
    assert_eq!(
        store.plan("e1", true, 104).await.unwrap(),
        3,
        "force: every active chat"
    );
    store.unsubscribe(2).await.unwrap();
    let pending: Vec<i64> = store
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|p| p.chat_id)
        .collect();
    assert_eq!(pending, [1, 3]);
    // Back again: queued anew, its dropped row does not count.
    store.subscribe(2, "private", "p", 105).await.unwrap();
    assert_eq!(store.plan("e1", false, 106).await.unwrap(), 1);
}

async fn delivered_records_the_edition_and_seen_events(location: Location) {
    let store = open(&location).await;
    store.subscribe(5, "group", "G", 1).await.unwrap();
    store.plan("e1", false, 2).await.unwrap();
    store
        .delivered("e1", 5, &keys(&["a", "b"]), 3)
        .await
        .unwrap();
    store
        .delivered("e2", 5, &keys(&["b", "c"]), 4)
        .await
        .unwrap();
    let sub = store.subscriber(5).await.unwrap().unwrap();
    assert_eq!(
        (sub.last_edition.as_deref(), sub.last_briefing_at),
        (Some("e2"), Some(4))
    );
    let seen: HashSet<String> = keys(&["a", "b", "c"]).into_iter().collect();
    assert_eq!(store.seen_events(5).await.unwrap(), seen);
    let log = store.deliveries(5).await.unwrap();
    assert_eq!(
        log,
        [
            ("e1".into(), "sent".into(), 0),
            ("e2".into(), "sent".into(), 0)
        ]
    );
    assert!(store.pending().await.unwrap().is_empty());
    assert!(matches!(
        store.delivered("e1", 6, &[], 5).await,
        Err(StoreError::UnknownChat { chat_id: 6 })
    ));
}

async fn failed_and_gone(location: Location) {
    let store = open(&location).await;
    for chat in [1, 2] {
        store.subscribe(chat, "private", "p", chat).await.unwrap();
    }
    store.plan("e1", false, 10).await.unwrap();
    store.failed("e1", 1, "timeout", 11).await.unwrap();
    store.failed("e1", 1, "timeout", 12).await.unwrap();
    store.gone("e1", 2, "403: blocked", 13).await.unwrap();
    let pending = store.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!((pending[0].chat_id, pending[0].attempts), (1, 2));
    assert_eq!(
        store.deliveries(2).await.unwrap(),
        [("e1".into(), "dropped".into(), 0)]
    );
    let gone = store.subscriber(2).await.unwrap().unwrap();
    assert!(!gone.active);
    assert_eq!(gone.note.as_deref(), Some("403: blocked"));
}

async fn concurrent_senders_claim_each_delivery_once(location: Location) {
    let store = open(&location).await;
    for chat in 1..=60 {
        store.subscribe(chat, "private", "p", chat).await.unwrap();
    }
    assert_eq!(store.plan("e1", false, 100).await.unwrap(), 60);
    drop(store);
    // Four senders, each with its own connection, as four processes.
    let mut senders = Vec::new();
    for s in 0..4 {
        let location = location.clone();
        senders.push(tokio::spawn(async move {
            let store = open(&location).await;
            let owner = format!("sender-{s}");
            let mut mine = Vec::new();
            while let Some(p) = store.claim_next(&owner, 100, 300).await.unwrap() {
                mine.push(p.chat_id);
                store
                    .delivered(&p.edition, p.chat_id, &[], 100)
                    .await
                    .unwrap();
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for sender in senders {
        all.extend(sender.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (1..=60).collect::<Vec<_>>(), "every chat exactly once");
}

async fn a_dead_senders_claim_is_taken_over_after_its_lease(location: Location) {
    let store = open(&location).await;
    store.subscribe(1, "private", "p", 1).await.unwrap();
    store.plan("e1", false, 10).await.unwrap();
    let held = store.claim_next("dead", 10, 60).await.unwrap();
    assert_eq!(held.map(|p| p.chat_id), Some(1));
    assert_eq!(store.claim_next("other", 69, 60).await.unwrap(), None);
    assert_eq!(store.claimed_elsewhere("other", 69).await.unwrap(), 1);
    let taken = store.claim_next("other", 70, 60).await.unwrap();
    assert_eq!(taken.map(|p| p.chat_id), Some(1), "the lease is over");
    // A sender never gets back its own failure in the same run.
    store.failed("e1", 1, "timeout", 71).await.unwrap();
    assert_eq!(store.claim_next("other", 72, 60).await.unwrap(), None);
    assert!(store.claim_next("third", 72, 60).await.unwrap().is_some());
}

async fn a_chat_that_moved_keeps_its_subscription_history_and_language(location: Location) {
    let store = open(&location).await;
    store.subscribe(-5, "group", "G", 1).await.unwrap();
    store.delivered("e1", -5, &keys(&["a"]), 2).await.unwrap();
    store.set_lang(-5, Lang::Sq).await.unwrap();
    store.plan("e2", false, 3).await.unwrap();
    assert!(store.move_chat(-5, -1005).await.unwrap());
    assert!(
        !store.move_chat(-5, -1005).await.unwrap(),
        "nothing left to move"
    );
    let moved = store.subscriber(-1005).await.unwrap().unwrap();
    assert!(moved.active);
    assert_eq!(moved.last_edition.as_deref(), Some("e1"));
    assert_eq!(store.subscriber(-5).await.unwrap(), None);
    assert_eq!(store.seen_events(-1005).await.unwrap().len(), 1);
    assert_eq!(store.lang_of(-1005).await.unwrap(), Some(Lang::Sq));
    assert_eq!(store.lang_of(-5).await.unwrap(), None);
    let pending: Vec<i64> = store
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|p| p.chat_id)
        .collect();
    assert_eq!(pending, [-1005]);
}

async fn channels_no_longer_configured_are_deactivated(location: Location) {
    let store = open(&location).await;
    store.subscribe(-100, "channel", "Kept", 1).await.unwrap();
    store
        .subscribe(-200, "channel", "Dropped", 2)
        .await
        .unwrap();
    store.subscribe(3, "private", "p", 3).await.unwrap();
    let removed = store
        .deactivate_channels_except(&[-100], "removed from BRIEFBOT_CHANNELS")
        .await
        .unwrap();
    assert_eq!(removed, [(-200, "Dropped".to_string())]);
    let active: Vec<i64> = store
        .subscribers()
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.active)
        .map(|s| s.chat_id)
        .collect();
    assert_eq!(active, [-100, 3]);
}

async fn questions_stats_and_unanswered(location: Location) {
    let store = open(&location).await;
    let q = |at, intent: Option<&str>, matched, text: Option<&str>| Question {
        at,
        chat_kind: "private".into(),
        intent: intent.map(str::to_string),
        matched,
        text: text.map(str::to_string),
    };
    store
        .record_questions(&[
            q(10, Some("attack.who"), true, Some("dropped, it matched")),
            q(11, Some("attack.who"), true, None),
            q(12, Some("attack.when"), true, None),
            q(13, None, false, Some("what is the weather")),
            q(5, None, false, Some("too old")),
        ])
        .await
        .unwrap();
    let stats = store.stats(10).await.unwrap();
    assert_eq!(
        (stats.answered, stats.declined, stats.unanswered),
        (3, 1, 1)
    );
    assert_eq!(
        stats.top_intents,
        [
            ("attack.who".to_string(), 2),
            ("attack.when".to_string(), 1)
        ]
    );
    let unanswered = store.unanswered(10).await.unwrap();
    assert_eq!(
        unanswered,
        [("what is the weather".to_string(), 13, "private".to_string())]
    );
    assert_eq!(store.unanswered(0).await.unwrap().len(), 2);
}

async fn an_update_is_seen_once_across_processes(location: Location) {
    let one = open(&location).await;
    let two = open(&location).await;
    assert!(one.first_sight(41, 1000).await.unwrap());
    assert!(
        !two.first_sight(41, 1001).await.unwrap(),
        "the other replica saw it"
    );
    assert!(two.first_sight(42, 1001).await.unwrap());
    // Forgotten once old: pruning comes with every hundredth id.
    let later = 1000 + briefbot::store::UPDATE_MEMORY_SECONDS + 1;
    assert!(one.first_sight(100, later).await.unwrap());
    assert!(one.first_sight(41, later).await.unwrap());
}

async fn one_process_takes_each_tick(location: Location) {
    let mut takers = Vec::new();
    for n in 0..3 {
        let location = location.clone();
        takers.push(tokio::spawn(async move {
            let store = open(&location).await;
            store
                .claim_tick("2026-12-01T07:00:00Z", &format!("replica-{n}"), 1)
                .await
                .unwrap()
        }));
    }
    let mut won = 0;
    for taker in takers {
        won += usize::from(taker.await.unwrap());
    }
    assert_eq!(won, 1);
    let store = open(&location).await;
    assert!(
        store
            .claim_tick("2026-12-02T07:00:00Z", "replica-0", 2)
            .await
            .unwrap()
    );
}
