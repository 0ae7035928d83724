//! Configuration: unknown keys are refused, missing ones filled in, unusable ones replaced.

use chorus_dedup::{DedupConfig, Deduper, EventId};

use crate::fixtures::MARA;
use crate::util::{article, new};

#[test]
fn config_rejects_unknown_keys_and_fills_in_defaults() {
    let partial: DedupConfig = serde_json::from_str(r#"{"window_hours": 24}"#).unwrap();
    assert_eq!(partial.window_hours, 24);
    assert_eq!(partial.cluster_threshold, DedupConfig::default().cluster_threshold);
    assert!(serde_json::from_str::<DedupConfig>(r#"{"window_hour": 24}"#).is_err());
    let bad = DedupConfig {
        max_candidates: 0,
        title_weight: f32::NAN,
        cluster_threshold: 7.0,
        ..DedupConfig::default()
    };
    assert!(Deduper::try_new(&bad, EventId(1)).is_err());
    // `new` takes it anyway, replacing what is unusable, and still works.
    let mut d = Deduper::new(&bad, EventId(1));
    let a = new(d.observe(article("https://a.test/1", "o", MARA[0].0, MARA[0].1, Some((9, 8)))));
    let b = new(d.observe(article("https://a.test/2", "o", MARA[1].0, MARA[1].1, Some((9, 9)))));
    assert_eq!(a.event.id, b.event.id);
}
