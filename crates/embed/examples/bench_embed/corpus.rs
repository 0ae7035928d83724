//! Synthetic news sentences of a set token length, the same every run.

use chorus_embed::Embedder;

const SUBJECTS: &[&str] = &[
    "The finance minister",
    "Police in the northern province",
    "The city council",
    "A spokesperson for the airline",
    "Rescue teams",
    "The central bank",
    "Striking port workers",
    "The health ministry",
    "Opposition leaders",
    "The football club",
    "Residents of the coastal town",
    "The energy regulator",
];
const VERBS: &[&str] = &[
    "said on Tuesday that",
    "warned late on Friday that",
    "confirmed in a statement that",
    "told reporters on Monday that",
    "announced overnight that",
    "denied reports that",
];
const CLAUSES: &[&str] = &[
    "the new bridge would not open before the end of next year",
    "fuel prices had risen by almost a fifth since the spring",
    "three people were still missing after the flooding",
    "talks with the unions would resume in the capital next week",
    "the budget gap was larger than forecast in January",
    "the storm had cut power to forty thousand homes",
    "the contract had been awarded without a public tender",
    "exports fell sharply in the third quarter",
    "the vaccine campaign would be extended to schools",
    "the election would be held as planned in October",
];
const TAILS: &[&str] = &[
    "according to officials",
    "despite growing pressure from local businesses",
    "as protests continued outside parliament",
    "citing a shortage of staff and equipment",
    "after weeks of negotiations",
    "in a move criticised by rights groups",
    "while investors waited for new figures",
    "amid concerns over safety",
];

/// `n` sentences of `tokens` tokens each (`[CLS]` and `[SEP]` included), or one or two
/// more where the last word splits into several pieces. Distinct unless `n` is in the
/// thousands.
pub(crate) fn sentences(embedder: &Embedder, n: usize, tokens: usize) -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut pick = move |list: &[&'static str]| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        list[(state % list.len() as u64) as usize]
    };
    let mut out: Vec<String> = Vec::with_capacity(n);
    let mut attempts = 0;
    while out.len() < n {
        attempts += 1;
        let mut text = format!("{} {} {}", pick(SUBJECTS), pick(VERBS), pick(CLAUSES));
        let mut words = Vec::new();
        while embedder.count_tokens(&format!("{text}.")) < tokens {
            if words.is_empty() {
                let mut tail = pick(TAILS);
                while text.contains(tail) && TAILS.iter().any(|t| !text.contains(t)) {
                    tail = pick(TAILS);
                }
                text.push(',');
                words = tail.split(' ').rev().collect();
            }
            text.push(' ');
            text.push_str(words.pop().unwrap_or_default());
        }
        text.push('.');
        if attempts > 20 * n || !out.contains(&text) {
            out.push(text);
        }
    }
    out
}
