//! The address guard over real connections: loopback servers stand in for the private
//! network a hostile feed would point Chorus at.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use chorus_fetch::{AddressKind, FetchConfig, FetchError};
use chorus_model::{FeedOutcome, FeedState};

use crate::util::{self, Route, Stats, TestServer};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Only 127.0.0.1 allowed; every other non-public address refused.
fn only_127_0_0_1() -> FetchConfig {
    FetchConfig { allowed_networks: vec!["127.0.0.1/32".into()], ..util::strict() }
}

#[tokio::test]
async fn loopback_literal_is_refused_by_default_naming_the_address_and_the_key() {
    let server = TestServer::start().await;
    let fetcher = util::fetcher(&util::strict());
    let err = fetcher.fetch_page(&server.url("/page/secret"), "x", None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Forbidden { addr, why: AddressKind::Loopback, .. } if addr == ip("127.0.0.1")),
        "{err:?}"
    );
    assert_eq!(err.reason(), "forbidden_address");
    let message = err.to_string();
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(message.contains("fetch.allow_private_networks = true"), "{message}");
    assert!(!err.is_passing(), "a refused address will be refused again");
    assert_eq!(server.stats.hits("/page/secret"), 0, "nothing was sent");
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_at_connect_time() {
    let server = TestServer::start().await;
    let url =
        url::Url::parse(&format!("http://localhost:{}/page/secret", server.addr.port())).unwrap();
    let err = util::fetcher(&util::strict()).fetch_page(&url, "x", None).await.unwrap_err();
    match &err {
        FetchError::Forbidden { addr, why: AddressKind::Loopback, .. } => {
            assert!(addr.is_loopback(), "{addr}");
            assert!(err.to_string().contains(&addr.to_string()), "{err}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server.stats.hits("/page/secret"), 0);
}

#[tokio::test]
async fn ipv4_mapped_ipv6_literal_is_refused() {
    let server = TestServer::start().await;
    let url = url::Url::parse(&format!("http://[::ffff:127.0.0.1]:{}/page/x", server.addr.port()))
        .unwrap();
    let err = util::fetcher(&util::strict()).fetch_page(&url, "x", None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Forbidden { addr, why: AddressKind::Loopback, .. } if addr == ip("::ffff:127.0.0.1")),
        "{err:?}"
    );
    assert!(err.to_string().contains("::ffff:127.0.0.1"), "{err}");
}

#[tokio::test]
async fn allow_private_networks_lets_loopback_through() {
    let server = TestServer::start().await;
    let cfg = FetchConfig { allow_private_networks: true, ..util::strict() };
    let page = util::fetcher(&cfg).fetch_page(&server.url("/page/ok"), "x", None).await.unwrap();
    assert!(String::from_utf8(page.body).unwrap().contains("Text of /page/ok."));
}

#[tokio::test]
async fn allow_list_admits_its_network_but_not_a_redirect_to_another_private_address() {
    let stats = Arc::new(Stats::default());
    let allowed = TestServer::start_on("127.0.0.1", Arc::clone(&stats), 0).await;
    let other = TestServer::start_on("127.0.0.2", Arc::clone(&stats), 0).await;
    allowed.route("/to-other", Route::Redirect(other.url("/page/inside").to_string()));
    allowed.route("/to-self", Route::Redirect("/page/moved".into()));
    let fetcher = util::fetcher(&only_127_0_0_1());

    let page = fetcher.fetch_page(&allowed.url("/page/direct"), "x", None).await.unwrap();
    assert_eq!(page.final_url, allowed.url("/page/direct"));
    let page = fetcher.fetch_page(&allowed.url("/to-self"), "x", None).await.unwrap();
    assert_eq!(page.final_url, allowed.url("/page/moved"), "redirects within the list are fine");

    let err = fetcher.fetch_page(&allowed.url("/to-other"), "x", None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Forbidden { addr, .. } if addr == ip("127.0.0.2")),
        "{err:?}"
    );
    assert!(err.to_string().contains("127.0.0.2"), "{err}");
    assert_eq!(stats.hits("/to-other"), 1);
    assert_eq!(stats.hits("/page/inside"), 0, "the other server was never reached");
    // Asked for directly, it is refused the same way.
    let err = fetcher.fetch_page(&other.url("/page/inside"), "x", None).await.unwrap_err();
    assert_eq!(err.reason(), "forbidden_address");
    assert_eq!(stats.hits("/page/inside"), 0);
}

#[tokio::test]
async fn a_feed_on_a_private_address_fails_its_poll_with_the_address() {
    let server = TestServer::start().await;
    server.route("/feed.xml", Route::ok("application/rss+xml", util::rss(&[])));
    let fetcher = util::fetcher(&util::strict());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/feed.xml"), FeedState::default())).await;
    let FeedOutcome::Failed { reason } = check.outcome else { panic!("{:?}", check.outcome) };
    assert!(reason.contains("127.0.0.1") && reason.contains("allow_private_networks"), "{reason}");
    assert!(entries.is_empty());
    assert_eq!(server.stats.hits("/feed.xml"), 0);
}

/// The case the guard exists for: an allowed feed that links into the private network.
#[tokio::test]
async fn a_feed_linking_to_a_private_address_gets_that_page_dropped() {
    let stats = Arc::new(Stats::default());
    let feed_host = TestServer::start_on("127.0.0.1", Arc::clone(&stats), 0).await;
    let inside = TestServer::start_on("127.0.0.2", Arc::clone(&stats), 0).await;
    let links =
        vec![feed_host.url("/page/public").to_string(), inside.url("/page/admin").to_string()];
    feed_host.route("/feed.xml", Route::ok("application/rss+xml", util::rss(&links)));

    let util::Running { jobs: jobs_tx, pages: mut pages_rx, checks: mut checks_rx, stage } =
        util::start_stage(&only_127_0_0_1(), 8, HashSet::new());
    jobs_tx.send(util::job(feed_host.url("/feed.xml"), FeedState::default())).await.unwrap();
    drop(jobs_tx);
    let report = stage.await.unwrap();

    let mut pages = Vec::new();
    while let Some(page) = pages_rx.recv().await {
        pages.push(page.final_url.to_string());
    }
    assert_eq!(pages, [feed_host.url("/page/public").to_string()]);
    assert_eq!(report.dropped.get("forbidden_address"), Some(&1), "{report:?}");
    assert_eq!(stats.hits("/page/admin"), 0);
    assert!(checks_rx.recv().await.is_some());
}

/// `localhost` resolves to `::1` and `127.0.0.1`; with only the latter allowed, the refused
/// address is dropped and the allowed one used, rather than the name failing whole.
#[tokio::test]
async fn a_name_with_one_allowed_address_connects_to_that_one() {
    let server = TestServer::start().await;
    let url =
        url::Url::parse(&format!("http://localhost:{}/page/named", server.addr.port())).unwrap();
    let page = util::fetcher(&only_127_0_0_1()).fetch_page(&url, "x", None).await.unwrap();
    assert!(String::from_utf8(page.body).unwrap().contains("Text of /page/named."));
    assert_eq!(server.stats.hits("/page/named"), 1);
}

/// A redirect to a name is not checked by the redirect policy (it cannot resolve) but by
/// the resolver when the next connection is made.
#[tokio::test]
async fn a_redirect_to_a_name_resolving_to_a_refused_address_is_refused() {
    let stats = Arc::new(Stats::default());
    let allowed = TestServer::start_on("127.0.0.2", Arc::clone(&stats), 0).await;
    let target = TestServer::start_on("127.0.0.1", Arc::clone(&stats), 0).await;
    let named = format!("http://localhost:{}/page/inside", target.addr.port());
    allowed.route("/to-name", Route::Redirect(named));
    let cfg = FetchConfig { allowed_networks: vec!["127.0.0.2".into()], ..util::strict() };

    let err =
        util::fetcher(&cfg).fetch_page(&allowed.url("/to-name"), "x", None).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Forbidden { addr, why: AddressKind::Loopback, .. } if addr.is_loopback()),
        "{err:?}"
    );
    assert_eq!(stats.hits("/to-name"), 1);
    assert_eq!(stats.hits("/page/inside"), 0);
}
