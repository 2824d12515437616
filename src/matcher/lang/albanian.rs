//! The Albanian the matcher reads: a light stemmer, and the words that
//! frame, open and close Albanian questions. Every word here is folded as
//! questions are (lower case, "ë" → "e", "ç" → "c"), since readers type
//! with and without diacritics.
//!
//! Snowball has no Albanian stemmer and no maintained crate offers one, so
//! `stem` is a small suffix stripper written for this matcher (see its
//! comment and tests): it joins the definite, indefinite and case forms of
//! nouns ("sulm", "sulmi", "sulmit", "sulmet") and the common verb endings
//! ("sulmoi", "sulmuan"), and leaves short words alone.

/// The Albanian the matcher reads.
pub struct Albanian;

/// Endings removed by `stem`, longest first: noun cases and articles
/// (-it, -in, -ut, -eve, -ën), plurals (-et, -e), participles (-uar,
/// -ur), verb endings (-oi, -uan, -ojnë, the imperfect's -onte, -onin:
/// "kufizonte" meets "kufizuar"); agent nouns keep their -ues
/// (`AGENT_ENDINGS`). Left out because they end too many stems: -on and -oj ("sanksion"), -at ("diplomat"), -të, -së, -në
/// and -ve after a consonant ("shtete"), and single consonants ("iran").
const SUFFIXES: &[&str] = &[
    "uarit", "imeve", "ojne", "ojme", "onte", "onin", "uara", "uari", "imet", "imit", "imin",
    "uar", "imi", "ise", "ine", "ive", "eve", "ave", "iet", "ies", "ien", "uan", "uam", "ova",
    "in", "it", "ut", "un", "ja", "ia", "ie", "et", "en", "es", "oi", "ur", "i", "u", "a", "e",
];

/// The endings an agent noun in -ues ("sulmues", the attacker) takes: it
/// keeps its -ues, so that it never meets the noun it comes from ("sulm",
/// the attack).
const AGENT_ENDINGS: &[&str] = &["", "i", "it", "in", "e", "et", "ve", "ja"];

/// The shortest stem `stem` leaves: "sa", "ku", "kur" stay whole.
const MIN_STEM: usize = 3;

/// `word` without the first of `endings` whose removal leaves at least
/// `MIN_STEM` letters (the lists are longest first), or whole.
fn strip_ending(word: &str, endings: &[&str]) -> String {
    endings
        .iter()
        .find_map(|ending| {
            word.strip_suffix(ending)
                .filter(|base| base.chars().count() >= MIN_STEM)
        })
        .unwrap_or(word)
        .to_string()
}

impl Albanian {
    /// A folded word without its ending: the longest ending of `SUFFIXES`
    /// whose removal leaves at least `MIN_STEM` letters. Words with digits
    /// are left alone.
    pub fn stem(word: &str) -> String {
        if word.chars().any(|c| c.is_ascii_digit()) {
            return word.to_string();
        }
        if let Some(at) = word.rfind("ues")
            && at >= MIN_STEM
            && AGENT_ENDINGS.contains(&&word[at + 3..])
        {
            return word[..at + 3].to_string();
        }
        strip_ending(word, SUFFIXES)
    }

    /// A folded word without its article or case ending only ("grupimet":
    /// "grupim", "grupi": "grup"), where `stem` also strips derivations
    /// and verb endings.
    pub fn inflection_base(word: &str) -> String {
        const ENDINGS: &[&str] = &[
            "eve", "ave", "it", "in", "ut", "un", "et", "en", "es", "ja", "ia", "ve", "i", "u",
            "a", "e", "s",
        ];
        strip_ending(word, ENDINGS)
    }

