//! Dates as the knowledge stores them (ISO, with day or month optional) and as
//! people type them in questions ("10 September", "Sept 10", "2022-09-10",
//! "July 2022"). Pure: no clock is read here.

use std::fmt;

use crate::matcher::Lang;

/// A calendar date, possibly known only to the month or the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The months in Albanian, as a date is written ("15 korrik 2022").
const MONTHS_SQ: [&str; 12] = [
    "janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator", "tetor",
    "nëntor", "dhjetor",
];

fn month_name(lang: Lang, m: u8) -> &'static str {
    match lang {
        Lang::En => MONTHS[m as usize - 1],
        Lang::Sq => MONTHS_SQ[m as usize - 1],
    }
}

impl Date {
    /// The date as a reader of `lang` sees it: "15 July 2022", "15 korrik
    /// 2022", "May 2021", "2022".
    pub fn display(&self, lang: Lang) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", month_name(lang, m), self.year),
            (Some(m), None) => format!("{} {}", month_name(lang, m), self.year),
            _ => self.year.to_string(),
        }
    }

    /// `short` in `lang`: Albanian months are written out ("15 korrik
    /// 2022"), as Albanian lists usually do.
    pub fn short_in(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.short(),
            Lang::Sq => self.display(lang),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let year = parse_fixed(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_fixed(m, 2)? as u8),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_fixed(d, 2)? as u8),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let date = Date { year, month, day };
        date.is_valid().then_some(date)
    }

    fn is_valid(&self) -> bool {
        match (self.month, self.day) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => {
                (1..=12).contains(&m) && d >= 1 && d <= days_in_month(self.year, m)
            }
            (None, Some(_)) => false,
        }
    }

    /// ISO form, as written in the data files.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// "15 Jul 2022": for compact lists.
    pub fn short(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", &MONTHS[m as usize - 1][..3], self.year),
            (Some(m), None) => format!("{} {}", &MONTHS[m as usize - 1][..3], self.year),
            _ => self.year.to_string(),
        }
    }
}

/// "15 July 2022", "May 2021" or "2022": how a reader sees a date.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => write!(f, "{} {}", MONTHS[m as usize - 1], self.year),
            _ => write!(f, "{}", self.year),
        }
    }
}

fn parse_fixed(s: &str, len: usize) -> Option<i32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A date as asked about: any part may be missing ("10 September" has no year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateQuery {
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl DateQuery {
    /// Whether an event on `date` answers this query.
    pub fn matches(&self, date: &Date) -> bool {
        self.year.is_none_or(|y| y == date.year)
            && self.month.is_none_or(|m| date.month == Some(m))
            && self.day.is_none_or(|d| date.day == Some(d))
    }

    /// The query as a date key (`2022-09-10`, `09-10`, `2022-07`), for callbacks.
    pub fn key(&self) -> String {
        let mut out = String::new();
        if let Some(y) = self.year {
            out.push_str(&format!("{y:04}"));
        }
        for part in [self.month, self.day].into_iter().flatten() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&format!("{part:02}"));
        }
        out
    }

    /// Parses what `key` wrote.
    pub fn from_key(key: &str) -> Option<DateQuery> {
        let parts: Vec<&str> = key.split('-').collect();
        let num = |s: &str| s.parse::<i32>().ok();
        let q = match parts.as_slice() {
            [y] if y.len() == 4 => DateQuery {
                year: num(y),
                month: None,
                day: None,
            },
            [y, m] if y.len() == 4 => DateQuery {
                year: num(y),
                month: num(m).map(|m| m as u8),
                day: None,
            },
            [m, d] => DateQuery {
                year: None,
                month: num(m).map(|m| m as u8),
                day: num(d).map(|d| d as u8),
            },
            [y, m, d] => DateQuery {
                year: num(y),
                month: num(m).map(|m| m as u8),
                day: num(d).map(|d| d as u8),
            },
            _ => return None,
        };
        q.is_sane().then_some(q)
    }

    fn is_sane(&self) -> bool {
        self.year.is_some_and(|y| (1000..=2999).contains(&y)) as u8
            + self.month.is_some() as u8
            + self.day.is_some() as u8
            > 0
            && self.month.is_none_or(|m| (1..=12).contains(&m))
            && self.day.is_none_or(|d| (1..=31).contains(&d))
            && (self.day.is_none() || self.month.is_some())
    }
}

