-- Chorus database, schema version 1.
--
-- One file holds every article Chorus stored, the events that group them across outlets,
-- and the health of every polled feed. It is meant to be opened directly (sqlite3, Python,
-- R, Datasette). Conventions:
--   * times are RFC 3339 text in UTC with microseconds, e.g. 2025-09-04T10:30:00.000000Z,
--     so they sort as text in time order and parse with any ISO 8601 reader;
--   * lists are JSON arrays of strings (json_each() expands them);
--   * an article's identity is its `key`, never its `seq`.

CREATE TABLE events (
    -- Events: groups of articles, across outlets, that report one thing that happened.
    -- Event id, assigned in order by the clusterer and never reused.
    id            INTEGER PRIMARY KEY,
    -- The event's representative title (the headline that best stands for it).
    title         TEXT NOT NULL,
    -- Time of the earliest and latest member article (published, else fetched, else stored).
    first_seen    TEXT,
    last_seen     TEXT,
    -- Member articles, duplicates included (a reprint is a member of its original's event).
    article_count INTEGER NOT NULL DEFAULT 0,
    -- Distinct outlets among the members (articles without an outlet are not counted).
    outlet_count  INTEGER NOT NULL DEFAULT 0,
    -- NULL for a live event; else the id of the event this one was merged into. Merges are
    -- path-compressed: this always names a live event, and the members moved there.
    merged_into   INTEGER REFERENCES events(id),
    -- When the row was created and last changed.
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX events_merged_into ON events(merged_into);
CREATE INDEX events_last_seen ON events(last_seen);

CREATE TABLE articles (
    -- Articles: one row per stored article, duplicates included, in arrival order.
    -- Arrival order: the order in which the pipeline stored articles.
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Identity: the canonical URL, or `input:<id>` for an input record without a URL.
    key                  TEXT NOT NULL UNIQUE,
    -- The id the article had in its input file (JSONL backfill); NULL for fetched pages.
    input_id             TEXT,
    -- Where the article was found (after redirects), as fetched or as the input gave it.
    url                  TEXT,
    -- The address the page names as its own (rel=canonical, og:url), if any.
    canonical_url        TEXT,
    -- The outlet that published it; NULL when an input record names none.
    outlet               TEXT,
    -- The headline, without the site-name suffix.
    title                TEXT NOT NULL,
    -- The body text: paragraphs separated by blank lines.
    text                 TEXT NOT NULL,
    -- Author names, a JSON array of strings.
    authors              TEXT NOT NULL DEFAULT '[]',
    -- Publication time, and where it was read from (json_ld, open_graph, meta,
    -- time_element, feed, url, input).
    published            TEXT,
    published_source     TEXT,
    -- Last modification time, when the page gives one.
    modified             TEXT,
    -- ISO 639-1 language code, when it could be told.
    language             TEXT,
    -- When the page was downloaded; NULL for input records.
    fetched_at           TEXT,
    -- Page flags that are set (paywalled, consent_wall, not_article), a JSON array.
    flags                TEXT NOT NULL DEFAULT '[]',
    -- What produced `text` ("chorus-extract 0.1.0", or "input").
    extractor            TEXT NOT NULL,
    -- Hex xxh3-64 of the normalised text: equal hashes mean the same words.
    text_hash            TEXT NOT NULL,
    -- For a copy of an earlier article (wire story, syndication): the original's `key`,
    -- and how alike the two texts are (0..1). Both NULL for an original.
    duplicate_of         TEXT,
    duplicate_similarity REAL,
    -- The event the article belongs to (moved to the survivor when events merge).
    event_id             INTEGER REFERENCES events(id),
    -- When the row was written.
    stored_at            TEXT NOT NULL,
    CHECK ((duplicate_of IS NULL) = (duplicate_similarity IS NULL))
);

CREATE INDEX articles_text_hash ON articles(text_hash);
CREATE INDEX articles_event_id ON articles(event_id);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_input_id ON articles(input_id);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);

CREATE TABLE feeds (
    -- Feeds: one row per polled feed, with its polling state and health.
    -- The feed's address, as configured.
    url                  TEXT PRIMARY KEY,
    -- The outlet that publishes it, as users see it.
    outlet               TEXT NOT NULL,
    -- Conditional-request state for the next poll: ETag, Last-Modified (verbatim), and a
    -- hex xxh3-64 of the last body.
    etag                 TEXT,
    last_modified        TEXT,
    body_hash            TEXT,
    -- When the feed was last polled, last answered (fetched or not modified), and last
    -- listed an article not seen before.
    last_checked         TEXT,
    last_success         TEXT,
    last_new_article_at  TEXT,
    -- Why the last poll failed; NULL when it succeeded.
    last_error           TEXT,
    -- Polls, failed polls, polls answered "not modified", and entries whose article was
    -- new and queued for download, since the feed was first polled.
    checks               INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0,
    not_modified         INTEGER NOT NULL DEFAULT 0,
    articles             INTEGER NOT NULL DEFAULT 0,
    -- Failed polls since the last success.
    consecutive_failures INTEGER NOT NULL DEFAULT 0
);

-- Full-text index over article titles and texts (external content: the text lives only in
-- `articles`). Query it with e.g.
--   SELECT a.* FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
--   WHERE articles_fts MATCH 'troops' ORDER BY bm25(articles_fts, 3.0, 1.0);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title,
    text,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The triggers keep articles_fts in step with articles, whoever writes.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

-- Events as users see them: not merged away, with at least one article.
CREATE VIEW live_events AS
    SELECT id, title, first_seen, last_seen, article_count, outlet_count
    FROM events
    WHERE merged_into IS NULL AND article_count > 0;
