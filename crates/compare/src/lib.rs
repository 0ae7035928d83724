//! Where outlets differ: whether two news sentences state the same thing.
//!
//! In: sentences (plain text), and, when a sentence-embedding model is loaded, an
//! [`Encoder`] for them. Out: for a pair of sentences, a probability-like score that
//! they state the same thing ([`Matcher::score`]) and the decision ([`Matcher::same`]);
//! for two texts, each sentence's best match in the other ([`align`]).
//!
//! - [`SentenceInfo`]: one sentence analysed once: content-word stems, likely names,
//!   numbers normalised ("39", "thirty-nine"; "4.5%", "4.5 percent"; "$1.5 billion";
//!   years), length.
//! - [`Idf`]: how rare each word is among the sentences being compared.
//! - [`Features`]: what the decision rests on, each one explainable: the embedding
//!   cosine, the TF-IDF cosine, the share of rare words in common, figures of one kind
//!   that differ, relative length, words in the same order, adjacent word pairs kept.
//! - [`Matcher`]: a logistic model over the features, with two weight sets fitted on
//!   people's judgements of news sentence pairs: [`COMBINED`] (with the embedding) and
//!   [`LEXICAL`] (without a model). `make bench-compare` fits and checks them.
//!   [`Matcher::same`] asks whether two sentences are equivalent; [`align`] asks, at the
//!   lower [`Matcher::RESTATES`], whether a sentence restates another's claim.
//!
//! - [`compare`]: one event's articles cut into sentences ([`sentences`]) and compared: the claims several outlets make (each
//!   outlet's sentence, and the figures they give differently: [`Conflict`]) and those
//!   only one makes, embedding only the sentences that could decide a match, within
//!   bounds for large events ([`CompareOptions`], reported in [`Limits`]);
//!   [`sentence_claims`] says which claim each sentence went to, for scoring the
//!   comparison against hand-judged claims.
//!
//! The library loads no model: the caller implements [`Encoder`] for the one it has.
//!
//! ```
//! use chorus_compare::{Matcher, SentenceInfo};
//! let a = SentenceInfo::new("Leaders of 39 countries met at the Elysee Palace on Thursday.");
//! let b = SentenceInfo::new("On Thursday, leaders of 39 countries met at the Elysee Palace.");
//! let c = SentenceInfo::new("Leaders of 26 countries met at the Elysee Palace on Thursday.");
//! let matcher = Matcher::for_sentences([&a, &b, &c]);
//! assert!(matcher.same(&a, &b, None));
//! assert!(matcher.score(&a, &c, None) < matcher.score(&a, &b, None));
//! ```
#![deny(missing_docs)]

mod align;
mod conflicts;
mod coverage;
mod encoder;
mod matcher;
mod numbers;
mod sentence;
mod words;

pub use align::{BestMatch, align};
pub use conflicts::{Conflict, ConflictKind, ConflictValue};
pub use coverage::{
    Claim, ClaimSentence, CompareOptions, Coverage, CoverageInput, Embedding, Limits,
    SentenceClaim, UniqueClaims, compare, compare_with, sentence_claims, sentences,
};
pub use encoder::{EncodeError, Encoder, cosine};
pub use matcher::{COMBINED, Features, LEXICAL, Matcher, Weights};
pub use numbers::{Number, NumberKind};
pub use sentence::{Idf, SentenceInfo};
