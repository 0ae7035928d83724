-- Chorus database, schema version 2: a record of each pipeline run.

CREATE TABLE runs (
    -- One row per `chorus run` or `chorus backfill` on this file.
    id          INTEGER PRIMARY KEY,
    -- 'daemon', 'backfill' or 'jsonl'.
    kind        TEXT NOT NULL,
    -- When it started and, if it ended cleanly (every stage drained), when it finished.
    -- A NULL finished_at on an older row means that process was killed or crashed: its
    -- feeds' conditional-GET validators are then not trusted by the next run.
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
