//! Configuration: unknown keys are refused, missing ones filled in, unusable ones named.

use chorus_dedup::DedupConfig;

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
    // Settings that fail the check cannot make a deduplicator: there is none to repair.
    let problems = bad.validate().unwrap_err();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["dedup.max_candidates", "dedup.cluster_threshold", "dedup.title_weight"]);
}
