//! Figures the sentences of one claim give differently: "39 countries" in one outlet's
//! sentence, "26 countries" in another's; "Sept. 15" against "Sept. 16".
//!
//! Precision comes first: a reader shown a conflict should find a real one. Two sentences
//! conflict on a figure only when both give a figure of the same kind about the same
//! thing, and neither gives the other's figure anywhere:
//!
//! - numbers of one [`NumberKind`] (counts, amounts of money, shares, years) are about
//!   the same thing when they count the same noun ("39 countries", "26 countries"), or
//!   when each is the only number of its kind in its sentence, neither names what it
//!   counts, and both follow the same word ("rose to 12", "rose to 15"). A time of day is
//!   no count, and a figure one sentence gives and the other omits is no conflict. On the
//!   newsroom's events this flags an updated count ("37 structures" against "52"), and
//!   still two figures of one noun about different things: one line's riders against
//!   four of its stations' ("180,000 riders", "21,000 riders"), and a rounding ("6.5
//!   feet", "six feet").
//! - dates: a day of a month ("September 4", "Sept. 15", "4 September") against the other
//!   sentence's, when each gives exactly one; a day of the week against another; and a day
//!   of the week against a day of a month when a year tells which weekday that day was
//!   ("Thursday" and "September 4, 2025" agree: it was a Thursday). Without a year the
//!   two cannot be checked against each other and are not flagged.
//!
//! Names are not compared. A person is named in many ways within one story ("Giorgia
//! Meloni", "Meloni", "the prime minister", "Zelensky" and "Zelenskyy"), lists of names
//! differ in length from one retelling to the next, and nothing in a sentence says which
//! name fills which role, so a difference in names is far more often a difference in
//! wording than a disagreement. And two sentences that name different people rarely
//! state the same claim in the first place: names are the rarest words they have, and
//! the matcher keeps them apart.

use serde::{Deserialize, Serialize};

use crate::numbers::{Number, NumberKind, numbers_at};
use crate::words::{Token, is_stopword, stem, tokens_and_chars};

/// The kind of figure two outlets give differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConflictKind {
    /// A count: "39 countries" against "26 countries".
    Count,
    /// An amount of money: "$1.5 billion" against "$2 billion".
    Money,
    /// A share: "4.5%" against "5.2 percent".
    Percent,
    /// A year: "in 2024" against "in 2025".
    Year,
    /// A day: "Sept. 15" against "Sept. 16", "Thursday" against "Friday", or a weekday
    /// against a dated day that fell on another weekday.
    Date,
}

impl ConflictKind {
    /// Its name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::Count => "count",
            ConflictKind::Money => "money",
            ConflictKind::Percent => "percent",
            ConflictKind::Year => "year",
            ConflictKind::Date => "date",
        }
    }
}

impl From<NumberKind> for ConflictKind {
    fn from(k: NumberKind) -> Self {
        match k {
            NumberKind::Count => ConflictKind::Count,
            NumberKind::Money => ConflictKind::Money,
            NumberKind::Percent => ConflictKind::Percent,
            NumberKind::Year => ConflictKind::Year,
        }
    }
}

/// One outlet's figure in a [`Conflict`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The outlet.
    pub outlet: String,
    /// The figure as its sentence writes it ("39", "$1.5 billion", "Sept. 15").
    pub value: String,
}

/// A figure the sentences of one claim give differently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What kind of figure.
    pub kind: ConflictKind,
    /// What it counts, when the sentences say ("countries"), as the first one words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Each outlet's figure, outlets in the order they first disagree; an outlet appears
    /// once per figure it gives.
    pub values: Vec<ConflictValue>,
}

/// What a figure states.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    Number(Number),
    /// A day of a month, with its year when the sentence gives it.
    Day {
        month: u8,
        day: u8,
        year: Option<i32>,
    },
    /// A day of the week, Monday 0.
    Weekday(u8),
}

/// One figure of a sentence.
#[derive(Clone, Debug, PartialEq)]
struct Figure {
    value: Value,
    /// As written.
    written: String,
    /// The stem of the noun right after it, and the noun as written.
    about: Option<(String, String)>,
    /// The stem of the nearest content word before it, within three words ("rose" in
    /// "the toll rose to 12").
    before: Option<String>,
}

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const WEEKDAYS: &[&str] =
    &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn month(t: &Token) -> Option<u8> {
    if !t.capitalised {
        return None;
    }
    MONTHS.iter().find(|(m, _)| *m == t.lower).map(|&(_, n)| n)
}

