//! Briefings end to end, against the fake Bot API: subscriptions, admin
//! commands, delivery exactly once, 403s, hot reload, and a fan-out killed
//! with SIGKILL and resumed by the real binary.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use briefbot::store::{Sqlite, Store};
use serde_json::{Value, json};

use crate::fake::*;

const ADMIN: i64 = 7;
const MEMBER: i64 = 9;

fn text(call: &Value) -> String {
    call["text"].as_str().unwrap_or_default().to_string()
}

/// Sends `text` to `chat` as `user` and waits for the bot's next message there.
async fn say(bot: &Running, id: i64, chat: Value, user: i64, words: &str) -> String {
    let chat_id = chat["id"].as_i64().unwrap();
    let before = bot.fake.sent_to(chat_id).len();
    bot.fake.push(message(id, chat, Some(words), from(user)));
    bot.wait_for(words, |f| f.sent_to(chat_id).len() > before)
        .await;
    text(&bot.fake.sent_to(chat_id)[before])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_deliver_once_and_deactivate_on_403() {
    let fake = Arc::new(Fake::default());
    fake.admins.lock().unwrap().insert(ADMIN);
    fake.blocked.lock().unwrap().insert(81);
    let bot = start_with(&[("BRIEFBOT_ADMINS", "7")], fake).await;

    let reply = say(&bot, 1, private(80), MEMBER, "/subscribe").await;
    assert!(reply.starts_with("Subscribed"), "{reply}");
    let reply = say(&bot, 2, private(80), MEMBER, "/subscribe").await;
    assert!(reply.contains("already subscribed"), "{reply}");
    // Chat 81 subscribes, then blocks the bot (its sends get 403).
    bot.fake.blocked.lock().unwrap().remove(&81);
    say(&bot, 3, private(81), MEMBER, "/subscribe").await;
    bot.fake.blocked.lock().unwrap().insert(81);
    // In a group, only an administrator may subscribe it.
    let reply = say(&bot, 4, group(-82), MEMBER, "/subscribe@briefbot").await;
    assert!(reply.contains("administrators"), "{reply}");
    let reply = say(&bot, 5, group(-83), ADMIN, "/subscribe").await;
    assert!(reply.starts_with("Subscribed"), "{reply}");
    // Admin commands refuse everybody not in BRIEFBOT_ADMINS.
    let reply = say(&bot, 6, private(84), MEMBER, "/brief_now").await;
    assert!(reply.contains("for the bot's administrators"), "{reply}");
    assert!(bot.fake.briefings_to(80).is_empty());

    let report = say(&bot, 7, private(85), ADMIN, "/brief_now").await;
    assert!(
        report.contains("3 queued, 2 delivered") && report.contains("1 gone"),
        "{report}"
    );
    assert_eq!(bot.fake.briefings_to(80).len(), 1);
    assert_eq!(bot.fake.briefings_to(-83).len(), 1);
    assert!(bot.fake.briefings_to(-82).is_empty(), "not subscribed");
    assert!(bot.fake.briefings_to(80)[0].contains("The main events so far"));

    // The same briefing is not sent again.
    let report = say(&bot, 8, private(85), ADMIN, "/brief_now").await;
    assert!(report.contains("0 queued, 0 delivered"), "{report}");
    assert_eq!(bot.fake.briefings_to(80).len(), 1);
    assert_eq!(bot.fake.briefings_to(-83).len(), 1);

    // /brief shows the briefing on demand, to anyone.
    let reply = say(&bot, 9, private(86), MEMBER, "/brief").await;
    assert!(reply.starts_with("<b>Briefing</b>"), "{reply}");

    // Questions are counted; declined ones are kept for the curator.
    say(&bot, 10, private(86), MEMBER, "who hacked albania").await;
    say(
        &bot,
        11,
        private(86),
        MEMBER,
        "what is the population of albania",
    )
    .await;
    let stats = say(&bot, 12, private(85), ADMIN, "/stats").await;
    assert!(
        stats.contains("2 questions in the last 7 days: 1 answered, 1 declined"),
        "{stats}"
    );
    let state = bot.config.state.file().unwrap().to_path_buf();
    bot.stop().await;

    let store = Sqlite::open(&state).unwrap();
    let subs = store.subscribers().unwrap();
    let blocked = subs.iter().find(|s| s.chat_id == 81).unwrap();
    assert!(!blocked.active);
    assert!(
        blocked
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("blocked"),
        "{blocked:?}"
    );
    assert!(subs.iter().all(|s| s.chat_id != -82));
    let unanswered = store.unanswered(0).unwrap();
    assert_eq!(unanswered.len(), 1);
    assert_eq!(unanswered[0].0, "what is the population of albania");
    assert_eq!(unanswered[0].2, "private");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the shipped `intents/` and `data/` a test may break.
fn copied_knowledge() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let (intents, data) = (dir.path().join("intents"), dir.path().join("data"));
    copy_dir(&root.join("intents"), &intents);
    copy_dir(&root.join("data"), &data);
    (dir, intents, data)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_reload_keeps_the_old_knowledge_and_a_good_one_briefs_new_events() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_dir, intents, data) = copied_knowledge();
    let fake = Arc::new(Fake::default());
    let bot = start_with(
        &[
            ("BRIEFBOT_ADMINS", "7"),
            ("BRIEFBOT_INTENTS", intents.to_str().unwrap()),
            ("BRIEFBOT_DATA", data.to_str().unwrap()),
        ],
        fake,
    )
    .await;
    say(&bot, 1, private(90), MEMBER, "/subscribe").await;
    say(&bot, 2, private(91), ADMIN, "/brief_now").await;
    assert_eq!(bot.fake.briefings_to(90).len(), 1);

    // Break two files: the reload reports both, with file and line.
    std::fs::write(
        intents.join("mek.toml"),
        "[[intent]]\nid = \"mek.x\"\ntitle = \n",
    )
    .unwrap();
    std::fs::write(
        data.join("events/new-event.toml"),
        "id = \"new-event\"\ndate = \"2022-13-01\"\ntitle = \"T\"\nsummary = \"S\"\nsources = [\"article\"]\n",
    )
    .unwrap();
    let reply = say(&bot, 3, private(91), ADMIN, "/reload").await;
    assert!(reply.contains("still answering"), "{reply}");
    assert!(reply.contains("mek.toml:3:"), "{reply}");
    assert!(reply.contains("new-event.toml:2:"), "{reply}");
    let answer = say(&bot, 4, private(92), MEMBER, "what is the mek").await;
    assert!(
        answer.contains("MEK"),
        "the old knowledge answers: {answer}"
    );

    // Fix them: the new event is in the next briefing, as new.
    std::fs::copy(root.join("intents/mek.toml"), intents.join("mek.toml")).unwrap();
    std::fs::write(
        data.join("events/new-event.toml"),
        "id = \"new-event\"\ndate = \"2024-02-01\"\ntitle = \"A curator's new event\"\nsummary = \"Something that happened.\"\nsources = [\"article\"]\n\n[sq]\ntitle = \"Një ngjarje e re e kuratorit\"\nsummary = \"Diçka që ndodhi.\"\n",
    )
    .unwrap();
    let reply = say(&bot, 5, private(91), ADMIN, "/reload").await;
    assert!(reply.starts_with("Reloaded: "), "{reply}");
    assert!(reply.contains("46 events"), "{reply}");
    say(&bot, 6, private(91), ADMIN, "/brief_now").await;
    let briefs = bot.fake.briefings_to(90);
    assert_eq!(briefs.len(), 2);
    assert!(
        briefs[1].contains("New since your last briefing")
            && briefs[1].contains("A curator's new event"),
        "{}",
        briefs[1]
    );
    // Nothing changed since: nothing is queued.
    let reply = say(&bot, 7, private(91), ADMIN, "/brief_now").await;
    assert!(reply.contains("0 queued"), "{reply}");
    bot.stop().await;
}

