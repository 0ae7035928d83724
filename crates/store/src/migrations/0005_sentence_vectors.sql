-- Chorus database, schema version 5: sentence embeddings kept once computed, so that a
-- comparison never embeds the same sentence twice, across commands and restarts.

CREATE TABLE sentence_vectors (
    -- The model's id (Embedder::model_id): vectors of different models never mix.
    model     TEXT NOT NULL,
    -- xxh3-64 of the sentence's text, as a signed 64-bit integer.
    text_hash INTEGER NOT NULL,
    -- The unit vector as 8-bit codes (chorus_embed::quantize: each vector scaled by its
    -- largest component), one byte per dimension: 384 bytes for all-MiniLM-L6-v2.
    vector    BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
