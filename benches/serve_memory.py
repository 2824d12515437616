#!/usr/bin/env python3
"""Resident memory of `briefbot serve`, at rest and after 10,000 questions.

Starts a minimal fake Bot API on 127.0.0.1 (standard library only), runs the
release binary against it with throttling off, reads VmRSS / VmHWM from
/proc after start-up, then feeds 10,000 questions from 1,000 chats and reads
them again. Usage (after `cargo build --release`):

    python3 benches/serve_memory.py [target/release/briefbot]
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUESTIONS = [
    "who hacked albania",
    "what is the mek",
    "when did albania cut ties with iran",
    "what happened on 10 september",
    "what is the population of albania",
    "jcpoa",
    "who is xhacka",
    "/timeline",
]
TOTAL = int(os.environ.get("QUESTIONS", "10000"))
CHATS = 1_000

lock = threading.Lock()
pending = []
sent = 0


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real Bot API

    def log_message(self, *args):
        pass

    def do_POST(self):
        global sent
        method = self.path.rsplit("/", 1)[-1].lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        if method == "getme":
            result = {"id": 1, "is_bot": True, "first_name": "B", "username": "briefbot",
                      "can_join_groups": True, "can_read_all_group_messages": False,
                      "supports_inline_queries": True, "has_main_web_app": False}
        elif method == "getwebhookinfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif method == "getupdates":
            offset = body.get("offset", 0)
            result = []
            for _ in range(100):
                with lock:
                    pending[:] = [u for u in pending if u["update_id"] >= offset]
                    result = pending[:100]
                if result:
                    break
                time.sleep(0.01)
        elif method == "sendmessage":
            with lock:
                sent += 1
            result = {"message_id": 1, "date": 0, "text": "x",
                      "chat": {"id": body.get("chat_id"), "type": "private", "first_name": "U"}}
        else:
            result = True
        data = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def rss(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields["VmRSS"], fields["VmHWM"]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/briefbot"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    server.handle_error = lambda *args: None  # a client that hung up
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state = tempfile.mkdtemp()
    env = dict(os.environ, TELOXIDE_TOKEN="1:MEMORY",
               TELOXIDE_API_URL=f"http://127.0.0.1:{server.server_port}",
               BRIEFBOT_THROTTLE="off", BRIEFBOT_STATE=os.path.join(state, "s.db"),
               RUST_LOG="error")
    bot = subprocess.Popen([binary, "serve"], env=env)
    try:
        time.sleep(3)
        print(f"at rest:               VmRSS {rss(bot.pid)[0]:>10}  (peak {rss(bot.pid)[1]})")
        # Ten messages per chat: within the flood guard's burst.
        with lock:
            for i in range(TOTAL):
                chat = 10_000 + i % CHATS
                pending.append({"update_id": i + 1, "message": {
                    "message_id": i + 1, "date": 0,
                    "chat": {"id": chat, "type": "private", "first_name": "U"},
                    "from": {"id": chat, "is_bot": False, "first_name": "U"},
                    "text": QUESTIONS[i % len(QUESTIONS)]}})
        started = time.time()
        while sent < TOTAL and time.time() - started < 300:
            time.sleep(0.1)
        elapsed = time.time() - started
        print(f"after {sent} answers:  VmRSS {rss(bot.pid)[0]:>10}  (peak {rss(bot.pid)[1]})"
              f"  in {elapsed:.1f} s")
    finally:
        bot.terminate()
        bot.wait()
        server.shutdown()


if __name__ == "__main__":
    main()