    /// Greetings, politeness and fillers that may open a question, longest
    /// first where one begins another.
    pub const DISCOURSE: &[&[&str]] = &[
        &["shume", "faleminderit"],
        &["faleminderit", "paraprakisht"],
        &["flm", "paraprakisht"],
        &["faleminderit", "shume"],
        &["falemnderit", "shume"],
        &["flm", "shume"],
        &["rrofsh", "shume"],
        &["pershendetje", "bot"],
        &["tungjatjeta", "bot"],
        &["hej", "bot"],
        &["si", "je", "sot"],
        &["si", "jeni"],
        &["si", "ia", "kalon"],
        &["kaq", "ishte", "e", "gjitha"],
        &["kaq", "ishte"],
        &["vetem", "kaq"],
        // "Po dua të di …", "doja të dija …": I want to know.
        &["po", "dua", "te", "di"],
        &["po", "dua", "me", "di"],
        &["dua", "te", "di"],
        &["dua", "me", "di"],
        &["doja", "te", "dija"],
        &["kam", "nje", "pyetje"],
        &["nje", "pyetje", "tjeter"],
        &["nje", "pyetje"],
        &["me", "fal", "por"],
        &["me", "falni", "por"],
        &["me", "fal"],
        &["me", "falni"],
        &["ju", "lutem"],
        &["te", "lutem"],
        &["mire", "dita"],
        &["mire", "mengjes"],
        &["mire", "mbrema"],
        &["pershendetje"],
        &["pershendes"],
        &["tungjatjeta"],
        &["tung"],
        &["ckemi"],
        &["cka", "ka"],
        &["si", "je"],
        &["miredita"],
        &["miremengjes"],
        &["mirembrema"],
        // As typed without the "ë".
        &["mirdita"],
        &["mirmengjes"],
        &["mirmbrema"],
        // Praise ("rrofsh, shume e dobishme").
        &["shume", "e", "dobishme"],
        &["e", "dobishme"],
        &["ishe", "shume", "i", "dobishem"],
        &["ishe", "i", "dobishem"],
        &["je", "shume", "i", "dobishem"],
        &["je", "i", "dobishem"],
        &["i", "dobishem"],
        &["super"],
        // Good wishes that close a message ("shumë të mira").
        &["shume", "te", "mira"],
        &["shume", "te", "mire"],
        &["te", "mira"],
        &["gjithe", "te", "mirat"],
        &["haha"],
        // Forms of address ("flm vlla", "çkemi o shok"), with or without
        // the vocative "o".
        &["o", "shok"],
        &["o", "shoku"],
        &["o", "vlla"],
        &["o", "vella"],
        &["o", "plako"],
        &["o", "bot"],
        &["shoku"],
        &["vlla"],
        &["vella"],
        &["shok"],
        &["plako"],
        &["bro"],
        &["lol"],
        // Thanks "for the info", after "flm".
        &["per", "infon"],
        &["per", "info"],
        &["per", "informacionin"],
        &["per", "ndihmen"],
        &["hej"],
        &["ej"],
        &["ore"],
        &["hey"],
        &["hi"],
        &["hello"],
        &["alo"],
        &["ok"],
        &["okej"],
        &["mire"],
        &["faleminderit"],
        &["falemnderit"],
        &["flm"],
        &["rrofsh"],
        &["pra"],
        &["dhe"],
        &["edhe"],
        &["por"],
    ];

    /// Phrases that ask what an acronym stands for.
    pub const EXPANSION: &[&[&str]] = &[
        &["do", "te", "thote"],
        &["emri", "i", "plote"],
        &["emrin", "e", "plote"],
        &["si", "zberthehet"],
        &["zberthehet"],
        &["shkurtimi"],
        &["shkurtim"],
        &["qendron", "per"],
    ];

