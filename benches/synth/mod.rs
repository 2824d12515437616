//! A seeded generator of synthetic knowledge bases, for the benches only.
//!
//! It writes real `intents/` and `data/` TOML files in the shipped format
//! (`docs/knowledge.md`) into a directory, so that `kb::load` parses and
//! validates them exactly as it does the shipped knowledge. The knowledge is
//! shaped like the shipped one, not empty shells:
//!
//! - one *story* per five intents, named by two invented words ("velmor
//!   trasken") and a common noun shared by many stories ("attack", "strike");
//! - five intents per story, one per aspect (who, when, why, how, impact),
//!   each with two or three regex patterns, three keyword groups (the aspect
//!   words and the story words required), four to six examples and an answer
//!   template that pulls an actor's name and an event's date from `data/`;
//! - a lexicon entry per story (an alias word and a two-word variant for the
//!   story's first word) plus a shared block of synonyms for the nouns;
//! - events, actors, topics and sources in about the shipped proportions
//!   (per intent: 0.5 events, 0.5 actors, 0.2 topics, 0.5 sources).
//!
//! The same seed always writes the same files. `questions` returns questions
//! for the bench: examples, paraphrases with a typo and a lexicon variant,
//! entity lookups, dates, and questions nothing answers.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// SplitMix64: small, seeded, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ONSETS: &[&str] = &[
    "b", "br", "d", "dr", "f", "g", "gr", "k", "kl", "l", "m", "n", "p", "pr", "r", "s", "st", "t",
    "tr", "v", "z", "zh", "sh", "h",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];
const CODAS: &[&str] = &["n", "r", "l", "m", "k", "t", "sk", "nd", "rt", "v", "z"];

/// Invented words, all distinct, five letters or more, none a prefix trap
/// for the stemmer (they end in a consonant, never in `s`, `e`, `y`).
fn invent_words(
    rng: &mut Rng,
    count: usize,
    taken: &mut std::collections::HashSet<String>,
) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let syllables = 2 + rng.below(2);
        let mut w = String::new();
        for _ in 0..syllables {
            w.push_str(rng.pick::<&str>(ONSETS));
            w.push_str(rng.pick::<&str>(VOWELS));
        }
        w.push_str(rng.pick::<&str>(CODAS));
        if w.len() >= 5 && taken.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

/// The shared nouns a story is about, with their lexicon variants.
const NOUNS: &[(&str, &[&str])] = &[
    ("attack", &["hack", "breach", "cyberattack"]),
    ("strike", &["walkout", "stoppage"]),
    ("outage", &["blackout", "downtime"]),
    ("election", &["vote", "ballot"]),
    ("treaty", &["accord", "pact"]),
    ("protest", &["demonstration", "rally"]),
    ("merger", &["takeover", "acquisition"]),
    ("lawsuit", &["litigation", "court case"]),
    ("leak", &["disclosure", "data dump"]),
    ("embargo", &["blockade"]),
    ("scandal", &["affair"]),
    ("flood", &["inundation"]),
];

/// One aspect of a story: its intent id suffix, the words that ask for it,
/// patterns, example frames and an answer frame. `{a}` `{b}` are the story's
/// words, `{n}` its noun, `{x}` the story's lexicon alias.
struct Aspect {
    id: &'static str,
    title: &'static str,
    button: &'static str,
    ask: &'static [&'static str],
    patterns: &'static [&'static str],
    examples: &'static [&'static str],
    answer: &'static str,
}

