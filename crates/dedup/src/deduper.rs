//! The deduplicator: one owner of the known keys, the copy index and the events.

use std::fmt::{self, Write as _};
use std::hash::BuildHasherDefault;

use chorus_model::{
    Article, ArticleKey, BoundedMap, Classified, Duplicate, EventId, Superseded, canonical_url,
};
use xxhash_rust::xxh3::Xxh3;

use crate::DedupSettings;
use crate::cluster::Clusterer;
use crate::event::Moment;
use crate::near_dup::CopyIndex;
use crate::prepare::{Analysis, Prepared, Preparer};
use crate::terms::{DocFreq, Term, Weights, weigh};
use crate::text::{HashedKey, hex, text_digest};

/// Events are checked for expiry once every this many articles (expiry is also checked
/// whenever an event is a candidate, so this only paces the freeing of memory).
const SWEEP_EVERY: u64 = 256;

/// What the deduplicator decided about an article.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // Moved once per article; a box would cost an allocation.
pub enum Verdict {
    /// The same article (same identity key, such as the same canonical URL) was seen
    /// before: drop it.
    Known {
        /// Its identity key.
        key: ArticleKey,
    },
    /// An article not seen before, with its copy status and its event.
    New(Classified),
}

/// The identity of an article: the input file's id for a record of an input file, else
/// its canonical URL (the page's own `rel=canonical` if it names one, else the address it
/// was found at), else the hash of its body's normalised text (of its headline when the
/// body has no words).
///
/// An input file's records are identified by their ids, not their URLs: a corpus may hold
/// two records of one URL (two editions, or a page and its syndicated copy under the
/// original's address), and each must come back out under its own id. Two such records
/// with the same text are still found to be copies.
///
/// ```
/// use chorus_dedup::identity_key;
/// use chorus_model::{Article, ArticleKey};
/// let mut a = Article { url: Some("https://www.example.test/story/?utm_source=rss".parse().unwrap()), ..Article::default() };
/// assert_eq!(identity_key(&a).to_string(), "https://example.test/story");
/// a.input_id = Some("42".into());
/// assert_eq!(identity_key(&a), ArticleKey::Input("42".into()));
/// ```
pub fn identity_key(article: &Article) -> ArticleKey {
    if let Some(id) = article.input_id.as_deref().filter(|id| !id.is_empty()) {
        return ArticleKey::Input(id.to_owned());
    }
    let url = article.canonical_url.as_ref().or(article.url.as_ref());
    if let Some(key) = url.and_then(|url| ArticleKey::url(canonical_url(url))) {
        return key;
    }
    let text = if article.text.chars().any(char::is_alphanumeric) {
        &article.text
    } else {
        &article.title
    };
    ArticleKey::Text(text_digest(text))
}

/// Identity keys seen, as hashes of their text form, oldest forgotten first past the limit
/// ([`BoundedMap`]).
#[derive(Debug)]
struct KnownKeys(BoundedMap<u64, (), BuildHasherDefault<HashedKey>>);

impl KnownKeys {
    fn new(limit: usize) -> Self {
        KnownKeys(BoundedMap::with_hasher(limit, BuildHasherDefault::default()))
    }

    /// Records `key`; false if it was already known.
    fn insert(&mut self, key: &ArticleKey) -> bool {
        /// The text form, hashed as it is written out, without building the string.
        struct Digest(Xxh3);
        impl fmt::Write for Digest {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.update(s.as_bytes());
                Ok(())
            }
        }
        let mut digest = Digest(Xxh3::new());
        write!(digest, "{key}").expect("hashing text cannot fail");
        self.0.insert(digest.0.digest())
    }
}