    /// Chat and colloquial (Gheg) spellings, folded, and the standard
    /// words they stand for.
    pub const CHAT_SPELLINGS: &[(&str, &str)] = &[
        ("flm", "faleminderit"),
        ("fmn", "faleminderit"),
        ("rrofsh", "faleminderit"),
        ("osht", "eshte"),
        ("mrena", "brenda"),
        ("mrenda", "brenda"),
        ("mbrenda", "brenda"),
        ("brena", "brenda"),
        ("asht", "eshte"),
        ("oshte", "eshte"),
        ("jan", "jane"),
        ("jon", "jane"),
        ("cka", "cfare"),
        ("qka", "cfare"),
        ("qfare", "cfare"),
        ("gjindet", "gjendet"),
        ("gjinden", "gjenden"),
        ("kan", "kane"),
        ("nji", "nje"),
        ("shum", "shume"),
        ("tash", "tani"),
        // Gheg: "kush e bani", "kush e ka ba", "qysh hynë", "a po don".
        ("bani", "beri"),
        ("bane", "bere"),
        ("ba", "bere"),
        ("bo", "bere"),
        ("bone", "bere"),
        ("qysh", "si"),
        ("don", "do"),
        ("kon", "qene"),
        ("shqipni", "shqiperi"),
        ("shqipnia", "shqiperia"),
        ("shqipnin", "shqiperine"),
        ("shqipnine", "shqiperine"),
        ("shqipnis", "shqiperise"),
        ("shqipnise", "shqiperise"),
        ("du", "dua"),
        ("dit", "di"),
        ("din", "di"),
        ("kallxo", "trego"),
        ("kallxom", "tregom"),
        ("kallzo", "trego"),
        ("kallzom", "tregom"),
        // Gheg "bon" (bën), "mundesh" (mundesh të), and short participles
        // after "ka" that ask about a person ("ku ka lind", "ku ka studiu").
        ("bon", "ben"),
        ("bonte", "bente"),
        ("bojne", "bejne"),
        ("bojn", "bejne"),
        ("mundesh", "mund"),
        ("lind", "lindur"),
        ("studiu", "studiuar"),
        ("martu", "martuar"),
        ("diplomu", "diplomuar"),
    ];

    /// Spellings read so only as a message's first word: elsewhere "ca"
    /// is "a few" ("ca veta").
    pub const FIRST_WORD_SPELLINGS: &[(&str, &str)] =
        &[("ca", "cfare"), ("qa", "cfare"), ("c", "cfare")];

    /// Verbs after which "ca" (ça) is "what", not "a few".
    const CA_VERBS: &[&str] = &[
        "eshte",
        "ishte",
        "jane",
        "ishin",
        "ka",
        "kane",
        "kishte",
        "bente",
        "beri",
        "bene",
        "bejne",
        "ben",
        "bon",
        "boni",
        "bere",
        "ndodhi",
        "ndodh",
        "ndodhte",
        "do",
        "quhet",
        "thote",
        "tha",
        "thane",
        "kerkon",
        "kerkonte",
        "kerkoi",
        "perfaqeson",
        "nenkupton",
        "mendon",
        "mendonte",
        "mbron",
        "donte",
        "deshte",
        "pati",
        "kishin",
        "osht",
        "asht",
        "ban",
        "bani",
        "bo",
    ];

    /// Words that open the second question of two in one.
    pub const SPLIT_WORDS: &[&str] = &[
        "kush", "cfare", "cka", "kur", "ku", "pse", "perse", "si", "sa", "cili", "cila", "ciles",
        "cilet", "cilat", "a", "eshte", "ishte",
    ];

    /// An apology for the question that ends in "por" ("më fal nëse është
    /// pyetje e thjeshtë, por"): the words it may hold …
    pub const APOLOGY_WORDS: &[&str] = &[
        "me",
        "fal",
        "falni",
        "nese",
        "ne",
        "rast",
        "se",
        "kjo",
        "eshte",
        "pyetje",
        "pyetja",
        "e",
        "shume",
        "pak",
        "mund",
        "te",
        "jete",
        "ndoshta",
        "budallaqe",
        "thjeshte",
        "kote",
        "naive",
        "lol",
    ];
    /// … the words that make it one (one at least) …
    pub const APOLOGY_MARKERS: &[&str] =
        &["fal", "falni", "budallaqe", "thjeshte", "kote", "naive"];
    /// … and the word that closes it.
    pub const APOLOGY_END: &str = "por";

