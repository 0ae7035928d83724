-- Chorus database, schema version 4: which sentence-embedding model each run compared and
-- clustered with, so that status commands can say whether meaning or words alone were used.

-- The model's id (`all-MiniLM-L6-v2-859ca6944cd7`: the folder's name and a hash of its
-- files), or NULL when the run had no model and used the lexical signal alone.
ALTER TABLE runs ADD COLUMN meaning_model TEXT;
-- Why the run had no model, in words fit to show users ("no model in models/ or
-- $CHORUS_MODEL_DIR: run `make model` or set [embed] model_dir"); NULL with a model.
ALTER TABLE runs ADD COLUMN meaning_note TEXT;
