//! End to end: the real dispatcher against the fake Bot API server
//! (`fake.rs`), asserting on the calls it makes.

use std::sync::Arc;
use std::time::Duration;

use briefbot::config::Config;
use briefbot::telegram::{Listen, Server};
use serde_json::{Value, json};

use crate::fake::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_group_buttons_and_odd_messages() {
    let bot = start().await;
    let f = &bot.fake;
    // A private question, a sticker, group chatter, a group mention, a reply
    // to the bot, and a button press.
    f.push(message(
        1,
        private(10),
        Some("who hacked albania"),
        json!({}),
    ));
    f.push(message(2, private(11), None, json!({"sticker": {"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1, "is_animated": false, "is_video": false, "type": "regular"}})));
    f.push(message(
        3,
        group(-20),
        Some("lunch anyone? albania iran hack"),
        json!({}),
    ));
    f.push(message(
        4,
        group(-21),
        Some("@briefbot when did albania cut ties with iran"),
        json!({}),
    ));
    f.push(message(5, private(12), Some("/start"), json!({})));
    bot.wait_for("three answers", |f| f.calls("sendMessage").len() >= 3)
        .await;

    let to_private = f.sent_to(10);
    assert_eq!(to_private.len(), 1);
    assert_eq!(to_private[0]["parse_mode"], "HTML");
    let text = to_private[0]["text"].as_str().unwrap();
    assert!(text.starts_with("<b>") && text.contains("Iran"), "{text}");
    let buttons = &to_private[0]["reply_markup"]["inline_keyboard"];
    assert!(
        buttons.as_array().is_some_and(|rows| !rows.is_empty()),
        "{buttons}"
    );
    let key = buttons[0][0]["callback_data"].as_str().unwrap().to_string();
    assert!(key.len() <= 64);

    assert!(f.sent_to(11).is_empty(), "a sticker gets no reply");
    assert!(f.sent_to(-20).is_empty(), "group chatter gets no reply");
    let to_group = f.sent_to(-21);
    assert_eq!(to_group.len(), 1);
    assert!(
        to_group[0]["text"]
            .as_str()
            .unwrap()
            .contains("7 September 2022")
    );
    assert_eq!(to_group[0]["reply_parameters"]["message_id"], 4);
    assert!(
        f.sent_to(12)[0]["text"]
            .as_str()
            .unwrap()
            .contains("briefbot")
    );

    // Press the first button of the private answer.
    f.push(json!({"update_id": 6, "callback_query": {
        "id": "cb1", "from": {"id": 7, "is_bot": false, "first_name": "U"}, "chat_instance": "ci",
        "data": key,
        "message": {"message_id": 1, "date": 1_700_000_000, "chat": private(10), "text": "x",
                    "from": {"id": BOT_ID, "is_bot": true, "first_name": "Brief"}}
    }}));
    bot.wait_for("the button's answer", |f| f.sent_to(10).len() >= 2)
        .await;
    assert_eq!(
        f.calls("answerCallbackQuery")[0]["callback_query_id"],
        "cb1"
    );

    // A reply to the bot's own message in a group is answered.
    f.push(message(
        7,
        group(-22),
        Some("and what is the MEK?"),
        json!({"reply_to_message": {
            "message_id": 99, "date": 1_700_000_000, "chat": group(-22), "text": "earlier answer",
            "from": {"id": BOT_ID, "is_bot": true, "first_name": "Brief"}
        }}),
    ));
    bot.wait_for("the reply's answer", |f| !f.sent_to(-22).is_empty())
        .await;

    // An edited message is not answered again; /help and /timeline are.
    let mut edited = message(
        8,
        private(13),
        Some("who hacked albania"),
        json!({"edit_date": 1_700_000_100}),
    );
    edited["edited_message"] = edited["message"].take();
    edited.as_object_mut().unwrap().remove("message");
    f.push(edited);
    f.push(message(9, private(14), Some("/help"), json!({})));
    f.push(message(10, private(15), Some("/timeline"), json!({})));
    bot.wait_for("/help and /timeline", |f| {
        !f.sent_to(14).is_empty() && !f.sent_to(15).is_empty()
    })
    .await;
    assert!(
        f.sent_to(14)[0]["text"]
            .as_str()
            .unwrap()
            .contains("/timeline")
    );
    assert!(
        f.sent_to(15)[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("<b>Timeline</b>")
    );
    assert!(f.sent_to(13).is_empty(), "an edit gets no second answer");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_rejection_is_resent_as_plain_text() {
    let bot = start().await;
    bot.fake.errors.lock().unwrap().insert(
        "sendmessage".to_string(),
        vec![json!({"ok": false, "error_code": 400, "description": "Bad Request: can't parse entities: unexpected end tag"})],
    );
    bot.fake.push(message(
        1,
        private(30),
        Some("what is the jcpoa"),
        json!({}),
    ));
    bot.wait_for("the plain resend", |f| f.sent_to(30).len() >= 2)
        .await;
    let sent = bot.fake.sent_to(30);
    assert_eq!(sent[0]["parse_mode"], "HTML");
    assert!(
        sent[1].get("parse_mode").is_none_or(Value::is_null),
        "{}",
        sent[1]
    );
    assert!(sent[1]["text"].as_str().unwrap().contains("JCPOA"));
    bot.stop().await;
}

#[tokio::test]
async fn configuration_errors_name_the_variable_never_the_token() {
    let kb = shipped_kb();
    let bad_url = Config::from_vars(|k| match k {
        "TELOXIDE_TOKEN" => Some("123:TOP-SECRET".to_string()),
        "TELOXIDE_API_URL" => Some("not a url".to_string()),
        _ => None,
    });
    let err = bad_url.unwrap_err().to_string();
    assert!(
        err.starts_with("TELOXIDE_API_URL") && !err.contains("TOP-SECRET"),
        "{err}"
    );
    let no_token = Config::from_vars(|_| None).unwrap();
    let err = format!(
        "{:#}",
        Server::new(&no_token, kb, Default::default())
            .await
            .err()
            .unwrap()
    );
    assert!(
        err.contains("TELOXIDE_TOKEN") && err.contains(".env.example"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_queries_long_replies_and_rate_limits() {
    let bot = start().await;
    let f = &bot.fake;
    // The first sendMessage is refused with 429: Throttle waits and retries.
    f.errors.lock().unwrap().insert(
        "sendmessage".to_string(),
        vec![json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1}})],
    );
    f.push(message(1, private(40), Some("who is xhacka"), json!({})));
    bot.wait_for("the retried answer", |f| f.sent_to(40).len() >= 2)
        .await;
    let sent = f.sent_to(40);
    assert_eq!(sent[0], sent[1], "the same call is retried");

    // A reply over 4,096 characters arrives in several messages, in order.
    f.push(message(2, private(41), Some("/sources"), json!({})));
    let kb = crate::support::shipped();
    let reply = briefbot::answer::answer(kb, &Default::default(), "/sources").reply;
    let expected =
        briefbot::telegram::format::split(&briefbot::telegram::format::html(&reply), 4096);
    assert!(
        expected.len() >= 3,
        "the source list should need several messages"
    );
    bot.wait_for("the split reply", |f| f.sent_to(41).len() >= expected.len())
        .await;
    let pieces: Vec<String> = f
        .sent_to(41)
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pieces, expected);
    assert!(pieces.iter().all(|p| p.chars().count() <= 4096));

    // Inline mode.
    f.push(json!({"update_id": 3, "inline_query": {
        "id": "iq1", "from": {"id": 7, "is_bot": false, "first_name": "U"}, "query": "who hacked albania", "offset": ""
    }}));
    bot.wait_for("the inline answer", |f| {
        !f.calls("answerInlineQuery").is_empty()
    })
    .await;
    let inline = &f.calls("answerInlineQuery")[0];
    assert_eq!(inline["inline_query_id"], "iq1");
    let results = inline["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 50);
    assert!(
        results[0]["input_message_content"]["message_text"]
            .as_str()
            .unwrap()
            .contains("Iran")
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_1000_updates_from_100_chats_is_answered_exactly_once() {
    let bot = start_with(&[("BRIEFBOT_THROTTLE", "off")], Arc::default()).await;
    let questions = [
        "who hacked albania",
        "what is the mek",
        "when did albania cut ties with iran",
        "hi",
        "jcpoa",
    ];
    for i in 0..1000i64 {
        let chat = 1000 + i % 100;
        bot.fake.push(message(
            i + 1,
            private(chat),
            Some(questions[i as usize % questions.len()]),
            json!({}),
        ));
    }
    bot.wait_for("1,000 answers", |f| f.calls("sendMessage").len() >= 1000)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = bot.fake.calls("sendMessage");
    assert_eq!(sent.len(), 1000, "no update answered twice");
    for chat in 1000..1100 {
        assert_eq!(bot.fake.sent_to(chat).len(), 10, "chat {chat}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_menu_is_published_and_network_failures_are_retried() {
    // The first getMe, the first two getUpdates and the first sendMessage
    // lose their connection mid-response.
    let fake = Arc::new(Fake::default());
    fake.hangups.lock().unwrap().extend([
        ("getme".to_string(), 1),
        ("getupdates".to_string(), 2),
        ("sendmessage".to_string(), 1),
    ]);
    let bot = start_with(&[], fake).await;
    let f = &bot.fake;
    f.push(message(1, private(50), Some("what is the mek"), json!({})));
    bot.wait_for("the answer, sent twice", |f| f.sent_to(50).len() >= 2)
        .await;
    let sent = f.sent_to(50);
    assert_eq!(sent[0], sent[1], "the lost call is sent again");
    assert!(sent[1]["text"].as_str().unwrap().contains("MEK"));
    assert!(f.calls("getMe").len() >= 2, "getMe is retried");

    // The menu is the /help list without the terminal-only /quit.
    let menu = &f.calls("setMyCommands")[0]["commands"];
    let names: Vec<&str> = menu
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "help",
            "timeline",
            "event",
            "who",
            "sources",
            "brief",
            "subscribe",
            "unsubscribe",
            "lang",
            "ask",
            "about"
        ]
    );
    for (entry, (cmd, what)) in menu.as_array().unwrap().iter().zip(briefbot::command::HELP) {
        assert!(cmd.starts_with(&format!("/{}", entry["command"].as_str().unwrap())));
        assert_eq!(entry["description"], *what);
    }
    bot.stop().await;
}

#[test]
fn backoff_doubles_up_to_a_minute() {
    use briefbot::telegram::backoff;
    let waits: Vec<u128> = (1..=9).map(|n| backoff(n).as_millis()).collect();
    assert_eq!(
        waits,
        [500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_mode_commands_ignores_mentions() {
    let bot = start_with(&[("BRIEFBOT_GROUP_MODE", "commands")], Arc::default()).await;
    let f = &bot.fake;
    f.push(message(
        1,
        group(-60),
        Some("@briefbot what is the mek"),
        json!({}),
    ));
    f.push(message(2, group(-60), Some("/who@briefbot MEK"), json!({})));
    bot.wait_for("the command's answer", |f| !f.sent_to(-60).is_empty())
        .await;
    // Updates of one chat are handled in order: the mention came first.
    let sent = f.sent_to(-60);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["reply_parameters"]["message_id"], 2);
    bot.stop().await;
}

/// Posts `body` to the webhook listener as Telegram would; the HTTP status.
pub(crate) async fn post_update(
    addr: std::net::SocketAddr,
    path: &str,
    secret: Option<&str>,
    body: &Value,
) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.to_string();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(secret) = secret {
        request += &format!("X-Telegram-Bot-Api-Secret-Token: {secret}\r\n");
    }
    request += "\r\n";
    request += &body;
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    };
    let response = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .unwrap_or_else(|_| panic!("no answer to POST {path} within 10 s"));
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_registers_answers_and_unregisters() {
    let fake = Arc::new(Fake::default());
    let (config, _) = fake_api(
        &[
            (
                "BRIEFBOT_WEBHOOK_URL",
                "https://bot.example.org/telegram/hook",
            ),
            ("BRIEFBOT_WEBHOOK_LISTEN", "127.0.0.1:8443"),
        ],
        fake.clone(),
    )
    .await;
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let token = briefbot::shutdown::CancellationToken::new();
    let server = Server::new(&config, shipped_kb(), token.clone())
        .await
        .unwrap();
    let task = tokio::spawn(server.serve(Listen::Webhook(tcp)));
    let bot = Running {
        fake,
        config,
        token,
        task,
    };
    bot.wait_for("setWebhook", |f| !f.calls("setWebhook").is_empty())
        .await;
    let hook = bot.fake.calls("setWebhook")[0].clone();
    assert_eq!(hook["url"], "https://bot.example.org/telegram/hook");
    let secret = hook["secret_token"].as_str().unwrap().to_string();
    assert!(secret.len() >= 16, "a random secret is generated");

    let update = message(1, private(70), Some("who is xhacka"), json!({}));
    assert_eq!(
        post_update(addr, "/telegram/hook", None, &update).await,
        401
    );
    assert_eq!(
        post_update(addr, "/telegram/hook", Some("wrong"), &update).await,
        401
    );
    assert_eq!(
        post_update(addr, "/telegram/hook", Some(&secret), &update).await,
        200
    );
    bot.wait_for("the webhook answer", |f| !f.sent_to(70).is_empty())
        .await;
    assert!(
        bot.fake.sent_to(70)[0]["text"]
            .as_str()
            .unwrap()
            .contains("Xhaçka")
    );
    assert!(bot.fake.calls("getUpdates").is_empty());
    let fake = bot.fake.clone();
    bot.stop().await;
    assert_eq!(
        fake.calls("deleteWebhook").len(),
        1,
        "unregistered on shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_chat_does_not_crowd_out_the_others() {
    use briefbot::telegram::flood::BURST;
    let bot = start_with(&[("BRIEFBOT_THROTTLE", "off")], Arc::default()).await;
    for i in 0..10_000i64 {
        bot.fake.push(message(
            i + 1,
            private(500),
            Some("who hacked albania"),
            json!({}),
        ));
    }
    // Fifty other chats ask after the flood, in the same batch of updates.
    for chat in 0..50i64 {
        bot.fake.push(message(
            20_000 + chat,
            private(600 + chat),
            Some("what is the mek"),
            json!({}),
        ));
    }
    bot.wait_for("every other chat's answer", |f| {
        (600..650).all(|c| !f.sent_to(c).is_empty())
    })
    .await;
    for chat in 600..650 {
        assert_eq!(bot.fake.sent_to(chat).len(), 1, "chat {chat}");
    }
    let flooded = bot.fake.sent_to(500);
    // The burst is answered, then one notice; the rest is dropped (a few
    // more may be answered as the bucket refills while the flood is read).
    assert!(
        flooded.len() > BURST as usize && flooded.len() <= BURST as usize + 4,
        "{} replies to the flooding chat",
        flooded.len()
    );
    let notice = flooded[BURST as usize]["text"].as_str().unwrap();
    assert!(notice.contains("faster than I can answer"), "{notice}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_throttle_a_429_is_still_waited_out() {
    let bot = start_with(&[("BRIEFBOT_THROTTLE", "off")], Arc::default()).await;
    bot.fake.errors.lock().unwrap().insert(
        "sendmessage".to_string(),
        vec![json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1}})],
    );
    bot.fake.push(message(
        1,
        private(700),
        Some("what is the jcpoa"),
        json!({}),
    ));
    bot.wait_for("the retried answer", |f| f.sent_to(700).len() >= 2)
        .await;
    let sent = bot.fake.sent_to(700);
    assert_eq!(sent[0], sent[1]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn albanian_readers_get_albanian_and_a_chat_keeps_its_language() {
    let bot = start().await;
    let f = &bot.fake;
    // A user whose Telegram is in Albanian, asking in Albanian and then with
    // a name alone; an English reader with an English Telegram.
    let sq_user =
        json!({"from": {"id": 70, "is_bot": false, "first_name": "A", "language_code": "sq"}});
    f.push(message(
        1,
        private(70),
        Some("kush e sulmoi shqipërinë?"),
        sq_user.clone(),
    ));
    f.push(message(2, private(70), Some("JCPOA"), sq_user.clone()));
    f.push(message(3, private(71), Some("JCPOA"), json!({})));
    bot.wait_for("three answers", |f| {
        f.sent_to(70).len() >= 2 && !f.sent_to(71).is_empty()
    })
    .await;
    let sq = f.sent_to(70);
    let first = sq[0]["text"].as_str().unwrap();
    assert!(
        first.contains("Shqipëri") && first.contains("Burim"),
        "{first}"
    );
    let name_alone = sq[1]["text"].as_str().unwrap();
    assert!(
        name_alone.contains("Burim"),
        "a name alone follows the user's language: {name_alone}"
    );
    let en = f.sent_to(71)[0]["text"].as_str().unwrap().to_string();
    assert!(en.contains("Source"), "{en}");

    // /lang sq in a private chat: from then on a name alone gets Albanian.
    f.push(message(4, private(71), Some("/lang sq"), json!({})));
    f.push(message(5, private(71), Some("MEK"), json!({})));
    bot.wait_for("two more answers", |f| f.sent_to(71).len() >= 3)
        .await;
    let after = f.sent_to(71);
    assert!(
        after[1]["text"].as_str().unwrap().contains("shqip"),
        "{}",
        after[1]["text"]
    );
    assert!(
        after[2]["text"].as_str().unwrap().contains("Burim"),
        "{}",
        after[2]["text"]
    );

    // The Albanian command menu is published for Albanian users.
    let menus = f.calls("setMyCommands");
    let sq_menu = menus
        .iter()
        .find(|m| m["language_code"] == "sq")
        .expect("a menu for language_code sq");
    let help = sq_menu["commands"][0]["description"].as_str().unwrap();
    assert!(help.contains("pyesni"), "{help}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_that_says_they_is_asked_about_the_chats_subject() {
    let bot = start().await;
    let f = &bot.fake;
    f.push(message(1, private(80), Some("who are the mek?"), json!({})));
    bot.wait_for("the first answer", |f| !f.sent_to(80).is_empty())
        .await;
    // Alone, "their" names nothing; in this chat it is the MEK. Another
    // chat asking the same gets no such answer.
    f.push(message(
        2,
        private(80),
        Some("what was their ideology at the start"),
        json!({}),
    ));
    f.push(message(
        3,
        private(81),
        Some("what was their ideology at the start"),
        json!({}),
    ));
    bot.wait_for("two more answers", |f| {
        f.sent_to(80).len() >= 2 && !f.sent_to(81).is_empty()
    })
    .await;
    let follow_up = f.sent_to(80)[1]["text"].as_str().unwrap().to_string();
    assert!(follow_up.contains("ideology"), "{follow_up}");
    let alone = f.sent_to(81)[0]["text"].as_str().unwrap().to_string();
    assert!(!alone.contains("ideology"), "{alone}");
    bot.stop().await;
}
