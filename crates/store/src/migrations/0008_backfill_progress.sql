-- Chorus database, schema version 8: how far a backfill got through each input file it
-- reads record by record (a WARC archive), so that a run killed part-way resumes there
-- instead of reading the file again from its start.

CREATE TABLE backfill_progress (
    -- The file's identity, independent of its name: "warc:<size>:<xxh3-64 of its first
    -- 64 KiB, hex>". A file renamed or moved keeps its progress; a file rewritten does not.
    input       TEXT PRIMARY KEY,
    -- The path it was last read from, for people reading this table.
    path        TEXT NOT NULL,
    -- Its size in bytes.
    size        INTEGER NOT NULL,
    -- Every record that starts before this byte offset is finished: its article committed
    -- in this file, or skipped on purpose (not a page, not an article, seen before). A
    -- resumed run starts reading here. Equal to `size` once the file was read to its end.
    done_offset INTEGER NOT NULL,
    -- When the offset was last written, RFC 3339 UTC.
    updated_at  TEXT NOT NULL
);
