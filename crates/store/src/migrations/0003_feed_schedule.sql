-- Chorus database, schema version 3: each feed's adaptive schedule, and why it is polled
-- when it is.

-- When the feed is due next, and why, in words fit to show users ("feed publishes ~4/h",
-- "server asked: Retry-After 120 s", "failing (3 soft failures): backing off").
ALTER TABLE feeds ADD COLUMN next_poll_at TEXT;
ALTER TABLE feeds ADD COLUMN next_poll_reason TEXT;
-- The feed's current base interval in seconds, before hints and backoff; 0 before its
-- first poll.
ALTER TABLE feeds ADD COLUMN poll_interval_secs INTEGER NOT NULL DEFAULT 0;
-- Failed polls in a row since the last success, apart: soft failures may pass (timeouts,
-- connection errors, 429, 5xx), hard ones will likely repeat (404, 410, not a feed).
ALTER TABLE feeds ADD COLUMN soft_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN hard_failures INTEGER NOT NULL DEFAULT 0;
-- Recent successful polls (roughly the last 10 to 20: halved when they reach 20), those
-- answered "not modified", the entries the others listed, and how many of those entries
-- were already known. recent_not_modified / recent_polls is the share of 304s;
-- recent_known / recent_entries the share of known items.
ALTER TABLE feeds ADD COLUMN recent_polls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN recent_not_modified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN recent_entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN recent_known INTEGER NOT NULL DEFAULT 0;
-- "Not modified" answers in a row since the feed was last read in full; every 8th is
-- replaced by a poll without validators that checks them against the body.
ALTER TABLE feeds ADD COLUMN unchanged_streak INTEGER NOT NULL DEFAULT 0;
-- 1 once the server kept its ETag/Last-Modified while the body changed: the feed is
-- polled without validators from then on.
ALTER TABLE feeds ADD COLUMN validators_unreliable INTEGER NOT NULL DEFAULT 0
    CHECK (validators_unreliable IN (0, 1));
