//! Each sentence of one text against every sentence of another: which sentence restates it.

use crate::encoder::{EncodeError, Encoder, cosine};
use crate::matcher::Matcher;
use crate::sentence::SentenceInfo;

/// The highest score and its index, ties to the first.
pub(crate) fn best(scores: impl Iterator<Item = (usize, f32)>) -> Option<(usize, f32)> {
    scores.fold(None, |best, (j, s)| match best {
        Some((_, b)) if b >= s => best,
        _ => Some((j, s)),
    })
}

/// The sentence of the other text most likely to state what one sentence states.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BestMatch {
    /// Its index among the other text's sentences.
    pub index: usize,
    /// Its [`Matcher::score`].
    pub score: f32,
    /// Whether the score reaches the matcher's threshold: the two state the same thing.
    pub same: bool,
}

/// For each sentence of `left`, its best match among the sentences of `right` (`None`
/// when `right` is empty), which restates it when its score reaches
/// [`Matcher::RESTATES`]. Word rarities are counted over both texts' sentences; with an
/// `encoder` the embedding cosine takes part (one call embeds every sentence), without
/// one the lexical weights decide.
///
/// ```
/// use chorus_compare::align;
/// let left = ["Storm Ada made landfall near Tampico on Monday with winds of 180 km/h.",
///             "The mayor blamed the state government for the slow evacuation."];
/// let right = ["Schools in the region will stay closed until Thursday.",
///              "Winds of 180 km/h lashed Tampico as storm Ada made landfall on Monday."];
/// let best = align(&left, &right, None).unwrap();
/// let first = best[0].unwrap();
/// assert_eq!(first.index, 1);
/// assert!(first.same);
/// assert!(!best[1].unwrap().same);
/// ```
pub fn align(
    left: &[&str],
    right: &[&str],
    encoder: Option<&dyn Encoder>,
) -> Result<Vec<Option<BestMatch>>, EncodeError> {
    let l: Vec<SentenceInfo> = left.iter().map(|s| SentenceInfo::new(s)).collect();
    let r: Vec<SentenceInfo> = right.iter().map(|s| SentenceInfo::new(s)).collect();
    let matcher = Matcher::for_sentences(l.iter().chain(&r)).with_threshold(Matcher::RESTATES);
    let vectors = match encoder {
        Some(e) => {
            let texts: Vec<&str> = left.iter().chain(right).copied().collect();
            let v = e.encode(&texts)?;
            if v.len() != texts.len() {
                return Err(EncodeError::new(format!(
                    "{} vectors for {} sentences",
                    v.len(),
                    texts.len()
                )));
            }
            Some(v)
        }
        None => None,
    };
    let cos = |i: usize, j: usize| vectors.as_ref().map(|v| cosine(&v[i], &v[left.len() + j]));
    Ok(l.iter()
        .enumerate()
        .map(|(i, a)| {
            best((0..r.len()).map(|j| (j, matcher.score(a, &r[j], cos(i, j))))).map(
                |(index, score)| BestMatch { index, score, same: score >= matcher.threshold() },
            )
        })
        .collect())
}