    /// Politeness that may close a question.
    pub const TRAILING: &[&str] = &[
        "faleminderit",
        "flm",
        "rrofsh",
        "lutem",
        "pls",
        "vlla",
        "vella",
        "shok",
        "plako",
    ];

    /// Pronouns that refer back to the chat's subject, folded.
    pub const ANAPHORS: &[&str] = &[
        "ata", "ato", "atyre", "tyre", "ai", "ajo", "atij", "asaj", "tij", "saj", "ky", "kjo",
        "keta", "keto", "ketij", "kesaj", "ketyre",
    ];

    /// Phrases that may close a question: the story itself.
    pub const TRAILING_PHRASES: &[&[&str]] = &[
        &["ne", "gjithe", "kete"],
        &["ne", "gjith", "kete"],
        &["ne", "kete", "histori"],
        &["ne", "gjithe", "kete", "histori"],
        &["ne", "kete", "pune"],
        &["ne", "kete", "ceshtje"],
        &["te", "lutem"],
        &["ju", "lutem"],
        // Requests about the reply's length ("kush e beri? shkurt te lutem").
        &["shkurt"],
        &["shkurtimisht"],
        &["me", "pak", "fjale"],
        &["me", "dy", "fjale"],
        &["pergjigje", "e", "shkurter"],
    ];

    /// Words that open a yes/no question: the particle "a", and verbs.
    pub const AUXILIARIES: &[&str] = &[
        "a", "eshte", "ishte", "jane", "ishin", "ka", "kane", "kishte", "kishin", "do", "mund",
        "u", "nuk",
    ];

    /// Nouns that make "çfarë" or "cili" ask for a time.
    pub const TIME_NOUNS: &[&str] = &[
        "data", "daten", "dite", "dita", "diten", "vit", "viti", "vitin", "muaj", "muaji",
        "muajin", "ore", "ora", "oren", "kohe", "koha",
    ];

    /// Offices a "kush" question may ask the holder of.
    pub const OFFICES: &[&str] = &[
        "presidenti",
        "presidente",
        "president",
        "kreu",
        "shefi",
        "drejtori",
        "drejtoresha",
        "kryetari",
        "ministri",
        "ministrja",
        "kryeministri",
        "kryeministrja",
        "ambasadori",
        "mbreti",
        "udheheqesi",
        "sekretari",
        "sekretar",
        "zedhenesi",
        "zedhenesja",
        "kryebashkiaku",
        "komandanti",
    ];

    /// Words in a role that make it another office than the one named
    /// ("zëvendësndihmës sekretar": not the secretary).
    pub const OFFICE_QUALIFIERS: &[&str] = &[
        "zevendes",
        "zevendesndihmes",
        "ndihmes",
        "ndihmesi",
        "ish",
        "perkohshem",
        "atehershem",
        "atehershme",
    ];

    /// Words after an office (and "i"/"e") that narrow it ("ministri i
    /// jashtëm").
    pub const OFFICE_MODIFIERS: &[&str] = &[
        "jashtem",
        "jashtme",
        "brendshem",
        "brendshme",
        "mbrojtjes",
        "inteligjences",
        "financave",
    ];