/// `brief --send` through the real binary against the fake, on `state`,
/// with claims that a dead sender loses after `LEASE` seconds.
pub(crate) fn brief_send(
    addr: std::net::SocketAddr,
    state: impl AsRef<std::ffi::OsStr>,
) -> std::process::Child {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(env!("CARGO_BIN_EXE_briefbot"))
        .args(["brief", "--send"])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", format!("http://{addr}"))
        .env("BRIEFBOT_STATE", state)
        .env("BRIEFBOT_THROTTLE", "off")
        .env("BRIEFBOT_DELIVERY_LEASE", LEASE.to_string())
        .env("BRIEFBOT_INTENTS", root.join("intents"))
        .env("BRIEFBOT_DATA", root.join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The lease on claimed deliveries in the tests that kill a sender.
pub(crate) const LEASE: u64 = 5;

/// Waits, at most `within`, for `brief --send` to end (off the runtime's
/// threads, which serve the fake Bot API meanwhile).
pub(crate) async fn finished(child: std::process::Child, within: Duration) -> std::process::Output {
    tokio::task::spawn_blocking(move || crate::process::finish(child, within, "brief --send"))
        .await
        .expect("the wait for brief --send panicked")
}

/// Waits for each `brief --send` (at most `within` each), asserts it
/// succeeded, and sums the briefings they report delivered.
pub(crate) async fn delivered_by(
    senders: impl IntoIterator<Item = std::process::Child>,
    within: Duration,
) -> usize {
    let mut delivered = 0;
    for sender in senders {
        let out = finished(sender, within).await;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let n: usize = stdout
            .split(" delivered")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {stdout}"));
        delivered += n;
    }
    delivered
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_killed_mid_way_resumes_without_duplicates() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let state = config.state.file().unwrap().to_path_buf();
    {
        let mut store = Sqlite::open(&state).unwrap();
        for chat in 1..=10 {
            store
                .subscribe(chat, "private", "private chat", chat)
                .unwrap();
        }
    }
    // The fifth chat's send never completes: the process is killed with it
    // in flight, holding its claim.
    *fake.hang_chat.lock().unwrap() = Some(5);
    let mut first = brief_send(addr, &state);
    for _ in 0..400 {
        if !fake.sent_to(5).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(fake.sent_to(5).len(), 1, "the fifth send is in flight");
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let killed = std::time::Instant::now();
    let delivered_before: Vec<i64> = (1..=10).filter(|c| !fake.sent_to(*c).is_empty()).collect();
    assert_eq!(delivered_before, [1, 2, 3, 4, 5]);

    // At once, the dead sender's claim still holds: the others are sent.
    *fake.hang_chat.lock().unwrap() = None;
    let second = finished(brief_send(addr, &state), Duration::from_secs(60)).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(
        out.contains("0 queued, 5 delivered") && out.contains("1 being sent by another sender"),
        "{out}"
    );
    assert!(
        killed.elapsed() < Duration::from_secs(LEASE - 1),
        "the second run came before the lease ended, or this test proves nothing"
    );
    assert_eq!(fake.sent_to(5).len(), 1);
    // Once the lease is over, the claim is taken over.
    tokio::time::sleep(Duration::from_secs(LEASE + 1).saturating_sub(killed.elapsed())).await;
    let third = finished(brief_send(addr, &state), Duration::from_secs(60)).await;
    let out = String::from_utf8_lossy(&third.stdout);
    assert!(out.contains("0 queued, 1 delivered"), "{out}");
    for chat in 1..=10 {
        let n = fake.sent_to(chat).len();
        let expected = if chat == 5 { 2 } else { 1 };
        assert_eq!(n, expected, "chat {chat} got {n} briefings");
    }
    // A fourth run sends nothing.
    let fourth = finished(brief_send(addr, &state), Duration::from_secs(60)).await;
    assert!(String::from_utf8_lossy(&fourth.stdout).contains("0 queued, 0 delivered"));
    assert_eq!(fake.calls("sendMessage").len(), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_senders_deliver_each_briefing_once() {
    let fake = Arc::new(Fake::default());
    // Slow sends widen the window in which two senders would both send.
    *fake.send_delay.lock().unwrap() = Some(Duration::from_millis(30));
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let state = config.state.file().unwrap().to_path_buf();
    {
        let mut store = Sqlite::open(&state).unwrap();
        for chat in 1..=30 {
            store.subscribe(chat, "private", "p", chat).unwrap();
        }
    }
    let senders: Vec<_> = (0..3).map(|_| brief_send(addr, &state)).collect();
    let delivered = delivered_by(senders, Duration::from_secs(60)).await;
    for chat in 1..=30 {
        assert_eq!(fake.sent_to(chat).len(), 1, "chat {chat}");
    }
    assert_eq!(delivered, 30, "the reports add up");
    let store = Sqlite::open(&state).unwrap();
    assert!(store.pending().unwrap().is_empty());
}

/// Records what it is asked to send; chats in `gone` refuse for good.
#[derive(Default)]
struct Recorder {
    sent: std::sync::Mutex<Vec<(i64, String)>>,
    gone: Vec<i64>,
    flaky: Vec<i64>,
}

impl briefbot::deliver::Sender for Recorder {
    async fn send(&self, chat_id: i64, reply: &briefbot::render::Reply) -> briefbot::deliver::Sent {
        use briefbot::deliver::Sent;
        if self.gone.contains(&chat_id) {
            return Sent::Gone("Forbidden: bot was kicked".to_string());
        }
        if self.flaky.contains(&chat_id) {
            return Sent::Retry("network down".to_string());
        }
        self.sent.lock().unwrap().push((chat_id, reply.to_plain()));
        Sent::Delivered
    }
}

#[tokio::test]
async fn fan_out_skips_or_says_nothing_new_and_retries_failures() {
    use briefbot::config::EmptyBriefings;
    use briefbot::deliver::{Options, fan_out};
    let kb = crate::support::shipped();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(std::sync::Mutex::new(
        Sqlite::open(&dir.path().join("s.db")).unwrap(),
    ));
    for chat in [1, 2, 3] {
        store.subscribe(chat, "private", "p", 0).await.unwrap();
    }
    let sender = Recorder {
        gone: vec![2],
        flaky: vec![3],
        ..Recorder::default()
    };
    let now = || 1_800_000_000;
    let stop = briefbot::shutdown::CancellationToken::new();
    let report = fan_out(kb, &store, &sender, Options::default(), now, &stop)
        .await
        .unwrap();
    assert_eq!(
        (report.queued, report.delivered, report.gone, report.failed),
        (3, 1, 1, 1)
    );
    // The failure stays queued and is retried by the next run, even one
    // that only resumes.
    let sender = Recorder::default();
    let resume = Options {
        resume_only: true,
        ..Options::default()
    };
    let report = fan_out(kb, &store, &sender, resume, now, &stop)
        .await
        .unwrap();
    assert_eq!((report.queued, report.delivered), (0, 1));
    assert_eq!(sender.sent.lock().unwrap()[0].0, 3);
    // Forced with nothing new: skipped by default…
    let force = Options {
        force: true,
        ..Options::default()
    };
    let sender = Recorder::default();
    let report = fan_out(kb, &store, &sender, force, now, &stop)
        .await
        .unwrap();
    assert_eq!(
        (report.queued, report.delivered),
        (2, 2),
        "chats 1 and 3 again"
    );
    // …and a chat already briefed with nothing new gets a short note when
    // asked to say so.
    store.subscribe(4, "private", "p", 0).await.unwrap();
    let say = Options {
        empty: EmptyBriefings::Say,
        ..Options::default()
    };
    let sender = Recorder::default();
    let report = fan_out(kb, &store, &sender, say, now, &stop).await.unwrap();
    assert_eq!((report.queued, report.delivered, report.skipped), (1, 1, 0));
    assert!(
        sender.sent.lock().unwrap()[0]
            .1
            .contains("The main events so far")
    );
    let events: std::collections::HashSet<String> =
        kb.events.iter().map(|e| e.seen_key()).collect();
    assert_eq!(store.seen_events(4).await.unwrap(), events);
    let brief = briefbot::briefing::compose(kb, Some(&events));
    assert!(brief.nothing_new);
    assert!(
        brief
            .reply
            .body
            .starts_with("Nothing new since your last briefing.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_channels_are_subscribed_only_where_the_bot_is_admin() {
    let fake = Arc::new(Fake::default());
    let bot = start_with(
        &[
            ("BRIEFBOT_CHANNELS", "@albania_news @other_channel"),
            ("BRIEFBOT_ADMINS", "7"),
        ],
        fake,
    )
    .await;
    bot.wait_for("the channel checks", |f| {
        f.calls("getChatMember").len() >= 2
    })
    .await;
    say(&bot, 1, private(95), ADMIN, "/brief_now").await;
    assert_eq!(
        bot.fake.briefings_to(-1001).len(),
        1,
        "admin there: briefed"
    );
    assert!(
        bot.fake.briefings_to(-1002).is_empty(),
        "not admin: nothing sent"
    );
    let state = bot.config.state.file().unwrap().to_path_buf();
    bot.stop().await;
    let subs = Sqlite::open(&state).unwrap().subscribers().unwrap();
    let news = subs.iter().find(|s| s.chat_id == -1001).unwrap();
    assert!(news.active && news.kind == "channel" && news.title == "Channel -1001");
    let other = subs.iter().find(|s| s.chat_id == -1002).unwrap();
    assert!(!other.active);
    assert_eq!(
        other.note.as_deref(),
        Some("the bot is not an administrator of this channel")
    );
}

/// The real binary: SIGHUP reloads (a broken file is reported in the log
/// and the old knowledge keeps answering), SIGTERM stops it cleanly.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reloads_on_sighup_and_stops_on_sigterm() {
    let (dir, intents, data) = copied_knowledge();
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let log = dir.path().join("serve.log");
    let mut serve = Command::new(env!("CARGO_BIN_EXE_briefbot"))
        .arg("serve")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", format!("http://{addr}"))
        .env("BRIEFBOT_STATE", config.state.file().unwrap())
        .env("BRIEFBOT_INTENTS", &intents)
        .env("BRIEFBOT_DATA", &data)
        .env("RUST_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let signal = |name: &str| {
        let status = Command::new("kill")
            .args([name, &serve.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    let logged = |what: &str| std::fs::read_to_string(&log).unwrap().contains(what);
    for _ in 0..400 {
        if !fake.calls("setMyCommands").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!fake.calls("setMyCommands").is_empty(), "serve started");

    std::fs::write(
        intents.join("mek.toml"),
        "[[intent]]\nid = \"mek.x\"\ntitle = \n",
    )
    .unwrap();
    signal("-HUP");
    for _ in 0..200 {
        if logged("reload failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("reload failed, keeping the old knowledge") && text.contains("mek.toml:3:"),
        "{text}"
    );
    fake.push(message(1, private(120), Some("what is the mek"), json!({})));
    for _ in 0..200 {
        if !fake.sent_to(120).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(text_of_first(&fake, 120).contains("MEK"));

    signal("-TERM");
    let mut status = None;
    for _ in 0..400 {
        status = serve.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Some(status) = status else {
        serve.kill().unwrap();
        panic!(
            "serve did not stop on SIGTERM: {}",
            std::fs::read_to_string(&log).unwrap()
        );
    };
    assert!(status.success(), "{status:?}");
    assert!(logged("SIGTERM: shutting down"));
}

fn text_of_first(fake: &Fake, chat: i64) -> String {
    fake.sent_to(chat).first().map(text).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_subscriber_is_briefed_in_its_language() {
    let fake = Arc::new(Fake::default());
    fake.admins.lock().unwrap().insert(ADMIN);
    let bot = start_with(&[("BRIEFBOT_ADMINS", "7")], fake).await;
    say(&bot, 1, private(60), MEMBER, "/subscribe").await;
    say(&bot, 2, private(61), MEMBER, "/subscribe").await;
    let set = say(&bot, 3, private(61), MEMBER, "/lang sq").await;
    assert!(set.contains("shqip"), "{set}");
    // In a group, only an administrator may change its language.
    let refused = say(&bot, 4, group(-62), MEMBER, "/lang sq").await;
    assert!(refused.contains("administrator"), "{refused}");
    say(&bot, 5, private(85), ADMIN, "/brief_now").await;
    let english = bot.fake.briefings_to(60);
    let albanian = bot.fake.briefings_to(61);
    assert_eq!((english.len(), albanian.len()), (1, 1));
    assert!(
        english[0].contains("Briefing") && english[0].contains("July 2022"),
        "{}",
        english[0]
    );
    assert!(
        albanian[0].contains("Përmbledhje") && albanian[0].contains("korrik 2022"),
        "{}",
        albanian[0]
    );
    bot.stop().await;
}

/// A sender that takes a while and counts how many sends overlap.
#[derive(Default)]
struct Overlapping {
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
    sent: std::sync::Mutex<Vec<i64>>,
}

impl briefbot::deliver::Sender for Overlapping {
    async fn send(&self, chat_id: i64, _: &briefbot::render::Reply) -> briefbot::deliver::Sent {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.now.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.now.fetch_sub(1, SeqCst);
        self.sent.lock().unwrap().push(chat_id);
        briefbot::deliver::Sent::Delivered
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_keeps_several_sends_in_flight_and_each_chat_gets_one() {
    use briefbot::deliver::{Options, fan_out};
    use std::sync::atomic::Ordering::SeqCst;
    let kb = crate::support::shipped();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(std::sync::Mutex::new(
        Sqlite::open(&dir.path().join("s.db")).unwrap(),
    ));
    for chat in 1..=40 {
        store.subscribe(chat, "private", "p", chat).await.unwrap();
    }
    let sender = Overlapping::default();
    let options = Options {
        concurrency: 8,
        ..Options::default()
    };
    let stop = briefbot::shutdown::CancellationToken::new();
    let report = fan_out(kb, &store, &sender, options, || 1_800_000_000, &stop)
        .await
        .unwrap();
    assert_eq!((report.queued, report.delivered), (40, 40));
    let most = sender.most.load(SeqCst);
    assert!((2..=8).contains(&most), "{most} sends overlapped");
    let mut sent = sender.sent.lock().unwrap().clone();
    sent.sort();
    assert_eq!(sent, (1..=40).collect::<Vec<_>>());
    assert!(store.pending().await.unwrap().is_empty());
    // A stop ends the claiming: with the token already cancelled, nothing
    // more is sent and what is queued stays queued.
    stop.cancel();
    store
        .plan("another edition", true, 1_800_000_001)
        .await
        .unwrap();
    let resumed = Options {
        resume_only: true,
        ..options
    };
    let report = fan_out(kb, &store, &sender, resumed, || 1_800_000_002, &stop)
        .await
        .unwrap();
    assert!(report.stopped && report.delivered == 0);
    assert_eq!(store.pending().await.unwrap().len(), 40);
}
