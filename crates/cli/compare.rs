//! `chorus compare`: two texts or more compared as an event's articles are, and the
//! comparison shown as `chorus event` shows it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use chorus_compare::{Coverage, CoverageInput, Encoder};
use chorus_extract::ExtractSettings;

use crate::args::CompareArgs;
use crate::output::wrap;

/// Shared claims shown on the terminal, at most; `--json` has them all.
const SHOWN_CLAIMS: usize = 12;

pub(crate) fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for file in &args.files {
        texts.push(read_text(file)?);
    }
    // Two files of one site are still two texts to compare, not one outlet's.
    let labels: Vec<String> = texts.iter().map(|(l, _)| l.clone()).collect();
    for (k, (label, _)) in texts.iter_mut().enumerate() {
        if labels.iter().filter(|l| *l == &labels[k]).count() > 1 {
            let name = file_name(&args.files[k]);
            *label = format!("{label} ({name})");
        }
    }
    let model = match &args.model_dir {
        // A folder the user names must load.
        Some(dir) => {
            let settings = chorus_embed::EmbedSettings { model_dir: Some(dir.clone()) };
            match settings.load()? {
                chorus_embed::Loaded::Model(m) => Some(*m),
                chorus_embed::Loaded::Absent(why) => anyhow::bail!("{why}"),
            }
        }
        None => match chorus_embed::EmbedSettings::default().load() {
            Ok(chorus_embed::Loaded::Model(m)) => Some(*m),
            Ok(chorus_embed::Loaded::Absent(why)) => {
                tracing::info!("comparing on words alone: {why}");
                None
            }
            Err(e) => {
                tracing::warn!("comparing on words alone: {e}");
                None
            }
        },
    };
    let inputs: Vec<CoverageInput<'_>> =
        texts.iter().map(|(outlet, text)| CoverageInput { outlet, text }).collect();
    let coverage = chorus_compare::compare(&inputs, model.as_ref().map(|m| m as &dyn Encoder));
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::json!({ "coverage": coverage }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for (label, text) in &texts {
        writeln!(out, "{label}: {} words", text.split_whitespace().count())?;
    }
    show(&mut out, &coverage)?;
    Ok(ExitCode::SUCCESS)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into())
}

/// A file's label and text: an HTML page's article text, labelled with its site name or
/// host when the page gives one; plain text as it is, labelled with the file name.
fn read_text(path: &Path) -> anyhow::Result<(String, String)> {
    let bytes = crate::extract::read_page(path)?;
    let name = file_name(path);
    let (label, text) = if is_html(path, &bytes) {
        let cfg = ExtractSettings::default();
        let article = chorus_extract::explain_html(&bytes, None, None, &cfg).article;
        let host = article.canonical_url.as_ref().and_then(|u| u.host_str().map(str::to_owned));
        (site_name(&bytes).or(host).unwrap_or(name), article.text)
    } else {
        let text = String::from_utf8_lossy(&bytes);
        (name, text.trim_start_matches('\u{feff}').to_owned())
    };
    if text.trim().is_empty() {
        anyhow::bail!("{}: no text to compare", path.display());
    }
    Ok((label, text))
}

/// An HTML page, by its name or by its first tag.
fn is_html(path: &Path, bytes: &[u8]) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if [".html", ".htm", ".html.gz", ".xhtml"].iter().any(|e| name.ends_with(e)) {
        return true;
    }
    let head: Vec<u8> = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    let head = String::from_utf8_lossy(&head);
    head.starts_with('<')
        && ["<!doctype html", "<html", "<head", "<body", "<meta", "<article", "<p"]
            .iter()
            .any(|t| head.contains(t))
}

/// The page's own name for its site (`og:site_name`, `application-name`).
fn site_name(bytes: &[u8]) -> Option<String> {
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
    let selector = scraper::Selector::parse(
        r#"meta[property="og:site_name"], meta[name="og:site_name"], meta[name="application-name"]"#,
    )
    .ok()?;
    html.select(&selector)
        .filter_map(|m| m.value().attr("content"))
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|c| !c.is_empty())
}