    /// Words that ask for an attribute the story's sources seldom give.
    pub const ATTRIBUTES: &[&str] = &[
        "gjuhe",
        "gjuhet",
        "adresa",
        "adresen",
        "adrese",
        "adresat",
        "rruge",
        "rrugen",
        "mosha",
        "moshen",
        "vjec",
        "vjeç",
        "lindi",
        "lindur",
        "vendlindja",
        "datelindja",
        "rroga",
        "rrogen",
        "paga",
        "pagen",
        "fiton",
        "pasuria",
        "pasurine",
        "martuar",
        "bashkeshortja",
        "bashkeshorten",
        "bashkeshorti",
        "bashkeshortin",
        "ditelindja",
        "ditelindjen",
        "datelindjen",
        "kushtuar",
        "gruaja",
        "burri",
        "femije",
        "femijet",
        "gjatesia",
        "pesha",
        "popullsia",
        "popullsine",
        "kryeqyteti",
        "banore",
        "banoret",
        "banor",
        "kryeqytetin",
        "monedha",
        "monedhen",
        "feja",
        "pagoi",
        "paguan",
        "paguar",
        "kushtoi",
        "kushton",
        "kosto",
        "kostoja",
        "shkollen",
        "shkolla",
        "studioi",
        "diplomuar",
        "arsimi",
        "universitet",
        "vdiq",
        "vdekja",
        "gjalle",
        "cmimi",
        "cmimin",
        "moti",
        "temperatura",
        "sot",
        "tani",
        "aktualisht",
        "perkthe",
        "perkthim",
        "perkthimi",
        "pagua",
        "pagesa",
        "pagesen",
        "studiuar",
        "studion",
        "studimet",
        "emerua",
        "emeruar",
        "emerimi",
        "emerimin",
        "paguhet",
        "paguhen",
        "zevendesoi",
        "zevendesuar",
        "zevendesoj",
        "pasardhesi",
        "pasardhes",
        "pronari",
        "pronaret",
        "pronar",
        "zoteron",
        "identiteti",
        "identitetin",
        "parti",
        "partia",
        "partine",
        "partise",
    ];

