-- Chorus database, schema version 7: each article's downloaded page kept beside it
-- (store.keep_raw), so that a newer extractor can read it again (`chorus reextract`), and
-- a record of every re-extraction.

CREATE TABLE raw_pages (
    -- The page an article was extracted from, one row per article at most. Written in the
    -- same transaction as its article; deleted with it (`chorus prune --articles`), or
    -- alone to bound the file (`chorus prune --older-than DAYS`).
    -- The article (articles.seq).
    article_seq   INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    -- When the body finished downloading, RFC 3339 UTC.
    fetched_at    TEXT NOT NULL,
    -- The address requested (from the feed, sitemap or list) and the one answered after
    -- redirects.
    url           TEXT NOT NULL,
    final_url     TEXT NOT NULL,
    -- The HTTP status of the final response, and its Content-Type, ETag and Last-Modified
    -- headers, verbatim (NULL when absent).
    status        INTEGER,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    -- The feed entry that pointed at the page, as JSON ({"url", "title", "published",
    -- "authors"}), whose title and date extraction falls back on; NULL without one.
    entry         TEXT,
    -- The body's size in bytes, and the body compressed as one zstd frame
    -- (`zstd -d` or any zstd library inflates it).
    body_bytes    INTEGER NOT NULL,
    body_zstd     BLOB NOT NULL
);

CREATE INDEX raw_pages_fetched_at ON raw_pages(fetched_at);

-- When the article's text and metadata were last extracted (stored, or re-extracted with
-- a newer `extractor`); NULL for input records and articles stored before version 7.
ALTER TABLE articles ADD COLUMN extracted_at TEXT;

CREATE TABLE reextractions (
    -- One row per `chorus reextract` on this file.
    id             INTEGER PRIMARY KEY,
    -- The extractor that ran (name, version and rules revision).
    extractor      TEXT NOT NULL,
    -- The filters given: pages fetched at or after `since` (RFC 3339), of `outlet`.
    since          TEXT,
    outlet         TEXT,
    started_at     TEXT NOT NULL,
    -- NULL until it finished.
    ended_at       TEXT,
    -- Pages read; articles left unchanged; articles whose text or metadata changed and
    -- were updated; pages that could not be read or extracted again; events whose
    -- members or figures changed as a result.
    pages          INTEGER NOT NULL DEFAULT 0,
    unchanged      INTEGER NOT NULL DEFAULT 0,
    changed        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    events_changed INTEGER NOT NULL DEFAULT 0
);