/// A day of the month written in digits ("4", "4th"), 1 to 31.
fn day_of_month(t: &Token) -> Option<u8> {
    let digits = t.lower.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    let suffix = &t.lower[digits.len()..];
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !matches!(suffix, "" | "st" | "nd" | "rd" | "th")
    {
        return None;
    }
    digits.parse::<u8>().ok().filter(|d| (1..=31).contains(d))
}

/// A year written in digits right after a date ("September 4, 2025").
fn year(t: &Token) -> Option<i32> {
    if t.lower.len() != 4 || !t.lower.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.lower.parse::<i32>().ok().filter(|y| (1800..=2100).contains(y))
}

/// The figures of a sentence, in order: days first found, then the numbers that are not
/// part of a day.
fn figures(text: &str) -> Vec<Figure> {
    let (chars, tokens) = tokens_and_chars(text);
    let written = |first: usize, last: usize| -> String {
        chars[tokens[first].start..tokens[last].end].iter().collect()
    };
    let mut out = Vec::new();
    let mut in_date = vec![false; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if let Some(w) = WEEKDAYS.iter().position(|d| *d == t.lower).filter(|_| t.capitalised) {
            out.push(Figure {
                value: Value::Weekday(w as u8),
                written: written(i, i),
                about: None,
                before: None,
            });
            i += 1;
            continue;
        }
        // "September 4" or "4 September", and a year after either.
        let date = match (month(t), tokens.get(i + 1)) {
            (Some(m), Some(next)) => day_of_month(next).map(|d| (m, d)),
            (None, Some(next)) => day_of_month(t).zip(month(next)).map(|(d, m)| (m, d)),
            _ => None,
        };
        if let Some((month, day)) = date {
            let mut last = i + 1;
            let year = tokens.get(i + 2).and_then(year);
            if year.is_some() {
                last = i + 2;
            }
            in_date[i..=last].fill(true);
            out.push(Figure {
                value: Value::Day { month, day, year },
                written: written(i, last),
                about: None,
                before: None,
            });
            i = last + 1;
            continue;
        }
        i += 1;
    }
    for f in numbers_at(&tokens) {
        if in_date[f.first..=f.last].iter().any(|&d| d) {
            continue;
        }
        let mut text = written(f.first, f.after.saturating_sub(1).max(f.last));
        if tokens[f.first].currency && tokens[f.first].start > 0 {
            text.insert(0, chars[tokens[f.first].start - 1]);
        }
        let last = &tokens[f.after.saturating_sub(1).max(f.last)];
        if last.percent && chars.get(last.end) == Some(&'%') {
            text.push('%');
        }
        // A time of day ("6 p.m.", "6:30") is not a count.
        if tokens
            .get(f.after)
            .is_some_and(|n| matches!(n.lower.as_str(), "p.m" | "a.m" | "pm" | "am"))
            || chars.get(tokens[f.last].end) == Some(&':')
        {
            continue;
        }
        // The noun it counts: the next word, unless punctuation parts them ("3.75 percent,
        // citing"); after a unit joined by a hyphen ("2,100-kilogram lander"), both.
        let noun = |k: usize| {
            tokens.get(k).filter(|n| {
                n.lower.chars().all(char::is_alphabetic)
                    && n.lower.chars().nth(1).is_some()
                    && !is_stopword(&n.lower)
                    && month(n).is_none()
                    && chars[tokens[k - 1].end..n.start]
                        .iter()
                        .all(|c| c.is_whitespace() || matches!(c, '-' | '‐' | '‑'))
            })
        };
        let about = noun(f.after).map(|n| {
            let mut about = (stem(&n.lower), chars[n.start..n.end].iter().collect::<String>());
            if n.hyphenated
                && let Some(m) = noun(f.after + 1)
            {
                about.0 = format!("{} {}", about.0, stem(&m.lower));
                about.1 = chars[n.start..m.end].iter().collect();
            }
            about
        });
        let before = (f.first.saturating_sub(3)..f.first)
            .rev()
            .map(|k| &tokens[k])
            .find(|t| t.lower.chars().all(char::is_alphabetic) && !is_stopword(&t.lower))
            .map(|t| stem(&t.lower));
        out.push(Figure { value: Value::Number(f.number), written: text, about, before });
    }
    out
}

