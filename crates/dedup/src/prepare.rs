//! The half of deciding about an article that needs no state: its identity key, words,
//! text hash, copy signature, term counts and named dates. It can run on any thread, ahead
//! of the [`crate::Deduper`], which must take articles one at a time and does only the
//! part that depends on the articles before.

use chorus_model::{Article, ArticleKey};

use crate::dates::{DateMark, DateWords};
use crate::deduper::identity_key;
use crate::near_dup::{self, Signature};
use crate::terms::{Term, TermVector, Weights, count_terms, term_id};
use crate::text::{Analyser, Word};

/// What the deduplicator needs to know about an article's text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Analysis {
    /// xxh3-64 of the normalised body.
    pub(crate) text_hash: u64,
    /// Words in the body.
    pub(crate) words: usize,
    pub(crate) signature: Option<Signature>,
    /// Weighted term counts, before document frequencies (see [`count_terms`]).
    pub(crate) counts: TermVector,
    /// The headline's distinct content terms, sorted.
    pub(crate) title_terms: Vec<Term>,
    pub(crate) dates: DateMark,
    /// The embedding of its [`meaning text`](Prepared::meaning_text), if one was given.
    pub(crate) meaning: Option<Vec<f32>>,
}

/// An article with its text analysed, ready for [`crate::Deduper::observe_prepared`]. Made by
/// a [`Preparer`].
#[derive(Clone, Debug)]
pub struct Prepared {
    pub(crate) article: Article,
    /// Its [`identity_key`].
    pub(crate) key: ArticleKey,
    pub(crate) analysis: Analysis,
    /// The first `lead_words` words of the body, kept for [`Prepared::meaning_text`].
    lead_words: usize,
}

impl Prepared {
    /// The text whose embedding stands for the article's meaning: the headline, a line
    /// break, then the lead, the first `lead_words` words of the body (split at white
    /// space, joined by single spaces). Either may be empty. Headline and lead are what
    /// news puts the event in, and short enough for the model's 256 tokens.
    pub fn meaning_text(&self) -> String {
        meaning_text(&self.article, self.lead_words)
    }

    /// Gives the article the embedding of its [`meaning_text`](Prepared::meaning_text)
    /// (a unit vector from `chorus_embed::Embedder::embed`), which the deduper then mixes
    /// into its similarities ([`crate::DedupConfig::semantic_weight`]).
    pub fn set_meaning(&mut self, vector: Vec<f32>) {
        self.analysis.meaning = Some(vector);
    }

    /// Whether the article carries an embedding.
    pub fn has_meaning(&self) -> bool {
        self.analysis.meaning.is_some()
    }

    /// The article.
    pub fn article(&self) -> &Article {
        &self.article
    }
}

/// See [`Prepared::meaning_text`].
pub(crate) fn meaning_text(article: &Article, lead_words: usize) -> String {
    let mut text = article.title.trim().to_owned();
    text.push('\n');
    for (i, word) in article.text.split_whitespace().take(lead_words).enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// Prepares articles for a [`crate::Deduper`], on any thread: get one from
/// [`crate::Deduper::preparer`] (it carries the same settings) and send what it makes to
/// the deduper in arrival order.
///
/// ```
/// use chorus_dedup::{DedupSettings, Deduper, EventId, Verdict};
/// use chorus_model::Article;
/// let mut deduper = Deduper::new(&DedupSettings::default(), EventId(1));
/// let mut preparer = deduper.preparer();
/// let article = Article { title: "Storm hits the coast".into(), ..Article::default() };
/// let prepared = std::thread::spawn(move || preparer.prepare(article)).join().unwrap();
/// assert!(matches!(deduper.observe_prepared(prepared), Verdict::New(_)));
/// ```
#[derive(Clone, Debug)]
pub struct Preparer {
    weights: Weights,
    date_words: DateWords,
    analyser: Analyser,
    title: Vec<Word>,
    body: Vec<Word>,
    raw: Vec<(Term, f32)>,
}

impl Preparer {
    pub(crate) fn new(weights: Weights) -> Self {
        Preparer {
            weights,
            date_words: DateWords::default(),
            analyser: Analyser::default(),
            title: Vec::new(),
            body: Vec::new(),
            raw: Vec::new(),
        }
    }

    /// Analyses `article` for the deduper.
    pub fn prepare(&mut self, article: Article) -> Prepared {
        #[cfg(test)]
        assert!(article.title != crate::stage::PANIC_IN_PREPARE, "a test asked for a panic");
        let analysis = self.analyse(&article);
        Prepared {
            key: identity_key(&article),
            article,
            analysis,
            lead_words: self.weights.lead_words,
        }
    }

    /// The analysis of an article's text (its identity key aside).
    pub(crate) fn analyse(&mut self, article: &Article) -> Analysis {
        let text_hash = self.analyser.analyse(&article.text, &mut self.body);
        self.analyser.analyse(&article.title, &mut self.title);
        let mut title_terms: Vec<Term> =
            self.title.iter().filter(|w| !w.stop).map(|w| term_id(w.term)).collect();
        title_terms.sort_unstable();
        title_terms.dedup();
        let mut counts = TermVector::new();
        count_terms(&self.weights, &self.title, &self.body, &mut self.raw, &mut counts);
        Analysis {
            text_hash,
            words: self.body.len(),
            signature: near_dup::signature(&self.body),
            counts,
            title_terms,
            dates: self.date_words.mark(&self.title, &self.body, self.weights.lead_words),
            meaning: None,
        }
    }
}
