//! The days, months and years a report names in its headline and lead.
//!
//! News leads say when ("on Thursday", "in March", "since 2019"). Two reports of one
//! event name the same day; two reports of one recurring subject (last week's vote and
//! this week's, this year's budget and last year's) share most of their words but name
//! different days. A shared word can only add to a cosine, so this evidence is kept apart
//! from the term vectors and scales similarities instead: down when both texts name a
//! weekday (or a month, or a year) and no named one agrees, up when one does.
//!
//! Where articles carry their own times the window and the decay already tell one week
//! from the next, but a lead naming "Tuesday" in an article dated Friday still reports
//! Tuesday's events; where they carry none (an undated corpus, a page without a date)
//! these mentions are the only clock there is.

use crate::terms::is_title_case;
use crate::text::{Analyser, HashMapU64, Word};

/// What a text names: bit `d` of `weekdays` for weekday `d` (Monday 0), bit `m` of
/// `months` for month `m` (January 0), bit `y - FIRST_YEAR` of `years`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DateMark {
    pub(crate) weekdays: u8,
    pub(crate) months: u16,
    pub(crate) years: u64,
}

/// The first year a mark can hold; 64 years from it.
const FIRST_YEAR: u32 = 1990;

/// Which kind of date a word names, and which bit.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Weekday(u8),
    Month(u8),
    Year(u8),
}

/// When a date word counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Capitalised, wherever it stands.
    Capitalised,
    /// Next to a number.
    BesideNumber,
    /// Next to a number, or capitalised mid-sentence outside a Title Case headline.
    BesideNumberOrName,
}

/// Weekday names and the abbreviations news style uses in datelines ("Wed.").
const WEEKDAYS: [&[&str]; 7] = [
    &["Monday", "Mon"],
    &["Tuesday", "Tues"],
    &["Wednesday", "Wed"],
    &["Thursday", "Thurs"],
    &["Friday", "Fri"],
    &["Saturday", "Sat"],
    &["Sunday"],
];

/// Month names and their style-book abbreviations. "May" is left out: it is far more
/// often a verb or a name (Theresa May) than a month, and a capital does not tell.
/// "March" is taken only where it cannot be the verb (see [`AMBIGUOUS`]).
const MONTHS: [&[&str]; 12] = [
    &["January", "Jan"],
    &["February", "Feb"],
    &["March"],
    &["April"],
    &[],
    &["June"],
    &["July"],
    &["August", "Aug"],
    &["September", "Sept"],
    &["October", "Oct"],
    &["November", "Nov"],
    &["December", "Dec"],
];

/// Date words that are also common words or names: "Jan" (a name), "Mon", "Wed" and "Sat"
/// (words), "March" (a verb, capitalised at the start of a sentence or anywhere in a
/// Title Case headline, and its stem is also that of "Marches" and "Marched"). They count
/// only next to a number ("March 3", "Sat. 14", "March 2019"), or, for "March", where a
/// capital can only mean a name: mid-sentence, outside a Title Case headline.
const AMBIGUOUS: [&str; 5] = ["Jan", "Mon", "Wed", "Sat", "March"];

impl DateMark {
    /// How much more (above 1) or less (below 1) alike two texts are for what they name:
    /// for each of weekdays, months and years that both name, `agree` if one is the same,
    /// else `disagree`; the factors multiply.
    pub(crate) fn factor(&self, other: &DateMark, agree: f32, disagree: f32) -> f32 {
        let mut f = 1.0;
        let mut kind = |a: u64, b: u64| {
            if a != 0 && b != 0 {
                f *= if a & b != 0 { agree } else { disagree };
            }
        };
        kind(u64::from(self.weekdays), u64::from(other.weekdays));
        kind(u64::from(self.months), u64::from(other.months));
        kind(self.years, other.years);
        f
    }

    /// Everything either names (an event's mark is its members' together).
    pub(crate) fn union(&self, other: &DateMark) -> DateMark {
        DateMark {
            weekdays: self.weekdays | other.weekdays,
            months: self.months | other.months,
            years: self.years | other.years,
        }
    }
}

/// Recognises date words by their term hashes, as the [`Analyser`] makes them.
#[derive(Clone, Debug)]
pub(crate) struct DateWords {
    kinds: HashMapU64<(Kind, Rule)>,
}

