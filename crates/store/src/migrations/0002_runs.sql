-- Chorus database, schema version 2: a record of each pipeline run.

CREATE TABLE runs (
    -- One row per `chorus run` or `chorus backfill` on this file.
    id          INTEGER PRIMARY KEY,
    -- 'daemon', 'backfill' or 'jsonl'.
    kind        TEXT NOT NULL,
    -- The process id of the run.
    pid         INTEGER NOT NULL,
    -- When it started, and when it ended cleanly (every stage drained).
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    -- NULL while running; 'finished' after a clean end; 'abandoned' when a later run found
    -- it never ended (killed or crashed). After an abandoned run, the feeds' conditional-GET
    -- validators are not trusted for one poll.
    outcome     TEXT CHECK (outcome IN ('finished', 'abandoned'))
);