const ASPECTS: &[Aspect] = &[
    Aspect {
        id: "who",
        title: "Who was behind the {A} {B} {n}",
        button: "Who was behind it?",
        ask: &["who", "behind", "responsible", "blame", "culprit"],
        patterns: &[
            r"^who\b.{0,40}\b{a}\b",
            r"\b(behind|responsible for|culprit\w*) (the )?{a} {b}\b",
            r"\bwho (did|was behind|carried out) (the )?{a}",
        ],
        examples: &[
            "who was behind the {a} {b} {n}",
            "Who is responsible for the {a} {n}?",
            "who carried out the {b} {a} {n}",
            "who is to blame for the {x} {b} {n}",
            "{a} {b}: who did it?",
            "who were the culprits of the {a} {n}",
        ],
        answer: "{{ actor(\"{actor}\").name }} was behind the {A} {B} {n}, according to {{ source(\"{source}\").publisher }}. The group had prepared it for months and denied any part in it.",
    },
    Aspect {
        id: "when",
        title: "When the {A} {B} {n} happened",
        button: "When did it happen?",
        ask: &["when", "date", "day", "month"],
        patterns: &[r"\bwhen\b.{0,30}\b{a}\b", r"\b(date|day) of (the )?{a}\b"],
        examples: &[
            "when did the {a} {b} {n} happen",
            "what date was the {a} {n}",
            "When was the {b} {a} {n}?",
            "day of the {a} {b} {n}",
            "{x} {b} {n} when",
        ],
        answer: "The {A} {B} {n} began on {{ event(\"{event}\").date | date }}. It lasted several days before it was contained.",
    },
    Aspect {
        id: "why",
        title: "Why the {A} {B} {n} happened",
        button: "Why did it happen?",
        ask: &["why", "reason", "motive", "cause"],
        patterns: &[
            r"\bwhy\b.{0,40}\b{a}\b",
            r"\b(reason|motive)s? (for|behind) (the )?{a}\b",
        ],
        examples: &[
            "why did the {a} {b} {n} happen",
            "what was the reason for the {a} {n}",
            "Why the {b} {a} {n}?",
            "motive behind the {x} {b} {n}",
        ],
        answer: "The {A} {B} {n} answered a dispute that had been building since {{ event(\"{event}\").date | date }}. Officials called it retaliation.",
    },
    Aspect {
        id: "how",
        title: "How the {A} {B} {n} was done",
        button: "How was it done?",
        ask: &["how", "method", "technique", "done"],
        patterns: &[
            r"\bhow\b.{0,30}\b{a}\b",
            r"\b(method|technique)s? (of|used in) (the )?{a}\b",
        ],
        examples: &[
            "how was the {a} {b} {n} done",
            "How did the {a} {n} work?",
            "what methods were used in the {b} {a} {n}",
            "technique of the {x} {b} {n}",
            "how did they pull off the {a} {b} {n}",
        ],
        answer: "The {A} {B} {n} used a flaw found months earlier; {{ actor(\"{actor}\").name }} described the method in a report.",
    },
    Aspect {
        id: "impact",
        title: "What the {A} {B} {n} did",
        button: "What was the impact?",
        ask: &["impact", "damage", "consequence", "affected", "effect"],
        patterns: &[
            r"\b(impact|damage|consequences?|effects?) of (the )?{a}\b",
            r"\bwho was affected by (the )?{a}\b",
        ],
        examples: &[
            "what was the impact of the {a} {b} {n}",
            "how much damage did the {a} {n} do",
            "consequences of the {b} {a} {n}",
            "who was affected by the {x} {b} {n}",
        ],
        answer: "The {A} {B} {n} shut down services for a week. The damage was put at millions, says {{ source(\"{source}\").publisher }}.",
    },
];

/// What was generated, for building questions.
pub struct Synth {
    pub intents: usize,
    stories: Vec<Story>,
    actors: Vec<(String, String)>,
    topics: Vec<String>,
    dates: Vec<String>,
    unknown: Vec<String>,
}

