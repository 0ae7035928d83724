//! Sentence embeddings kept once computed, by model and text hash.

use std::collections::HashMap;

use rusqlite::params;

use crate::{Store, StoreError};

/// The key a sentence's vector is kept under: a hash of its exact text. Everything that
/// reads or writes `sentence_vectors` must derive keys here, or kept vectors go unseen.
pub fn sentence_key(text: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes()).cast_signed()
}

/// The most hashes looked up in one statement (SQLite allows 32,766 parameters).
const LOOKUP_CHUNK: usize = 500;

impl Store {
    /// The stored vectors of `model` for these text hashes (8-bit codes), by hash; hashes
    /// with none stored are absent.
    pub fn sentence_vectors(
        &self,
        model: &str,
        hashes: &[i64],
    ) -> Result<HashMap<i64, Vec<i8>>, StoreError> {
        let mut found = HashMap::new();
        for chunk in hashes.chunks(LOOKUP_CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare(&format!(
                "SELECT text_hash, vector FROM sentence_vectors
                 WHERE model = ? AND text_hash IN ({marks})"
            ))?;
            let args = std::iter::once(&model as &dyn rusqlite::ToSql)
                .chain(chunk.iter().map(|h| h as &dyn rusqlite::ToSql));
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                let bytes: Vec<u8> = r.get(1)?;
                Ok((r.get::<_, i64>(0)?, bytes.into_iter().map(|b| b as i8).collect()))
            })?;
            for row in rows {
                let (hash, vector) = row?;
                found.insert(hash, vector);
            }
        }
        Ok(found)
    }

    /// Keeps vectors of `model` (8-bit codes) by text hash, in one transaction; a hash
    /// already stored keeps its vector.
    pub fn put_sentence_vectors(
        &mut self,
        model: &str,
        vectors: &[(i64, Vec<i8>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO sentence_vectors (model, text_hash, vector)
                 VALUES (?1, ?2, ?3)",
            )?;
            for (hash, vector) in vectors {
                let bytes: Vec<u8> = vector.iter().map(|&c| c as u8).collect();
                stmt.execute(params![model, hash, bytes])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_kept_by_model_and_hash_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let mut store = Store::open(&path).unwrap();
        let a: Vec<i8> = vec![127, -128, 0, 5];
        store.put_sentence_vectors("m1", &[(-7, a.clone()), (42, vec![1, 2, 3, 4])]).unwrap();
        // The first vector stored for a hash stays.
        store.put_sentence_vectors("m1", &[(-7, vec![0, 0, 0, 0])]).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        let got = store.sentence_vectors("m1", &[-7, 42, 99]).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[&-7], a);
        assert!(store.sentence_vectors("m2", &[-7]).unwrap().is_empty(), "models never mix");
        // More hashes than one statement takes.
        let many: Vec<i64> = (0..1200).collect();
        assert!(store.sentence_vectors("m1", &many).unwrap().contains_key(&42));
    }
}