/// The deduplicator and event clusterer: the one owner of the known identity keys, the
/// text-hash and near-duplicate index, the document frequencies and the events.
///
/// Articles go through [`Deduper::observe`] one at a time, in arrival order; each decision
/// uses only the articles before it. The same input in the same order gives the same
/// output.
///
/// For each new article:
///
/// 1. **Identity.** Its [`identity_key`] seen before: [`Verdict::Known`].
/// 2. **Copies.** The same normalised text as an article in the window, or a near copy
///    (estimated Jaccard similarity of word 3-shingles at least
///    [`DedupConfig::near_duplicate_threshold`](crate::DedupConfig::near_duplicate_threshold), found through LSH buckets): it is marked a
///    copy of the earliest such article and joins that article's event. If it was
///    published before that article (its feed was read later), it is the original
///    instead: [`Classified::supersedes`] names the article it takes over from, which,
///    with the copies that pointed at it, now points at this one.
/// 3. **Events.** Otherwise the article becomes a term vector (TF-IDF; headline and lead
///    weighted up, names and numbers weighted up, document frequencies learned from the
///    window) and is compared with the articles in the window found through an inverted
///    index on their heaviest terms (looked up with its own heaviest terms that other
///    articles are listed under, candidates ranked by the time between them as well).
///    Where both texts carry an embedding of their headline and lead
///    ([`Prepared::set_meaning`]), its cosine is mixed into the similarity
///    ([`DedupConfig::semantic_weight`](crate::DedupConfig::semantic_weight)).
///    Similarities decay with the time between articles
///    ([`DedupConfig::decay_half_life_hours`](crate::DedupConfig::decay_half_life_hours)); where either side has no time, they are
///    scaled by whether the weekdays, months and years the headlines and leads name agree
///    ([`DedupConfig::date_disagree`](crate::DedupConfig::date_disagree), [`DedupConfig::date_agree`](crate::DedupConfig::date_agree)). Its score for each of its nearest
///    neighbours' events is
///
///    ```text
///    score(x, E) = avg_{y in E} sim(x, y) − (r(x) + avg_{y in E} r(y)) / 2
///    ```
///
///    where `r(a)`, the local scale, is the mean similarity of `a` to its
///    [`DedupConfig::neighbours`](crate::DedupConfig::neighbours) most similar articles. This is the cross-domain similarity
///    local scaling (CSLS) of Conneau et al. (2018), a remedy for hubness: some stories (a
///    president's week, a weekly statistic) are fairly similar to many others, and a single
///    absolute threshold either glues them together or splits distinctive events. With the
///    local scale the question becomes "closer to each other than to their usual
///    neighbours". The article joins the best event if its score reaches
///    [`DedupConfig::cluster_threshold`](crate::DedupConfig::cluster_threshold) divided by the event's number of articles (its
///    margins over the members add up to the threshold) and its plain average similarity
///    reaches [`DedupConfig::min_similarity`](crate::DedupConfig::min_similarity) (or the stricter
///    [`DedupConfig::untimed_min_similarity`](crate::DedupConfig::untimed_min_similarity) when there is no time to go by); else it
///    starts an event with the next id. An article that joins an event may bridge it to
///    another: such events are merged, the older id surviving, and reported in
///    [`EventRef::merged`](chorus_model::EventRef::merged).
///
/// An event's title is the member headline closest to its centroid. Articles and events
/// leave the window by age ([`DedupConfig::window_hours`](crate::DedupConfig::window_hours)) or by count
/// ([`DedupConfig::max_window_articles`](crate::DedupConfig::max_window_articles)), which bounds memory.
#[derive(Debug)]
pub struct Deduper {
    known: KnownKeys,
    copies: CopyIndex,
    df: DocFreq,
    clusters: Clusterer,
    weights: Weights,
    near_threshold: f32,
    window_secs: i64,
    window_articles: u64,
    preparer: Preparer,
    vector: Vec<(Term, f32)>,
    /// Arrival number of the last article.
    seq: u64,
    /// The latest time seen: download times first, publication times for input files.
    clock: Option<i64>,
}

impl Deduper {
    /// A deduplicator with nothing seen yet; new events are numbered from `next_event` on
    /// (the store gives one past its highest).
    pub fn new(cfg: &DedupSettings, next_event: EventId) -> Self {
        let window_articles = cfg.max_window_articles.get();
        Deduper {
            known: KnownKeys::new(cfg.max_known_keys.get()),
            copies: CopyIndex::default(),
            df: DocFreq::new(cfg.max_window_articles, cfg.idf_power),
            window_secs: cfg.params.window_secs,
            clusters: Clusterer::new(cfg.params.clone(), next_event),
            preparer: Preparer::new(cfg.weights.clone()),
            weights: cfg.weights.clone(),
            near_threshold: cfg.near_duplicate_threshold,
            window_articles: window_articles as u64,
            vector: Vec::new(),
            seq: 0,
            clock: None,
        }
    }

    /// Decides about the next article: [`Verdict::Known`] if its identity key was seen
    /// before, else whether it copies an earlier article and which event it joins.
    pub fn observe(&mut self, article: Article) -> Verdict {
        let analysis = self.preparer.analyse(&article);
        let key = identity_key(&article);
        self.decide(article, key, analysis)
    }

    /// [`Deduper::observe`] for an article a [`Preparer`] from [`Deduper::preparer`] has
    /// analysed already (the same decision, without the analysis).
    pub fn observe_prepared(&mut self, prepared: Prepared) -> Verdict {
        self.decide(prepared.article, prepared.key, prepared.analysis)
    }

    /// A [`Preparer`] with this deduper's settings, to analyse articles on other threads.
    pub fn preparer(&self) -> Preparer {
        self.preparer.clone()
    }

