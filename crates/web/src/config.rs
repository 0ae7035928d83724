//! `[http]`: where the web view listens and the token it asks for.

use std::net::SocketAddr;

use chorus_model::{Problem, Problems};
use serde::{Deserialize, Serialize};

/// The address `chorus serve` listens on when neither the config nor `--listen` names one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9310";

/// The shortest bearer token accepted: a short one is guessed too easily.
pub const MIN_TOKEN_CHARS: usize = 16;

/// The `[http]` section of the config file.
///
/// ```toml
/// [http]
/// # Where the read-only web view listens. `chorus serve` listens on 127.0.0.1:9310 when
/// # this is unset; `chorus run` serves the view from the daemon only when it is set.
/// listen = "127.0.0.1:9310"
/// # A bearer token (at least 16 characters). Required to listen on any address that is
/// # not loopback; when set, every route but /healthz needs
/// # `Authorization: Bearer TOKEN`. `--token-file` or $CHORUS_HTTP_TOKEN give it too.
/// token = "a long random string"
/// ```
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// `IP:PORT` to listen on. Unset by default (not written out when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// The bearer token every route but `/healthz` then requires. Unset by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl HttpConfig {
    /// Checks the section: `listen` must be `IP:PORT` (a host name is not resolved), and a
    /// token must be at least [`MIN_TOKEN_CHARS`] characters with no whitespace.
    pub fn validate(&self) -> Result<HttpSettings, Vec<Problem>> {
        let mut p = Problems::new("http");
        let listen = match &self.listen {
            None => None,
            Some(text) => match text.trim().parse::<SocketAddr>() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    p.add(
                        "listen",
                        format!("`{text}` is not an IP:PORT address (e.g. \"{DEFAULT_LISTEN}\")"),
                    );
                    None
                }
            },
        };
        if let Some(token) = &self.token
            && let Err(why) = Token::new(token)
        {
            p.add("token", why);
        }
        p.finish(|| HttpSettings {
            listen,
            token: self.token.as_deref().and_then(|t| Token::new(t).ok()),
        })
    }
}

/// The `[http]` section once checked ([`HttpConfig::validate`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpSettings {
    /// The address the config names, if it names one.
    pub listen: Option<SocketAddr>,
    /// The token the config gives, if it gives one.
    pub token: Option<Token>,
}

/// A bearer token: at least [`MIN_TOKEN_CHARS`] characters, no whitespace. Its `Debug`
/// form does not show it, so it stays out of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks `text` (surrounding whitespace, such as a token file's final newline, is
    /// dropped); the error says what is wrong.
    pub fn new(text: &str) -> Result<Token, String> {
        let text = text.trim();
        if text.chars().count() < MIN_TOKEN_CHARS {
            return Err(format!("must be at least {MIN_TOKEN_CHARS} characters long"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces or control characters".to_owned());
        }
        Ok(Token(text.to_owned()))
    }

    /// Whether an `Authorization` header value carries this token. Compares every byte
    /// whatever the first difference, so the time taken does not tell how much matched.
    pub(crate) fn admits(&self, header: &[u8]) -> bool {
        let Some(given) = header.strip_prefix(b"Bearer ") else { return false };
        let want = self.0.as_bytes();
        let mut diff = u8::from(given.len() != want.len());
        for (i, w) in want.iter().enumerate() {
            diff |= w ^ given.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_must_be_an_address_and_a_token_long_enough() {
        let bad = HttpConfig { listen: Some("localhost".into()), token: Some("short".into()) };
        let problems = bad.validate().unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{text:?}");
        assert!(text[0].contains("http.listen") && text[0].contains("IP:PORT"), "{text:?}");
        assert!(text[1].contains("http.token") && text[1].contains("16"), "{text:?}");
        let good = HttpConfig {
            listen: Some("0.0.0.0:8080".into()),
            token: Some("0123456789abcdef\n".into()),
        };
        let settings = good.validate().unwrap();
        assert_eq!(settings.listen, Some("0.0.0.0:8080".parse().unwrap()));
        assert!(settings.token.unwrap().admits(b"Bearer 0123456789abcdef"));
        assert_eq!(HttpConfig::default().validate().unwrap(), HttpSettings::default());
    }

    #[test]
    fn a_token_admits_only_itself() {
        let t = Token::new("0123456789abcdef").unwrap();
        assert!(t.admits(b"Bearer 0123456789abcdef"));
        for wrong in [
            &b"Bearer 0123456789abcdeF"[..],
            b"Bearer 0123456789abcde",
            b"0123456789abcdef",
            b"Bearer 0123456789abcdefg",
            b"",
        ] {
            assert!(!t.admits(wrong), "{}", String::from_utf8_lossy(wrong));
        }
        assert_eq!(format!("{t:?}"), "Token(..)");
        assert!(Token::new("0123456789 abcdef").is_err());
    }
}
