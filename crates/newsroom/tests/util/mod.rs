//! Helpers shared by the tests: an HTTP client and HTML escaping as the templates do it.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Client, StatusCode};

/// A client that does not follow redirects, so redirect answers can be inspected.
pub(crate) fn client() -> Client {
    // reqwest is built without a default TLS provider; building a client needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("build an HTTP client")
}

/// A response's status, headers and whole body.
pub(crate) struct Fetched {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Fetched {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// GET `url` with extra request headers.
pub(crate) async fn get_with(client: &Client, url: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_else(|e| panic!("body of {url}: {e}")).to_vec();
    Fetched { status, headers, body }
}

pub(crate) async fn get(client: &Client, url: &str) -> Fetched {
    get_with(client, url, &[]).await
}

/// Text as it appears in the page source.
pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