/// The day of the week of a date, Monday 0; `None` for a day the month does not have.
fn weekday(year: i32, month: u8, day: u8) -> Option<u8> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day == 0 || day > days[usize::from(month - 1)] {
        return None;
    }
    // Sakamoto's method: 0 is Sunday.
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let sunday_first =
        (y + y / 4 - y / 100 + y / 400 + T[usize::from(month - 1)] + i32::from(day)).rem_euclid(7);
    Some(((sunday_first + 6) % 7) as u8)
}

/// Two statements of one figure: up to rounding ([`Number::agrees_with`]), but a year
/// exactly (2019 is not 2021, though it is within rounding of it).
fn agree(a: &Number, b: &Number) -> bool {
    if a.kind == NumberKind::Year { a.value == b.value } else { a.agrees_with(b) }
}

/// One disagreement between two sentences: the kind, what it is about (stem, as written),
/// and each sentence's figure as written.
type Found = (ConflictKind, Option<(String, String)>, String, String);

/// The figures two sentences of one claim give differently.
fn between(a: &[Figure], b: &[Figure]) -> Vec<Found> {
    let mut out = Vec::new();
    for kind in [NumberKind::Count, NumberKind::Money, NumberKind::Percent, NumberKind::Year] {
        let of_kind = |s: &'_ [Figure]| -> Vec<(Number, usize)> {
            s.iter()
                .enumerate()
                .filter_map(|(i, f)| match f.value {
                    Value::Number(n) if n.kind == kind => Some((n, i)),
                    _ => None,
                })
                .collect()
        };
        let (fa, fb) = (of_kind(a), of_kind(b));
        for &(x, i) in &fa {
            for &(y, j) in &fb {
                // The same noun, given once in each (several "minutes" in one sentence
                // may each be another span); or the only figures of the kind, neither
                // saying what it counts, after the same word ("rose to 12", "rose to 15";
                // not "the rate at 3.75 percent" and "inflation near 4 percent").
                let once = |s: &[Figure], list: &[(Number, usize)], noun: &str| {
                    list.iter()
                        .filter(|(_, k)| s[*k].about.as_ref().is_some_and(|x| x.0 == noun))
                        .count()
                        == 1
                };
                let same_thing = match (&a[i].about, &b[j].about) {
                    (Some(p), Some(q)) => p.0 == q.0 && once(a, &fa, &p.0) && once(b, &fb, &q.0),
                    (None, None) => {
                        fa.len() == 1
                            && fb.len() == 1
                            && a[i].before.is_some()
                            && a[i].before == b[j].before
                    }
                    _ => false,
                };
                if same_thing
                    && !fb.iter().any(|(z, _)| agree(z, &x))
                    && !fa.iter().any(|(z, _)| agree(z, &y))
                {
                    let about = a[i].about.clone().or_else(|| b[j].about.clone());
                    out.push((kind.into(), about, a[i].written.clone(), b[j].written.clone()));
                }
            }
        }
    }
    let days = |s: &'_ [Figure]| -> Vec<usize> {
        (0..s.len()).filter(|&i| matches!(s[i].value, Value::Day { .. })).collect()
    };
    let weekdays = |s: &'_ [Figure]| -> Vec<usize> {
        (0..s.len()).filter(|&i| matches!(s[i].value, Value::Weekday(_))).collect()
    };
    let (da, db, wa, wb) = (days(a), days(b), weekdays(a), weekdays(b));
    let date =
        |x: &Figure, y: &Figure| (ConflictKind::Date, None, x.written.clone(), y.written.clone());
    if let ([i], [j]) = (da.as_slice(), db.as_slice())
        && let (
            Value::Day { month: m1, day: d1, year: y1 },
            Value::Day { month: m2, day: d2, year: y2 },
        ) = (a[*i].value, b[*j].value)
        && ((m1, d1) != (m2, d2) || y1.zip(y2).is_some_and(|(p, q)| p != q))
    {
        out.push(date(&a[*i], &b[*j]));
    }
    if let ([i], [j]) = (wa.as_slice(), wb.as_slice())
        && a[*i].value != b[*j].value
    {
        out.push(date(&a[*i], &b[*j]));
    }
    // A weekday on one side only, against the other's only dated day: it can be checked
    // when a year says which weekday that day was.
    let dated_weekday = |f: &Figure| match f.value {
        Value::Day { month, day, year: Some(year) } => weekday(year, month, day),
        _ => None,
    };
    if let ([i], [], [], [j]) = (wa.as_slice(), da.as_slice(), wb.as_slice(), db.as_slice())
        && let Some(w) = dated_weekday(&b[*j])
        && a[*i].value != Value::Weekday(w)
    {
        out.push(date(&a[*i], &b[*j]));
    }
    if let ([], [i], [j], []) = (wa.as_slice(), da.as_slice(), wb.as_slice(), db.as_slice())
        && let Some(w) = dated_weekday(&a[*i])
        && b[*j].value != Value::Weekday(w)
    {
        out.push(date(&a[*i], &b[*j]));
    }
    out
}

