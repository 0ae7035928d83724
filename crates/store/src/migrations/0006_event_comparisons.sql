-- Chorus database, schema version 6: each event's comparison (which claims several
-- outlets make, which only one makes) kept once computed, so that a view reads it instead
-- of comparing the articles again; recomputed when the event's articles change.

CREATE TABLE event_comparisons (
    -- The event compared.
    event_id    INTEGER PRIMARY KEY REFERENCES events(id),
    -- What it was computed from: "<originals>:<highest seq>", the number of the event's
    -- original articles and the arrival number of the latest. A comparison whose basis no
    -- longer matches the event's is stale and is not shown.
    basis       TEXT NOT NULL,
    -- The comparison as JSON (chorus_compare::Coverage: shared claims, single-outlet
    -- claims, and whether sentence embeddings took part).
    coverage    TEXT NOT NULL,
    -- Whether sentence embeddings took part (1) or words alone (0).
    by_meaning  INTEGER NOT NULL,
    -- When it was computed.
    computed_at TEXT NOT NULL
);