impl DateQuery {
    /// The query as a reader of `lang` sees it ("10 September", "korrik 2022").
    pub fn display(&self, lang: Lang) -> String {
        let parts: Vec<String> = [
            self.day.map(|d| d.to_string()),
            self.month.map(|m| month_name(lang, m).to_string()),
            self.year.map(|y| y.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(" ")
    }
}

impl fmt::Display for DateQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(Lang::En))
    }
}

/// Month number for an English month name or abbreviation, or an Albanian
/// month name in any of its forms ("korrik", "korrikut", "nentor"), folded
/// to lower case without diacritics.
pub fn month_number(word: &str) -> Option<u8> {
    if let Some(m) = albanian_month(word) {
        return Some(m);
    }
    let m = match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// An Albanian month: its name, with or without its article and case
/// ending ("shtator", "shtatori", "shtatorit", "shtatorin").
fn albanian_month(word: &str) -> Option<u8> {
    let base = ["it", "in", "i", "u", "ut"]
        .iter()
        .find_map(|end| word.strip_suffix(end).filter(|b| b.len() >= 3))
        .unwrap_or(word);
    // MONTHS_SQ as questions are folded (no diacritics).
    const FOLDED: [&str; 12] = [
        "janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator",
        "tetor", "nentor", "dhjetor",
    ];
    FOLDED
        .iter()
        .position(|m| *m == word || *m == base)
        .map(|i| i as u8 + 1)
}

/// Finds the first date in normalised tokens. Returns the date and the range
/// of tokens it covers. Numeric dates are read as ISO (`2022 09 10`, from
/// `2022-09-10`) or day-month-year (`10 09 2022`).
pub fn find_date(tokens: &[&str]) -> Option<(DateQuery, std::ops::Range<usize>)> {
    (0..tokens.len()).find_map(|i| date_at(tokens, i).map(|(q, len)| (q, i..i + len)))
}

fn date_at(t: &[&str], i: usize) -> Option<(DateQuery, usize)> {
    let get = |k: usize| t.get(i + k).copied();
    let day = |s: Option<&str>| s.and_then(day_number);
    let month = |s: Option<&str>| s.and_then(month_number);
    let year = |s: Option<&str>| s.and_then(year_number);
    let num_month = |s: Option<&str>| {
        s.filter(|s| s.len() <= 2)
            .and_then(|s| s.parse::<u8>().ok())
            .filter(|m| (1..=12).contains(m))
    };
    let q = |y, m, d| DateQuery {
        year: y,
        month: m,
        day: d,
    };

    // 2022 09 10 (ISO).
    if let (Some(y), Some(m), Some(d)) = (year(get(0)), num_month(get(1)), day(get(2))) {
        return Some((q(Some(y), Some(m), Some(d)), 3));
    }
    // 10 09 2022 (day first, as in Europe).
    if let (Some(d), Some(m), Some(y)) = (day(get(0)), num_month(get(1)), year(get(2))) {
        return Some((q(Some(y), Some(m), Some(d)), 3));
    }
    // 10 [of] september [2022]
    if let Some(d) = day(get(0)) {
        let skip = usize::from(get(1) == Some("of"));
        if let Some(m) = month(get(1 + skip)) {
            return Some(match year(get(2 + skip)) {
                Some(y) => (q(Some(y), Some(m), Some(d)), 3 + skip),
                None => (q(None, Some(m), Some(d)), 2 + skip),
            });
        }
    }
    if let Some(m) = month(get(0)) {
        // september 10 [2022]
        if let Some(d) = day(get(1)) {
            return Some(match year(get(2)) {
                Some(y) => (q(Some(y), Some(m), Some(d)), 3),
                None => (q(None, Some(m), Some(d)), 2),
            });
        }
        // may-june 2022, "maj e qershor 2022": a range of months of a
        // year, read as its first month (the whole phrase is the date).
        let joined = usize::from(matches!(
            get(1),
            Some("to" | "and" | "through" | "till" | "until" | "deri" | "dhe" | "e" | "ne")
        ));
        if month(get(1 + joined)).is_some()
            && let Some(y) = year(get(2 + joined))
        {
            return Some((q(Some(y), Some(m), None), 3 + joined));
        }
        // july 2022
        if let Some(y) = year(get(1)) {
            return Some((q(Some(y), Some(m), None), 2));
        }
        // "july" alone reads as a month, except for the words that are also
        // verbs or names ("may", "march").
        if !matches!(get(0), Some("may" | "mar" | "march" | "jan" | "dec")) {
            return Some((q(None, Some(m), None), 1));
        }
    }
    // 2022
    if let Some(y) = year(get(0)) {
        return Some((q(Some(y), None, None), 1));
    }
    None
}

/// A day of the month: `10`, `10th`, `1st`.
fn day_number(s: &str) -> Option<u8> {
    let digits = s
        .strip_suffix("st")
        .or_else(|| s.strip_suffix("nd"))
        .or_else(|| s.strip_suffix("rd"))
        .or_else(|| s.strip_suffix("th"))
        .unwrap_or(s);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u8>().ok().filter(|d| (1..=31).contains(d))
}

/// A plausible year for this kind of story.
fn year_number(s: &str) -> Option<i32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok().filter(|y| (1900..=2099).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(s: &str) -> Option<String> {
        let tokens: Vec<&str> = s.split(' ').collect();
        find_date(&tokens).map(|(q, r)| format!("{} {:?}", q.key(), r))
    }

    #[test]
    fn reads_common_forms() {
        assert_eq!(
            find("what happened on 10 september").as_deref(),
            Some("09-10 3..5")
        );
        assert_eq!(find("sept 10").as_deref(), Some("09-10 0..2"));
        assert_eq!(find("2022 09 10").as_deref(), Some("2022-09-10 0..3"));
        assert_eq!(
            find("the 10th of september 2022").as_deref(),
            Some("2022-09-10 1..5")
        );
        assert_eq!(find("july 2022").as_deref(), Some("2022-07 0..2"));
        assert_eq!(find("events of 2022").as_deref(), Some("2022 2..3"));
        assert_eq!(find("10 09 2022").as_deref(), Some("2022-09-10 0..3"));
        assert_eq!(find("may the mek").as_deref(), None);
        assert_eq!(find("in may 2021").as_deref(), Some("2021-05 1..3"));
        // A range of months of a year reads as its first month.
        assert_eq!(find("in may june 2022").as_deref(), Some("2022-05 1..4"));
        assert_eq!(find("maj e qershor 2022").as_deref(), Some("2022-05 0..4"));
        assert_eq!(find("31 february").as_deref(), Some("02-31 0..2"));
        assert_eq!(find("the 4 groups").as_deref(), None);
    }

    #[test]
    fn iso_round_trip_and_display() {
        let d = Date::parse_iso("2022-07-15").unwrap();
        assert_eq!(d.to_string(), "15 July 2022");
        assert_eq!(d.iso(), "2022-07-15");
        assert_eq!(Date::parse_iso("2021-05").unwrap().to_string(), "May 2021");
        assert_eq!(Date::parse_iso("2022-02-30"), None);
        assert_eq!(Date::parse_iso("22-01-01"), None);
        assert_eq!(Date::parse_iso("2022-7-15"), None);
    }

    #[test]
    fn query_keys_round_trip() {
        for key in ["2022-09-10", "09-10", "2022-07", "2022"] {
            assert_eq!(DateQuery::from_key(key).unwrap().key(), key);
        }
        assert_eq!(DateQuery::from_key("13-40"), None);
    }
}
