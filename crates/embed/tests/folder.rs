//! Where the default model is looked for. The search reads the environment and the
//! current directory, so each case runs in a child process of this test binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use chorus_embed::default_model_dir;

use crate::util::model_dir;

const CHILD: &str = "folder::default_model_dir_in_a_child";
const EXPECT: &str = "CHORUS_EMBED_EXPECT_DIR";

/// Runs only in a child started by the tests below: compares the search's answer with
/// what the parent expects.
#[test]
fn default_model_dir_in_a_child() {
    let Some(expected) = std::env::var_os(EXPECT) else {
        return;
    };
    let found = default_model_dir().map(|d| d.display().to_string()).unwrap_or_default();
    assert_eq!(found, expected.to_string_lossy());
}

/// Runs the child test with `env` in `cwd`; panics with its output if it fails.
fn child(cwd: &Path, env: &[(&str, &str)], expected: &str) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", CHILD, "--test-threads=1"])
        .current_dir(cwd)
        .env_remove("CHORUS_MODEL_DIR")
        .env(EXPECT, expected);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "in {} with {env:?}, expected {expected:?}:\n{stdout}\n{}",
        cwd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The checkout holding `models/`: the model folder's grandparent.
fn checkout() -> PathBuf {
    let dir = model_dir().canonicalize().unwrap();
    dir.parent().unwrap().parent().unwrap().to_owned()
}

#[test]
fn the_environment_wins_even_when_the_folder_is_missing() {
    let tmp = tempfile::TempDir::new().unwrap();
    child(tmp.path(), &[("CHORUS_MODEL_DIR", "/no/such/model")], "/no/such/model");
}

#[test]
fn the_current_directory_comes_before_the_executable() {
    child(&checkout(), &[], "models/all-MiniLM-L6-v2");
}

#[test]
fn the_executable_ancestors_are_searched_last_and_empty_env_is_unset() {
    let tmp = tempfile::TempDir::new().unwrap();
    // The test binary lives in target/debug/deps of the checkout.
    let expected = checkout().join("models/all-MiniLM-L6-v2");
    let exe = std::env::current_exe().unwrap();
    assert!(exe.starts_with(checkout()), "{} is outside the checkout", exe.display());
    child(tmp.path(), &[("CHORUS_MODEL_DIR", "")], &expected.display().to_string());
}
