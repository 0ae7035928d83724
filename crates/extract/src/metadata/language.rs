//! The article's language as an ISO 639-1 code.
//!
//! The page's own declaration (`<html lang>`, then `og:locale`, then JSON-LD
//! `inLanguage`, then `Content-Language`), unless the text is plainly in another script
//! (templates often keep a default `lang="en"` on every page of a multilingual site);
//! else whatlang on the text.

/// Text shorter than this is not enough to overrule a declared language.
const OVERRULE_MIN_CHARS: usize = 400;

/// How much of the text the detector reads: enough to be sure, cheap on long articles.
/// When the page declares its language, a shorter sample is enough to catch a
/// declaration that is plainly wrong.
const SAMPLE_CHARS: usize = 1500;
const CHECK_CHARS: usize = 300;

/// The article's language.
pub(crate) fn detect(declared: &[&str], text: &str) -> Option<String> {
    let declared = declared.iter().find_map(|d| primary_subtag(d));
    if let Some(d) = &declared {
        // Trust the declaration unless the text is plainly in another script (a Korean
        // article under a template's lang="en"); checking the script is cheap.
        let script = whatlang::detect_script(prefix(text, CHECK_CHARS));
        let mismatch = text.len() >= OVERRULE_MIN_CHARS
            && script.is_some_and(|s| script_of(d).is_some_and(|expected| !expected.contains(&s)));
        if !mismatch {
            return declared;
        }
    }
    let info = whatlang::detect(prefix(text, SAMPLE_CHARS)).filter(whatlang::Info::is_reliable);
    match info.and_then(|i| iso639_1(i.lang().code())) {
        Some(found) => Some(found.to_owned()),
        None => declared,
    }
}

fn prefix(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The scripts a language is written in, for the languages whose script tells them apart.
fn script_of(lang: &str) -> Option<&'static [whatlang::Script]> {
    use whatlang::Script;
    Some(match lang {
        "ru" | "uk" | "bg" | "be" | "mk" | "kk" | "ky" | "mn" | "tg" => &[Script::Cyrillic],
        "sr" => &[Script::Cyrillic, Script::Latin],
        "ar" | "fa" | "ur" | "ps" => &[Script::Arabic],
        "he" | "yi" => &[Script::Hebrew],
        "el" => &[Script::Greek],
        "ko" => &[Script::Hangul],
        "ja" => &[Script::Hiragana, Script::Katakana, Script::Mandarin],
        "zh" => &[Script::Mandarin],
        "hi" | "mr" | "ne" => &[Script::Devanagari],
        "th" => &[Script::Thai],
        "ka" => &[Script::Georgian],
        "hy" => &[Script::Armenian],
        "bn" => &[Script::Bengali],
        "ta" => &[Script::Tamil],
        "en" | "fr" | "de" | "es" | "pt" | "it" | "nl" | "sv" | "da" | "no" | "nb" | "fi"
        | "pl" | "cs" | "sk" | "sl" | "hr" | "hu" | "ro" | "tr" | "id" | "ms" | "vi" | "et"
        | "lv" | "lt" | "ca" | "eu" | "gl" | "ga" | "cy" | "is" | "sq" | "af" | "sw" | "tl" => {
            &[Script::Latin]
        }
        _ => return None,
    })
}

/// "en-US", "en_GB", "EN" → "en"; "und" and other non-languages → None. Three-letter
/// codes are mapped to two letters when there is one.
pub(crate) fn primary_subtag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if !primary.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    match primary.len() {
        2 => Some(primary),
        3 => iso639_1(&primary).map(str::to_owned),
        _ => None,
    }
}

/// ISO 639-3 (as whatlang names languages) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" | "cze" => "cs",
        "cmn" | "zho" | "chi" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" | "ger" => "de",
        "ell" | "gre" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" | "fre" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" | "arm" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" | "geo" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" | "dut" => "nl",
        "nob" => "nb",
        "nor" => "no",
        "ori" => "or",
        "pan" => "pa",
        "pes" | "fas" | "per" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" | "rum" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" | "slo" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOREAN: &str = "서울시는 10일 새로운 방재 계획을 발표했다. 계획에 따르면 대규모 지진에 대비해 \
        대피소 수를 늘리고 식량과 물의 비축을 확대할 방침이다. 시 관계자는 주민들의 안전을 최우선으로 \
        생각하며 앞으로도 지속적으로 대책을 마련하겠다고 말했다. 전문가들은 이번 계획이 실효성을 \
        갖추려면 충분한 예산과 인력이 뒷받침되어야 한다고 지적했다.";
    const GERMAN: &str = "Der Bürgermeister hat am Dienstag die neue Brücke über den Fluss eröffnet. \
        Nach zwei Jahren Bauzeit können Fußgänger und Radfahrer die Verbindung zwischen den beiden \
        Stadtteilen wieder nutzen. Die Kosten lagen deutlich über der ursprünglichen Planung, sagte \
        ein Sprecher der Stadtverwaltung, und der Gemeinderat will die Abrechnung nun prüfen lassen. \
        Anwohner hatten sich lange über den Umweg beschwert, der seit der Sperrung nötig war.";

    #[test]
    fn declared_language_is_normalised() {
        assert_eq!(primary_subtag("en-US").as_deref(), Some("en"));
        assert_eq!(primary_subtag("pt_BR").as_deref(), Some("pt"));
        assert_eq!(primary_subtag("deu").as_deref(), Some("de"));
        assert_eq!(primary_subtag("und"), None);
        assert_eq!(primary_subtag("x-default"), None);
        assert_eq!(detect(&["fr-FR"], "Bonjour."), Some("fr".to_owned()));
    }

    #[test]
    fn text_decides_without_a_declaration_and_overrules_a_wrong_one() {
        assert_eq!(detect(&[], GERMAN).as_deref(), Some("de"));
        assert_eq!(detect(&["en"], KOREAN).as_deref(), Some("ko"));
        assert_eq!(detect(&["de"], GERMAN).as_deref(), Some("de"));
        assert_eq!(detect(&[], "ok").as_deref(), None);
    }
}