    fn decide(&mut self, article: Article, key: ArticleKey, a: Analysis) -> Verdict {
        #[cfg(test)]
        assert!(article.title != crate::stage::PANIC_IN_DECIDE, "a test asked for a panic");
        let Analysis { text_hash: hash, words, signature, counts, title_terms, dates, meaning } = a;
        if !self.known.insert(&key) {
            return Verdict::Known { key };
        }
        let now = self.advance(&article);
        let published = article.published.map(|t| t.timestamp());
        let copy = self.copies.find(hash, words, signature.as_ref(), self.near_threshold);
        // A text published before the one taken for its original, that arrived after it
        // (its outlet's feed was read later), is the original: the earliest copy is the
        // one published first, not the one that happened to be downloaded first.
        let earlier = copy.as_ref().filter(
            |c| matches!((published, c.published), (Some(mine), Some(theirs)) if mine < theirs),
        );

        let joined = copy.as_ref().and_then(|c| self.clusters.join_copy(c.event, &now));
        let event = match joined {
            Some(event) => event,
            None => {
                self.vector = counts;
                weigh(&self.weights, &mut self.df, &mut self.vector);
                self.clusters.place(
                    &self.vector,
                    meaning.as_deref(),
                    dates,
                    &article.title,
                    title_terms,
                    &now,
                    None,
                )
            }
        };
        let supersedes = earlier.map(|c| {
            let own = self.copies.take_over(&c.of, &key, published, hash, signature.as_ref());
            Superseded { key: c.of.clone(), similarity: own.unwrap_or(c.similarity) }
        });
        if copy.is_none() || earlier.is_some() {
            let (seq, arrived) = (now.seq, now.arrived);
            self.copies.insert(seq, arrived, published, key.clone(), event.id, hash, signature);
        }
        let duplicate_of = match supersedes {
            None => copy.map(|c| Duplicate { of: c.of, similarity: c.similarity }),
            Some(_) => None,
        };
        Verdict::New(Classified {
            article,
            key,
            text_hash: hex(hash),
            duplicate_of,
            supersedes,
            event,
        })
    }

    /// Rebuilds state from an article decided before (read back from the store at
    /// start-up, oldest first): its key, its text in the copy index unless it was a copy,
    /// and its membership of the event recorded for it, under that event's id.
    pub fn restore(&mut self, prior: &Classified) {
        self.known.insert(&prior.key);
        let article = &prior.article;
        let now = self.advance(article);
        if prior.duplicate_of.is_some() {
            self.clusters.restore_copy(&prior.event, &now);
            return;
        }
        let Analysis { text_hash, signature, counts, title_terms, dates, .. } =
            self.preparer.analyse(article);
        self.vector = counts;
        weigh(&self.weights, &mut self.df, &mut self.vector);
        // The store keeps no embeddings: a restored article is compared by its words.
        self.clusters.place(
            &self.vector,
            None,
            dates,
            &article.title,
            title_terms,
            &now,
            Some(&prior.event),
        );
        self.copies.insert(
            now.seq,
            now.arrived,
            article.published.map(|t| t.timestamp()),
            prior.key.clone(),
            prior.event.id,
            text_hash,
            signature,
        );
    }

    /// Counts the article in, moves the clock, and lets old state go.
    fn advance(&mut self, article: &Article) -> Moment {
        self.seq += 1;
        // The clock follows download times where there are any: a page's claimed date can
        // be wrong, even in the future, and must not expire every event at once.
        if let Some(t) = article.fetched_at.or(article.published) {
            let t = t.timestamp();
            self.clock = Some(self.clock.map_or(t, |c| c.max(t)));
        }
        let now = Moment {
            seq: self.seq,
            time: article.time().map(|t| t.timestamp()),
            arrived: article.fetched_at.or(article.published).map(|t| t.timestamp()),
            min_seq: self.seq.saturating_sub(self.window_articles - 1),
            min_time: self.clock.map(|c| c - self.window_secs),
        };
        self.copies.expire(now.min_seq, now.min_time);
        self.clusters.expire(&now, self.seq.is_multiple_of(SWEEP_EVERY));
        now
    }

    /// Sizes of the state, for memory checks.
    pub fn footprint(&self) -> Footprint {
        let (articles, postings) = self.clusters.sizes();
        Footprint {
            events: self.clusters.len(),
            articles,
            postings,
            originals: self.copies.len(),
            terms: self.df.terms(),
            known_keys: self.known.0.len(),
        }
    }
}

/// How much state a [`Deduper`] holds; everything but `known_keys` is bounded by the
/// window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    /// Events in the window.
    pub events: usize,
    /// Articles in the clustering window.
    pub articles: usize,
    /// Entries in the term index (some may point at expired events until swept).
    pub postings: usize,
    /// Articles in the copy index.
    pub originals: usize,
    /// Terms with a document frequency.
    pub terms: usize,
    /// Identity keys remembered.
    pub known_keys: usize,
}