impl Default for DateWords {
    fn default() -> Self {
        let mut kinds = HashMapU64::default();
        let mut analyser = Analyser::default();
        let mut words = Vec::new();
        let mut add = |text: &str, kind: Kind| {
            let rule = match text {
                "March" => Rule::BesideNumberOrName,
                _ if AMBIGUOUS.contains(&text) => Rule::BesideNumber,
                _ => Rule::Capitalised,
            };
            analyser.analyse(text, &mut words);
            if let [w] = words.as_slice() {
                kinds.insert(w.term, (kind, rule));
            }
        };
        for (d, names) in WEEKDAYS.iter().enumerate() {
            for name in *names {
                add(name, Kind::Weekday(d as u8));
            }
        }
        for (m, names) in MONTHS.iter().enumerate() {
            for name in *names {
                add(name, Kind::Month(m as u8));
            }
        }
        for y in 0..64u8 {
            add(&(FIRST_YEAR + u32::from(y)).to_string(), Kind::Year(y));
        }
        DateWords { kinds }
    }
}

impl DateWords {
    /// What the headline and the first `lead_words` words of the body name. Weekday and
    /// month names count only capitalised ("march" is a verb), and those that are also
    /// common words or names only where they cannot be (see [`AMBIGUOUS`]); a year is
    /// four digits.
    pub(crate) fn mark(&self, title: &[Word], body: &[Word], lead_words: usize) -> DateMark {
        let mut mark = DateMark::default();
        let lead = &body[..body.len().min(lead_words)];
        self.mark_words(title, is_title_case(title), &mut mark);
        self.mark_words(lead, false, &mut mark);
        mark
    }

    fn mark_words(&self, words: &[Word], title_case: bool, mark: &mut DateMark) {
        for (i, w) in words.iter().enumerate() {
            if !(w.capitalised || w.number) {
                continue;
            }
            let Some(&(kind, rule)) = self.kinds.get(&w.term) else { continue };
            let beside_number =
                (i > 0 && words[i - 1].number) || words.get(i + 1).is_some_and(|next| next.number);
            let counts = match rule {
                Rule::Capitalised => w.capitalised,
                Rule::BesideNumber => w.capitalised && beside_number,
                Rule::BesideNumberOrName => {
                    w.capitalised && (beside_number || (w.name && !title_case))
                }
            };
            match kind {
                Kind::Weekday(d) if counts => mark.weekdays |= 1 << d,
                Kind::Month(m) if counts => mark.months |= 1 << m,
                Kind::Year(y) if w.number => mark.years |= 1 << y,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(title: &str, body: &str) -> DateMark {
        let mut a = Analyser::default();
        let (mut t, mut b) = (Vec::new(), Vec::new());
        a.analyse(title, &mut t);
        a.analyse(body, &mut b);
        DateWords::default().mark(&t, &b, 50)
    }

    #[test]
    fn names_of_days_months_and_years_are_marked() {
        let m =
            mark("Senate votes Thursday", "The bill, first filed in March 2019, passed on Thurs.");
        assert_eq!(m.weekdays, 1 << 3);
        assert_eq!(m.months, 1 << 2);
        assert_eq!(m.years, 1 << (2019 - FIRST_YEAR));
        // Lowercase "march" is a verb, "May" is never taken, and 2,019 is no year.
        let m = mark("Protesters march on city hall", "May said 2,019 people joined.");
        assert_eq!(m, DateMark::default());
        // Nor is "March" the month in a Title Case headline or at a sentence's start, nor
        // "Jan" a name.
        let m = mark("Thousands March On City Hall", "Marches went on. Jan Novak spoke.");
        assert_eq!(m, DateMark::default());
        // Next to a number, or mid-sentence in running text, they are months.
        assert_eq!(mark("", "Filed on Jan. 6 and again in March.").months, 0b101);
        assert_eq!(mark("Vote Set For March 3", "").months, 1 << 2);
    }

    #[test]
    fn the_lead_only_counts() {
        let filler = "word ".repeat(60);
        assert_eq!(mark("", &format!("{filler} on Friday")), DateMark::default());
        assert_eq!(mark("", &format!("On Friday {filler}")).weekdays, 1 << 4);
    }

    #[test]
    fn agreeing_dates_raise_and_disagreeing_ones_lower_the_factor() {
        let wed = mark("", "said on Wednesday");
        let fri = mark("", "said on Friday");
        let both = mark("", "said on Wednesday and Friday");
        let none = mark("", "said");
        assert_eq!(wed.factor(&fri, 1.2, 0.5), 0.5);
        assert_eq!(wed.factor(&both, 1.2, 0.5), 1.2);
        assert_eq!(wed.factor(&none, 1.2, 0.5), 1.0);
        let wed_2019 = mark("", "said on Wednesday, in 2019");
        let wed_2021 = mark("", "said on Wednesday, in 2021");
        assert_eq!(wed_2019.factor(&wed_2021, 1.2, 0.5), 1.2 * 0.5);
        assert_eq!(wed.union(&fri).factor(&fri, 1.2, 0.5), 1.2);
    }
}