/// A comparison on the terminal: each shared claim with every outlet's sentence and the
/// figures they give differently, then each outlet's claims of its own, then what was
/// left out.
pub(crate) fn show(out: &mut impl Write, coverage: &Coverage) -> std::io::Result<()> {
    if !coverage.by_meaning && coverage.limits.outlets_compared >= 2 {
        writeln!(
            out,
            "\n(compared on words alone: no sentence-embedding model; `make model` installs one)"
        )?;
    }
    if coverage.shared.is_empty() {
        writeln!(out, "\nno claim is made by more than one outlet")?;
    } else {
        writeln!(out, "\nreported by several outlets:")?;
    }
    for claim in coverage.shared.iter().take(SHOWN_CLAIMS) {
        writeln!(out, "  [{}]", claim.outlets.join("; "))?;
        for c in &claim.conflicts {
            let values: Vec<String> =
                c.values.iter().map(|v| format!("{} ({})", v.value, v.outlet)).collect();
            let about = c.about.as_deref().map(|a| format!(" {a}")).unwrap_or_default();
            writeln!(out, "    ≠ {}{about}: {}", c.kind.name(), values.join(" / "))?;
        }
        if claim.sentences.is_empty() {
            write!(out, "{}", wrap(&claim.text, 88, "    "))?;
        }
        for s in &claim.sentences {
            writeln!(out, "    {}:", s.outlet)?;
            write!(out, "{}", wrap(&s.text, 86, "      "))?;
        }
    }
    if coverage.shared.len() > SHOWN_CLAIMS {
        writeln!(out, "  … {} more (--json lists them all)", coverage.shared.len() - SHOWN_CLAIMS)?;
    }
    for unique in &coverage.unique {
        if unique.claims.is_empty() {
            continue;
        }
        writeln!(out, "\nonly {} says:", unique.outlet)?;
        for claim in &unique.claims {
            write!(out, "{}", wrap(claim, 88, "  - ").replacen("\n  - ", "\n    ", usize::MAX))?;
        }
    }
    if coverage.truncated {
        let l = &coverage.limits;
        let mut parts = vec![
            format!("{} of {} outlets", l.outlets_compared, l.outlets_given),
            format!("{} of {} articles (one per outlet)", l.articles_compared, l.articles_given),
        ];
        if l.articles_cut > 0 {
            parts.push(format!(
                "the first {} claims of {} long articles",
                l.max_sentences, l.articles_cut
            ));
        }
        writeln!(out, "\n(compared {}: the rest left out to bound the work)", parts.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chorus_compare::{CompareOptions, compare_with};

    #[test]
    fn the_display_marks_conflicts_and_says_what_was_left_out() {
        let texts = [
            ("Daily", "Leaders of 39 countries met at the Elysee Palace in Paris on Thursday."),
            ("Herald", "Leaders of 26 countries met at the Elysee Palace in Paris on Thursday."),
            ("Post", "Leaders of 39 countries met at the Elysee Palace in Paris on Thursday."),
        ];
        let inputs: Vec<CoverageInput<'_>> =
            texts.iter().map(|&(outlet, text)| CoverageInput { outlet, text }).collect();
        let options = CompareOptions { max_outlets: 2, ..CompareOptions::default() };
        let coverage = compare_with(&inputs, None, &options);
        let mut out = Vec::new();
        show(&mut out, &coverage).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("  [Daily; Herald]\n    ≠ count countries: 39 (Daily) / 26 (Herald)\n"),
            "{out}"
        );
        assert!(out.contains("\n    Herald:\n      Leaders of 26"), "{out}");
        assert!(out.contains("compared 2 of 3 outlets, 2 of 3 articles"), "{out}");
        assert!(out.contains("compared on words alone"), "{out}");
    }
}