/// The conflicts among the sentences of one claim: `(outlet, sentence)` in input order.
/// Sentences of one outlet are not compared with each other.
pub(crate) fn conflicts(sentences: &[(&str, &str)]) -> Vec<Conflict> {
    let figures: Vec<Vec<Figure>> = sentences.iter().map(|(_, s)| figures(s)).collect();
    let mut out: Vec<(ConflictKind, Option<String>, Conflict)> = Vec::new();
    for a in 0..sentences.len() {
        for b in a + 1..sentences.len() {
            if sentences[a].0 == sentences[b].0 {
                continue;
            }
            for (kind, about, va, vb) in between(&figures[a], &figures[b]) {
                let key = about.as_ref().map(|(stem, _)| stem.clone());
                let k = match out.iter().position(|(k, s, _)| *k == kind && *s == key) {
                    Some(k) => k,
                    None => {
                        let about = about.map(|(_, written)| written);
                        out.push((kind, key, Conflict { kind, about, values: Vec::new() }));
                        out.len() - 1
                    }
                };
                let values = &mut out[k].2.values;
                for (outlet, value) in [(sentences[a].0, va), (sentences[b].0, vb)] {
                    if !values.iter().any(|v| v.outlet == outlet && v.value == value) {
                        values.push(ConflictValue { outlet: outlet.to_owned(), value });
                    }
                }
            }
        }
    }
    out.into_iter().map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The conflicts of two outlets' sentences, as `kind: a / b`.
    fn of(a: &str, b: &str) -> Vec<String> {
        conflicts(&[("A", a), ("B", b)])
            .iter()
            .map(|c| {
                let values: Vec<&str> = c.values.iter().map(|v| v.value.as_str()).collect();
                format!("{}: {}", c.kind.name(), values.join(" / "))
            })
            .collect()
    }

    #[test]
    fn counts_of_the_same_noun_conflict() {
        assert_eq!(
            of(
                "Leaders of 39 countries met at the Elysee Palace.",
                "Leaders of 26 countries met at the Elysee Palace."
            ),
            ["count: 39 / 26"]
        );
        let c = conflicts(&[
            ("A", "Leaders of 39 countries met."),
            ("B", "Leaders of 26 countries met."),
        ]);
        assert_eq!(c[0].about.as_deref(), Some("countries"));
        assert_eq!(c[0].values[1], ConflictValue { outlet: "B".into(), value: "26".into() });
        // Written in words on one side.
        assert_eq!(
            of("Thirty-nine countries took part.", "Twenty-six countries took part."),
            ["count: Thirty-nine / Twenty-six"]
        );
    }

    #[test]
    fn counts_that_agree_or_count_different_things_do_not_conflict() {
        assert!(
            of("Leaders of 39 countries met.", "Leaders of thirty-nine countries met.").is_empty()
        );
        // Each gives a figure the other omits.
        assert!(of("Leaders of 39 countries met.", "The talks lasted 6 hours.").is_empty());
        assert!(of("39 countries and 12 ministers met.", "26 delegates met.").is_empty());
        assert_eq!(
            of("39 countries and 12 ministers met.", "26 ministers met."),
            ["count: 12 / 26"]
        );
        // One also gives the other's figure.
        assert!(
            of("Of the 39 countries, 26 sent leaders.", "Leaders of 39 countries met.").is_empty()
        );
        // A time of day is not a count, and a noun on one side only is not the same thing.
        assert!(
            of(
                "About 2,300 residents were ordered to evacuate.",
                "Orders were eased at 6 p.m., letting residents return."
            )
            .is_empty()
        );
        // A comma parts a figure from the word after it: both say only "prices rose".
        assert!(of("They held the rate at 3.75%.", "Inflation hovered near 4%.").is_empty());
        assert_eq!(
            of("Prices rose 3.75 percent, citing growth.", "Prices rose 4 percent."),
            ["percent: 3.75 percent / 4 percent"]
        );
        // A unit joined by a hyphen says what it measures only with the noun after it.
        assert!(
            of("The 2,100-kilogram lander carries a rover.", "It carries a 14-kilogram rover.")
                .is_empty()
        );
        assert_eq!(
            of("The 2,100-kilogram lander landed.", "The 1,900-kilogram lander landed."),
            ["count: 2,100 / 1,900"]
        );
        // Two spans of one noun in a sentence: which one the other's means is unclear.
        assert!(
            of(
                "Buses left every 30 minutes; the train takes 85 minutes.",
                "The trip took ten minutes more."
            )
            .is_empty()
        );
        // The only count in each, neither with a noun: the same thing.
        assert_eq!(
            of("The toll rose to 12 on Monday.", "The toll rose to 15 on Monday."),
            ["count: 12 / 15"]
        );
    }

    #[test]
    fn money_shares_and_years_conflict_within_their_kind() {
        assert_eq!(
            of("The deal is worth $1.5 billion.", "The deal is worth $2 billion."),
            ["money: $1.5 billion / $2 billion"]
        );
        assert!(
            of("The deal is worth $1.5 billion.", "The deal is worth 1,500 million dollars.")
                .is_empty()
        );
        assert_eq!(
            of("Prices rose 4.5% in May.", "Prices rose 5.2 percent in May."),
            ["percent: 4.5% / 5.2 percent"]
        );
        assert_eq!(
            of("The plant opened in 2019.", "The plant opened in 2021."),
            ["year: 2019 / 2021"]
        );
        // A share against an amount is not one figure.
        assert!(of("Prices rose 4.5%.", "Prices rose by $3.").is_empty());
    }

    #[test]
    fn dates_conflict_by_day_weekday_and_dated_weekday() {
        assert_eq!(
            of("The vote is on Sept. 15.", "The vote is on Sept. 16."),
            ["date: Sept. 15 / Sept. 16"]
        );
        assert_eq!(of("They met on Thursday.", "They met on Friday."), ["date: Thursday / Friday"]);
        // 4 September 2025 was a Thursday.
        assert!(of("They met on Thursday.", "They met on September 4, 2025.").is_empty());
        assert_eq!(
            of("They met on Friday.", "They met on September 4, 2025."),
            ["date: Friday / September 4, 2025"]
        );
        // Without a year, a weekday and a day of the month cannot be checked.
        assert!(of("They met on Friday.", "They met on September 4.").is_empty());
        assert!(of("The vote is on 15 September.", "The vote is on Sept. 15.").is_empty());
        // The day's number is not a count.
        assert!(
            of("They met on September 4 in Paris.", "They met in Paris, where 4 leaders spoke.")
                .is_empty()
        );
    }

    #[test]
    fn several_outlets_gather_under_one_conflict_and_one_outlet_is_not_compared_with_itself() {
        let c = conflicts(&[
            ("A", "Leaders of 39 countries met."),
            ("A", "Leaders of 40 countries met."),
            ("B", "Leaders of 26 countries met."),
            ("C", "Leaders of 39 countries met."),
        ]);
        assert_eq!(c.len(), 1);
        let values: Vec<(&str, &str)> =
            c[0].values.iter().map(|v| (v.outlet.as_str(), v.value.as_str())).collect();
        assert_eq!(values, [("A", "39"), ("B", "26"), ("A", "40"), ("C", "39")]);
    }

    #[test]
    fn weekdays_are_right() {
        assert_eq!(weekday(2025, 9, 4), Some(3));
        assert_eq!(weekday(2000, 2, 29), Some(1));
        assert_eq!(weekday(2025, 2, 29), None);
    }
}