    /// What an attribute word asks about: the same keys as English's
    /// `attribute_noun`, which the replies put in words.
    pub fn attribute_key(word: &str) -> Option<&'static str> {
        Some(match word {
            "mosha" | "moshen" | "vjec" | "vjeç" | "themelim" => "age",
            "lindi" | "lindur" | "vendlindja" | "datelindja" | "datelindjen" | "ditelindja"
            | "ditelindjen" => "birthplace or birthday",
            "rroga" | "rrogen" | "paga" | "pagen" | "fiton" | "pasuria" | "pasurine" | "pagua"
            | "pagoi" | "paguan" | "paguar" | "paguhet" | "paguhen" | "pagesa" | "pagesen" => {
                "income or wealth"
            }
            "martuar" | "gruaja" | "burri" | "femije" | "femijet" | "bashkeshortja"
            | "bashkeshorten" | "bashkeshorti" | "bashkeshortin" => "family",
            "gjatesia" | "pesha" => "height or weight",
            "popullsia" | "popullsine" | "banore" | "banoret" | "banor" => "population",
            "kryeqyteti" | "kryeqytetin" => "capital",
            "monedha" | "monedhen" => "currency",
            "feja" => "religion",
            "arsimi" | "studioi" | "universitet" | "studiuar" | "studion" | "studimet"
            | "shkolla" | "shkollen" | "diplomuar" => "education",
            "vdiq" | "vdekja" | "gjalle" => "death",
            "cmimi" | "cmimin" | "kosto" | "kostoja" | "kushton" | "kushtoi" | "kushtuar" => {
                "prices or costs"
            }
            "moti" | "temperatura" => "weather",
            "emerua" | "emeruar" | "emerimi" | "emerimin" => "appointment",
            "zevendesoi" | "zevendesuar" | "zevendesoj" | "pasardhesi" | "pasardhes" => "successor",
            "sot" | "tani" | "aktualisht" => "situation today",
            "perkthe" | "perkthim" | "perkthimi" => "translation",
            "adresa" | "adresen" | "adrese" | "adresat" | "rruge" | "rrugen" => "address",
            "gjuhe" | "gjuhet" => "languages",
            "pronari" | "pronaret" | "pronar" | "zoteron" => "owners",
            "identiteti" | "identitetin" => "identities",
            "parti" | "partia" | "partine" | "partise" => "political party",
            w if Self::OFFICES.contains(&w) => "office holder",
            _ => return None,
        })
    }

    /// Number words that state a quantity.
    pub const NUMBER_WORDS: &[&str] = &[
        "nje",
        "dy",
        "tre",
        "tri",
        "kater",
        "pese",
        "gjashte",
        "shtate",
        "tete",
        "nente",
        "dhjete",
        "njezet",
        "tridhjete",
        "dyzet",
        "pesedhjete",
        "qind",
        "qindra",
        "mije",
        "mijera",
        "milion",
        "miliona",
        "miliard",
        "gjysme",
        "dyfish",
        "perqind",
    ];

    /// Words that carry no meaning for matching (articles, particles,
    /// pronouns, the commonest verbs). Question words are not here.
    pub fn is_stopword(word: &str) -> bool {
        matches!(
            word,
            "e" | "te"
                | "i"
                | "ne"
                | "dhe"
                | "a"
                | "qe"
                | "me"
                | "se"
                | "u"
                | "nje"
                | "eshte"
                | "ishte"
                | "jane"
                | "ishin"
                | "ka"
                | "kane"
                | "kishte"
                | "do"
                | "ta"
                | "t"
                | "por"
                | "ose"
                | "apo"
                | "ky"
                | "kjo"
                | "keto"
                | "ato"
                | "ai"
                | "ajo"
                | "ata"
                | "kete"
                | "ate"
                | "tij"
                | "saj"
                | "tyre"
                | "po"
                | "jo"
                | "nuk"
                | "s"
                | "mos"
                | "edhe"
                | "shume"
                | "pra"
                | "vetem"
                | "ja"
                | "mu"
                | "na"
                | "ju"
                | "une"
                | "ti"
                | "mua"
                | "ty"
                | "kam"
                | "kemi"
                | "keni"
                | "jam"
                | "je"
                | "jemi"
                | "jeni"
                | "qene"
                | "per"
                | "nga"
                | "mbi"
                | "tek"
                | "prej"
        )
    }

    /// Common words of time, amount and people that questions use and the
    /// knowledge may not ("sa vjet": "vjet" is no typo of "vet").
    const COMMON_WORDS: &[&str] = &[
        "vjet", "vite", "vjec", "dite", "jave", "muaj", "ore", "sot", "dje", "neser", "tani",
        "pak", "mire", "keq", "madh", "vogel", "njeri", "njerez", "veta", "vend", "qytet", "shtet",
        "pune", "kohe", "here", "heret", "vone",
    ];

    /// Whether word `i` is "ça" asking what: "ca" before a verb
    /// ("zeroclear ça është"); before a noun it is "a few" ("ca veta").
    pub fn ca_asks_what(words: &[&str], i: usize) -> bool {
        words[i] == "ca"
            && words
                .get(i + 1)
                .is_some_and(|next| Self::CA_VERBS.contains(next))
    }

    /// Function words, common verbs and common words: real words, never
    /// typos.
    pub fn is_common_word(word: &str) -> bool {
        Self::is_stopword(word)
            || Self::is_question_word(word)
            || Self::CA_VERBS.contains(&word)
            || Self::AUXILIARIES.contains(&word)
            || Self::COMMON_WORDS.contains(&word)
    }

    /// Question words: kept for scoring, never counted as unexplained.
    pub fn is_question_word(word: &str) -> bool {
        matches!(
            word,
            "kush"
                | "ke"
                | "kujt"
                | "kur"
                | "ku"
                | "pse"
                | "perse"
                | "si"
                | "sa"
                | "cfare"
                | "cka"
                | "cili"
                | "cila"
                | "cilet"
                | "cilat"
                | "cilin"
                | "cilen"
                | "ciles"
                | "cilit"
        )
    }

    /// Words that frame a question about a name without carrying its
    /// subject ("kush është …", "më trego për …", "çfarë ndodhi më …").
    pub const FRAME_WORDS: &[&str] = &[
        "kush",
        "cfare",
        "cka",
        "eshte",
        "jane",
        "ishte",
        "ishin",
        "me",
        "trego",
        "tregom",
        "tregoni",
        "thuaj",
        "thuaje",
        "rreth",
        "per",
        "mbi",
        "shpjego",
        "informacion",
        "informacione",
        // "Cili është roli, pozita, puna e Ramës": what a name's own text
        // gives.
        "roli",
        "rolin",
        "pozita",
        "poziten",
        "pozicioni",
        "profesioni",
        "funksioni",
        "detyra",
        "detyren",
        "titulli",
        // "DEV-0166 me çfarë merrej": what it did.
        "merrej",
        "merret",
        "merreshin",
        "ndodhi",
        "ndodh",
        "ndodhur",
        "ngjarje",
        "ngjarja",
        "ngjarjet",
        "lajme",
        "lajmet",
        "dua",
        "di",
        "mund",
        // "bën" and "gjendet", as "do" and "where is": "DEV-0133 çfarë
        // bënte", "ashraf 3 ku gjindet".
        "ben",
        "bente",
        "bejne",
        "benin",
        // And in the past: "Norvegjia çfarë bëri".
        "beri",
        "bene",
        "bere",
        "gjendet",
        "gjindet",
        "ndodhet",
        // "Që kur ekziston CHIMNEYSWEEP": the thing's own date.
        "ekziston",
        "ekzistonte",
        "ekzistojne",
        "te",
        "ke",
        "na",
        "ndonje",
        "dicka",
        "ne",
        "e",
        "i",
        "dhe",
        "rol",
        "roli",
        "rolin",
        "profil",
        "kjo",
        "ky",
        "dite",
        "dita",
        "data",
        "daten",
        "gjate",
        "perseri",
        "shkurt",
        "permbledhje",
        "detaje",
        "sqaro",
        "kuptim",
        "kuptimi",
        "do",
        "thote",
        "ka",
        "kane",
        "mbremje",
        "mbremjen",
        "mengjes",
        "mengjesin",
        "naten",
        "diten",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_of_a_word_share_a_stem() {
        for forms in [
            &[
                "sulm", "sulmi", "sulmit", "sulmin", "sulmet", "sulmeve", "sulmoi", "sulmuan",
            ][..],
            &["shqiperi", "shqiperia", "shqiperise", "shqiperine"],
            &["iran", "irani", "iranit", "iranin"],
            &["sanksion", "sanksione", "sanksionet", "sanksioneve"],
            &["diplomat", "diplomati", "diplomatet", "diplomateve"],
            &["gaz", "gazi", "gazit", "gazin"],
        ] {
            let stems: Vec<String> = forms.iter().map(|w| Albanian::stem(w)).collect();
            assert!(stems.iter().all(|s| *s == stems[0]), "{forms:?}: {stems:?}");
        }
    }

    #[test]
    fn an_agent_noun_keeps_apart_from_its_noun() {
        let agent: Vec<String> = ["sulmues", "sulmuesi", "sulmuesit", "sulmuesve"]
            .iter()
            .map(|w| Albanian::stem(w))
            .collect();
        assert!(agent.iter().all(|s| s == "sulmues"), "{agent:?}");
        assert_eq!(Albanian::stem("sulmi"), "sulm");
    }

    #[test]
    fn the_imperfect_meets_the_participle() {
        for word in ["kufizonte", "kufizonin", "kufizuar"] {
            assert_eq!(Albanian::stem(word), "kufiz", "{word}");
        }
    }

    #[test]
    fn short_words_and_numbers_stay_whole() {
        for word in [
            "sa", "ku", "kur", "kush", "pse", "mek", "2022", "dev", "0842",
        ] {
            assert_eq!(Albanian::stem(word), word);
        }
    }

    #[test]
    fn attribute_words_have_the_english_keys() {
        assert_eq!(Albanian::attribute_key("mosha"), Some("age"));
        assert_eq!(Albanian::attribute_key("presidenti"), Some("office holder"));
        assert_eq!(Albanian::attribute_key("sulmi"), None);
        for word in Albanian::ATTRIBUTES {
            assert!(Albanian::attribute_key(word).is_some(), "{word}");
        }
    }
}