struct Story {
    a: String,
    b: String,
    x: String,
    noun: usize,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn fill(frame: &str, s: &Story, extra: &[(&str, &str)]) -> String {
    let mut out = frame
        .replace("{a}", &s.a)
        .replace("{b}", &s.b)
        .replace("{x}", &s.x)
        .replace("{A}", &cap(&s.a))
        .replace("{B}", &cap(&s.b))
        .replace("{n}", NOUNS[s.noun].0);
    for (k, v) in extra {
        out = out.replace(k, v);
    }
    out
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Writes a knowledge base of `intents` intents (a multiple of five) into
/// `dir/intents` and `dir/data`.
pub fn generate(dir: &Path, intents: usize, seed: u64) -> Synth {
    let mut rng = Rng::new(seed);
    let stories_n = intents.div_ceil(ASPECTS.len());
    let events_n = (intents / 2).max(4);
    let actors_n = (intents / 2).max(4);
    let topics_n = (intents / 5).max(2);
    let sources_n = (intents / 2).max(4);

    let mut taken = std::collections::HashSet::new();
    let story_words = invent_words(&mut rng, stories_n * 3, &mut taken);
    let names = invent_words(&mut rng, actors_n * 2 + topics_n, &mut taken);
    let unknown = invent_words(&mut rng, 200, &mut taken);

    let intents_dir = dir.join("intents");
    let data = dir.join("data");
    for d in ["events", "actors", "topics"] {
        fs::create_dir_all(data.join(d)).unwrap();
    }
    fs::create_dir_all(&intents_dir).unwrap();

    // Sources.
    let mut sources = String::from("# Generated.\n");
    for i in 0..sources_n {
        let _ = write!(
            sources,
            "\n[[source]]\nid = \"s-{i}\"\ntitle = \"Report number {i} on the events\"\npublisher = \"Gazette {}\"\ndate = \"{}\"\nurl = \"https://example.org/report/{i}\"\n",
            i % 97,
            2018 + i % 7
        );
    }
    fs::write(data.join("sources.toml"), sources).unwrap();

    // Actors: a first and a last name, the last name as an alias.
    let kinds = ["person", "organisation", "country", "company"];
    let mut actors = Vec::with_capacity(actors_n);
    for i in 0..actors_n {
        let first = cap(&names[2 * i]);
        let last = cap(&names[2 * i + 1]);
        let name = format!("{first} {last}");
        let text = format!(
            "id = \"a-{i}\"\nname = {}\naliases = {}\nkind = \"{}\"\nrole = \"Spokesperson of the {} office\"\nsummary = {}\nsources = [\"s-{}\"]\n",
            toml_str(&name),
            toml_list(&[last.clone(), format!("{} {last}", &first[..1])]),
            kinds[i % kinds.len()],
            first,
            toml_str(&format!(
                "{name} speaks for the {first} office. {last} has commented on several incidents since 2019."
            )),
            i % sources_n
        );
        fs::write(data.join(format!("actors/a-{i}.toml")), text).unwrap();
        actors.push((format!("a-{i}"), name));
    }

    // Topics.
    let mut topics = Vec::with_capacity(topics_n);
    for i in 0..topics_n {
        let word = cap(&names[2 * actors_n + i]);
        let name = format!("{word} programme");
        let text = format!(
            "id = \"t-{i}\"\nname = {}\naliases = {}\nsummary = {}\nsources = [\"s-{}\", \"s-{}\"]\n",
            toml_str(&name),
            toml_list(&[word.clone(), format!("{word} plan")]),
            toml_str(&format!(
                "The {name} is a background programme. It explains the setting of several incidents."
            )),
            i % sources_n,
            (i + 1) % sources_n
        );
        fs::write(data.join(format!("topics/t-{i}.toml")), text).unwrap();
        topics.push(name);
    }

    // Events: dates spread over seven years, some with only a month.
    let mut dates = Vec::with_capacity(events_n);
    for i in 0..events_n {
        let year = 2018 + rng.below(7);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let date = if i % 5 == 4 {
            format!("{year}-{month:02}")
        } else {
            format!("{year}-{month:02}-{day:02}")
        };
        let s = &story_words[3 * (i % stories_n)];
        let text = format!(
            "id = \"e-{i}\"\ndate = \"{date}\"\ntitle = {}\nsummary = {}\nactors = [\"a-{}\", \"a-{}\"]\ntags = [\"{}\", \"incident\"]\nsources = [\"s-{}\"]\nkey = {}\n",
            toml_str(&format!("Incident {i} in the {} affair", cap(s))),
            toml_str("Officials confirmed the incident the same day. Reports differ on its scale."),
            i % actors_n,
            (i + 7) % actors_n,
            NOUNS[i % NOUNS.len()].0,
            i % sources_n,
            i % 10 == 0
        );
        fs::write(data.join(format!("events/e-{i}.toml")), text).unwrap();
        dates.push(date);
    }

    // The lexicon: shared noun synonyms, then one entry per story.
    let mut lexicon = String::from("[lexicon]\n");
    for (noun, variants) in NOUNS {
        let v: Vec<String> = variants.iter().map(|s| s.to_string()).collect();
        let _ = writeln!(lexicon, "{noun} = {}", toml_list(&v));
    }
    let mut stories = Vec::with_capacity(stories_n);
    for s in 0..stories_n {
        let story = Story {
            a: story_words[3 * s].clone(),
            b: story_words[3 * s + 1].clone(),
            x: story_words[3 * s + 2].clone(),
            noun: rng.below(NOUNS.len()),
        };
        let _ = writeln!(
            lexicon,
            "{} = {}",
            story.a,
            toml_list(&[story.x.clone(), format!("{} affair", story.x)])
        );
        stories.push(story);
    }
    fs::write(intents_dir.join("lexicon.toml"), lexicon).unwrap();

    fs::write(
        intents_dir.join("bot.toml"),
        "[bot]\nname = \"synthbot\"\nabout = \"Synthetic knowledge for benchmarks.\"\ndecline = \"I don't have that in my notes.\"\nsuggestions = [\"s0.who\", \"s0.when\", \"timeline\"]\n\n[[intent]]\nid = \"timeline\"\nbuiltin = \"timeline\"\npatterns = ['\\btimeline\\b', '\\bchronology\\b']\nexamples = [\"timeline\", \"show me the timeline\", \"chronology of events\"]\n",
    )
    .unwrap();

    // Intents: a hundred per file, one story's aspects together.
    let mut file = String::new();
    let mut written = 0;
    let mut file_no = 0;
    for (s, story) in stories.iter().enumerate() {
        for (k, aspect) in ASPECTS.iter().enumerate() {
            if written == intents {
                break;
            }
            let id = format!("s{s}.{}", aspect.id);
            let actor = format!("a-{}", rng.below(actors_n));
            let event = format!("e-{}", rng.below(events_n));
            let source = format!("s-{}", rng.below(sources_n));
            let extra = [
                ("{actor}", actor.as_str()),
                ("{event}", event.as_str()),
                ("{source}", source.as_str()),
            ];
            let patterns: Vec<String> = aspect
                .patterns
                .iter()
                .map(|p| fill(p, story, &[]))
                .collect();
            let n_examples = 4 + (s + k) % 3;
            let examples: Vec<String> = aspect
                .examples
                .iter()
                .cycle()
                .skip(s % aspect.examples.len())
                .take(n_examples.min(aspect.examples.len()))
                .map(|e| fill(e, story, &[]))
                .collect();
            let ask: Vec<String> = aspect.ask.iter().map(|w| w.to_string()).collect();
            let noun = NOUNS[story.noun].0;
            let related: Vec<String> = ASPECTS
                .iter()
                .filter(|o| o.id != aspect.id)
                .take(2)
                .map(|o| format!("s{s}.{}", o.id))
                .filter(|r| {
                    // Only intents that exist (the last story may be cut short).
                    let pos = ASPECTS.iter().position(|o| r.ends_with(o.id)).unwrap();
                    s * ASPECTS.len() + pos < intents
                })
                .collect();
            let _ = write!(
                file,
                "[[intent]]\nid = \"{id}\"\ntitle = {}\nbutton = {}\npatterns = [{}]\nkeywords = [\n  {{ any = {}, weight = 2, required = true }},\n  {{ any = {}, weight = 2, required = true }},\n  {{ any = [\"{noun}\", \"incident\"], weight = 1 }},\n]\nexamples = {}\nanswer = \"\"\"\n{}\n\"\"\"\nrelated = {}\nsources = [\"{source}\"]\n\n",
                toml_str(&fill(aspect.title, story, &[])),
                toml_str(aspect.button),
                patterns
                    .iter()
                    .map(|p| format!("'{p}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                toml_list(&ask),
                toml_list(&[story.a.clone(), story.b.clone()]),
                toml_list(&examples),
                fill(aspect.answer, story, &extra),
                toml_list(&related),
            );
            written += 1;
            if written % 100 == 0 || written == intents {
                fs::write(intents_dir.join(format!("g{file_no:04}.toml")), &file).unwrap();
                file.clear();
                file_no += 1;
            }
        }
    }
    Synth {
        intents,
        stories,
        actors,
        topics,
        dates,
        unknown,
    }
}

impl Synth {
    /// `count` questions, seeded: 40% an intent's own example, 30% a
    /// paraphrase (a typo, the lexicon alias, another word order), 10% an
    /// actor or a topic, 5% a date, 15% something nothing answers.
    pub fn questions(&self, count: usize, seed: u64) -> Vec<String> {
        let mut rng = Rng::new(seed);
        let mut out = Vec::with_capacity(count);
        let stories = self.intents.div_ceil(ASPECTS.len());
        while out.len() < count {
            let roll = rng.below(100);
            let story = &self.stories[rng.below(stories)];
            let aspect = rng.pick(ASPECTS);
            let q = if roll < 40 {
                fill(rng.pick::<&str>(aspect.examples), story, &[])
            } else if roll < 70 {
                // A typo in the first story word, or the alias, and a tail.
                let mut a = story.a.clone();
                if rng.below(2) == 0 {
                    let i = 1 + rng.below(a.len() - 2);
                    a.remove(i);
                } else {
                    a = story.x.clone();
                }
                format!(
                    "{} the {} {} {} exactly?",
                    aspect.ask[rng.below(aspect.ask.len())],
                    a,
                    story.b,
                    NOUNS[story.noun].1[0]
                )
            } else if roll < 80 {
                if rng.below(2) == 0 {
                    format!("who is {}?", rng.pick(&self.actors).1)
                } else {
                    format!("what is the {}", rng.pick(&self.topics))
                }
            } else if roll < 85 {
                format!("what happened on {}", rng.pick(&self.dates))
            } else {
                format!(
                    "what is the population of {} and the {}",
                    rng.pick(&self.unknown),
                    rng.pick(&self.unknown)
                )
            };
            out.push(q);
        }
        out
    }
}

/// Per-question latency over a question set: each question is answered
/// `reps` times in a row and its time is the mean of those; returns the
/// per-question times in nanoseconds, sorted, and prints the slowest three
/// questions when `SYNTH_SLOWEST` is set.
pub fn latencies(mut answer: impl FnMut(&str), questions: &[String], reps: u32) -> Vec<f64> {
    // Warm up: caches, lazy automata, the allocator.
    for q in questions {
        answer(q);
    }
    let mut times: Vec<(f64, &String)> = questions
        .iter()
        .map(|q| {
            let start = std::time::Instant::now();
            for _ in 0..reps {
                answer(std::hint::black_box(q));
            }
            (start.elapsed().as_nanos() as f64 / f64::from(reps), q)
        })
        .collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    if std::env::var_os("SYNTH_SLOWEST").is_some() {
        for (t, q) in times.iter().rev().take(3) {
            println!("  slow: {:.1} µs {q:?}", t / 1000.0);
        }
    }
    times.into_iter().map(|(t, _)| t).collect()
}

/// The `p`-th percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Prints median, p99 and max of per-question latencies in microseconds.
pub fn report(label: &str, sorted: &[f64]) {
    println!(
        "{label}: {} questions, median {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        sorted.len(),
        percentile(sorted, 50.0) / 1000.0,
        percentile(sorted, 99.0) / 1000.0,
        sorted.last().copied().unwrap_or(0.0) / 1000.0
    );
}
