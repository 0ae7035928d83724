//! Numbers a sentence states, normalised so that "39", "thirty-nine" and "39.0" meet,
//! "$1.5 billion" meets "1,500 million dollars", and "4.5%" meets "4.5 percent".

use crate::words::Token;

/// What a number measures, as far as its surroundings tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NumberKind {
    /// A share: "4.5%", "12 percent", "3 percentage points".
    Percent,
    /// An amount of money: "$5", "5 million dollars", "€20".
    Money,
    /// A year: a whole number from 1800 to 2100 with no separator, unit or scale.
    Year,
    /// Anything else: a count, a score, a day of the month.
    Count,
}

/// A number a sentence states.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    /// Its value, scales applied ("1.5 billion" is 1.5e9).
    pub value: f64,
    /// What it measures.
    pub kind: NumberKind,
}

impl Number {
    /// Two statements of one figure: equal up to rounding ("$1.47 billion" and "$1.5
    /// billion"), whatever unit words surround them.
    pub fn agrees_with(&self, other: &Number) -> bool {
        let (a, b) = (self.value, other.value);
        let scale = a.abs().max(b.abs());
        (a - b).abs() <= 1e-9 + 0.025 * scale
    }
}

const UNITS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("dozen", 12.0),
];

const SCALES: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("mln", 1e6),
    ("billion", 1e9),
    ("bln", 1e9),
    ("trillion", 1e12),
];

const CURRENCIES: &[&str] =
    &["dollar", "dollars", "cents", "euro", "euros", "pound", "pounds", "yen", "francs", "rupees"];

fn lookup(table: &[(&str, f64)], word: &str) -> Option<f64> {
    table.iter().find(|(w, _)| *w == word).map(|&(_, v)| v)
}

/// A written number word's value. "One" alone is too often a pronoun ("one of them") to
/// count, so it counts only inside a compound ("thirty-one") or before a scale.
fn word_value(t: &Token, next: Option<&Token>) -> Option<f64> {
    if let Some(v) = lookup(UNITS, &t.lower) {
        return Some(v);
    }
    let before_scale = next.is_some_and(|n| lookup(SCALES, &n.lower).is_some());
    (t.lower == "one" && (t.hyphenated || before_scale)).then_some(1.0)
}

/// The value of a token written in digits, with any suffix of scale ("5m", "2bn") or of
/// order ("3rd", "1990s") read or dropped; `None` when it holds no leading digits.
/// Returns also whether it had a separator or a fraction (which no year has).
fn digits_value(lower: &str) -> Option<(f64, bool, f64)> {
    let end = lower
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(lower.len(), |(i, _)| i);
    let (digits, suffix) = lower.split_at(end);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let plain: String = digits.chars().filter(|&c| c != ',').collect();
    let value: f64 = plain.trim_end_matches('.').parse().ok()?;
    let scale = match suffix {
        "k" => 1e3,
        "m" | "mn" => 1e6,
        "b" | "bn" => 1e9,
        _ => 1.0,
    };
    Some((value, digits.contains([',', '.']), scale))
}

/// The numbers a sentence's tokens state, in order.
pub(crate) fn numbers(tokens: &[Token]) -> Vec<Number> {
    numbers_at(tokens).into_iter().map(|f| f.number).collect()
}

/// A number found among a sentence's tokens, with where it is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Found {
    /// The number.
    pub(crate) number: Number,
    /// Its first token.
    pub(crate) first: usize,
    /// Its last token, scale words included ("1.5 billion").
    pub(crate) last: usize,
    /// The first token after it and its unit words ("percent", "per cent", "dollars").
    pub(crate) after: usize,
}

/// [`numbers`], with where each is written.
pub(crate) fn numbers_at(tokens: &[Token]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let first = i;
        let (mut value, mut separated, mut scale) = if let Some(d) = digits_value(&t.lower) {
            d
        } else if let Some(v) = word_value(t, tokens.get(i + 1)) {
            // "thirty-nine": a tens word joined to a units word by a hyphen.
            let mut v = v;
            if let Some(n) = tokens.get(i + 1)
                && n.hyphenated
                && v >= 20.0
                && let Some(u) = word_value(n, tokens.get(i + 2))
                && u < 10.0
            {
                v += u;
                i += 1;
            }
            (v, false, 1.0)
        } else {
            i += 1;
            continue;
        };
        let currency = t.currency;
        let percent = t.percent;
        // Scale words after the number: "1.5 billion", "two hundred thousand".
        while let Some(s) = tokens.get(i + 1).and_then(|n| lookup(SCALES, &n.lower)) {
            scale *= s;
            separated = true;
            i += 1;
        }
        value *= scale;
        let unit = tokens.get(i + 1).map(|n| n.lower.as_str());
        let money_word = unit.is_some_and(|u| CURRENCIES.contains(&u));
        let money = currency || money_word;
        let percent_word = matches!(unit, Some("percent" | "pct" | "percentage"));
        let per_cent = unit == Some("per") && tokens.get(i + 2).is_some_and(|n| n.lower == "cent");
        let percent = percent || percent_word || per_cent;
        let points = percent_word && tokens.get(i + 2).is_some_and(|n| n.lower == "points");
        let units = if per_cent || points { 2 } else { usize::from(percent_word || money_word) };
        let kind = if percent {
            NumberKind::Percent
        } else if money {
            NumberKind::Money
        } else if !separated
            && scale == 1.0
            && value.fract() == 0.0
            && (1800.0..=2100.0).contains(&value)
        {
            NumberKind::Year
        } else {
            NumberKind::Count
        };
        out.push(Found { number: Number { value, kind }, first, last: i, after: i + 1 + units });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::tokens;

    fn of(text: &str) -> Vec<(f64, NumberKind)> {
        numbers(&tokens(text)).into_iter().map(|n| (n.value, n.kind)).collect()
    }

    #[test]
    fn digits_words_and_scales_meet() {
        use NumberKind::*;
        assert_eq!(of("39 countries"), [(39.0, Count)]);
        assert_eq!(of("thirty-nine countries"), [(39.0, Count)]);
        assert_eq!(of("$1.5 billion"), [(1.5e9, Money)]);
        assert_eq!(of("1,500 million dollars"), [(1.5e9, Money)]);
        assert_eq!(of("rose 4.5% or 4.5 percent, or 4.5 per cent"), [(4.5, Percent); 3]);
        assert_eq!(of("in March 2022, one of them"), [(2022.0, Year)]);
        assert_eq!(of("one million people, 2,000 more"), [(1e6, Count), (2000.0, Count)]);
        assert_eq!(of("the 3rd of 5m"), [(3.0, Count), (5e6, Count)]);
        assert_eq!(of("2k runners in the 1990s"), [(2000.0, Count), (1990.0, Year)]);
        assert!(of("no figures at all").is_empty());
    }

    #[test]
    fn rounding_agrees_and_other_figures_do_not() {
        let n = |value| Number { value, kind: NumberKind::Money };
        assert!(n(1.47e9).agrees_with(&n(1.5e9)));
        assert!(n(39.0).agrees_with(&n(39.0)));
        assert!(!n(2.4).agrees_with(&n(1.8)));
        assert!(!n(39.0).agrees_with(&n(26.0)));
        assert!(n(0.0).agrees_with(&n(0.0)));
    }
}
