//! `[embed]`: which sentence-embedding model to load.

use std::path::PathBuf;

use chorus_model::{Problem, Problems};
use serde::{Deserialize, Serialize};

use crate::{EmbedError, Embedder, default_model_dir};

/// The `[embed]` section of the config file.
///
/// ```toml
/// [embed]
/// # A sentence-transformers BERT folder (config.json, model.safetensors,
/// # tokenizer.json). Unset: $CHORUS_MODEL_DIR, else models/all-MiniLM-L6-v2 under the
/// # current directory or beside the binary (`make model` installs it there).
/// model_dir = "/srv/models/paraphrase-multilingual-MiniLM-L12-v2"
/// ```
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedConfig {
    /// The model folder. When set, it must hold a model: a wrong path is an error, not a
    /// quiet fall back to words alone.
    pub model_dir: Option<PathBuf>,
}

impl EmbedConfig {
    /// Checks the section: a `model_dir` that is set must be a folder with a
    /// `config.json` (the rest is checked when the model loads).
    pub fn validate(&self) -> Result<EmbedSettings, Vec<Problem>> {
        let mut p = Problems::new("embed");
        if let Some(dir) = &self.model_dir {
            if dir.as_os_str().is_empty() {
                p.add("model_dir", "must not be empty (leave it out to use the default model)");
            } else if !dir.join("config.json").is_file() {
                p.add(
                    "model_dir",
                    format!(
                        "{} holds no config.json: not a sentence-transformers model folder \
                         (run `make model`, or point at one)",
                        dir.display()
                    ),
                );
            }
        }
        p.finish(|| EmbedSettings { model_dir: self.model_dir.clone() })
    }
}

/// The `[embed]` section once checked ([`EmbedConfig::validate`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedSettings {
    /// The folder the config names, if it names one.
    pub model_dir: Option<PathBuf>,
}

/// What [`EmbedSettings::load`] found: a model, or why there is none.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // Made once at start-up and unwrapped at once; a box buys nothing.
pub enum Loaded {
    /// The model, loaded.
    Model(Embedder),
    /// No model was configured and none was found where the default one is looked for;
    /// the reason is fit to show users.
    Absent(String),
}

impl EmbedSettings {
    /// Loads the configured model, else the default one if it is installed.
    ///
    /// A configured folder that fails to load is an error: the user asked for that model.
    /// A default model that is simply not installed is [`Loaded::Absent`]; one that is
    /// installed but broken is an error too, since running on without it would hide that.
    pub fn load(&self) -> Result<Loaded, EmbedError> {
        let dir = match &self.model_dir {
            Some(dir) => dir.clone(),
            None => match default_model_dir() {
                Some(dir) => dir,
                None => {
                    return Ok(Loaded::Absent(format!(
                        "no model in ${} or models/{}: run `make model` or set [embed] \
                         model_dir",
                        crate::MODEL_DIR_ENV,
                        crate::DEFAULT_MODEL_NAME
                    )));
                }
            },
        };
        Embedder::load(&dir).map(Loaded::Model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_dir_that_holds_no_model_is_a_problem() {
        let empty = tempfile::tempdir().unwrap();
        let config = EmbedConfig { model_dir: Some(empty.path().to_owned()) };
        let problems = config.validate().unwrap_err();
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(text.contains("embed.model_dir") && text.contains("config.json"), "{text}");
        let blank = EmbedConfig { model_dir: Some(PathBuf::new()) };
        assert!(blank.validate().unwrap_err()[0].to_string().contains("must not be empty"));
        assert_eq!(EmbedConfig::default().validate().unwrap(), EmbedSettings::default());
    }

    #[test]
    fn a_configured_folder_that_does_not_load_is_an_error_not_words_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        let settings = EmbedConfig { model_dir: Some(dir.path().to_owned()) }.validate().unwrap();
        let err = settings.load().unwrap_err();
        assert!(err.to_string().contains("config.json"), "{err}");
    }
}
