//! The running newsroom: listeners, routing, release schedule.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::NewsroomError;
use crate::catalog::{DAYS, Outlet, Story, catalog};
use crate::faults::{self, Faults, HostFaults, LoggedRequest};
use crate::feeds::{FeedDoc, FeedItem, http_date, not_modified};
use crate::hostile;
use crate::templates::{self, ArticlePage, FrontPage, Link};

/// How a [`Newsroom`] listens and behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsroomOptions {
    /// The primary listener. It serves every outlet under `/{outlet-slug}/…`, the
    /// `/_hostile/…` routes and an index page at `/`. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// When true, outlet number `i` (in [`Catalog::outlets`](crate::Catalog) order) also
    /// gets a listener of its own on `127.0.0.(10+i)`, on the same port as `listen` when
    /// that is not 0 and on a free port otherwise. Its pages keep the `/{outlet-slug}/`
    /// prefix, and its feed and page URLs use that host, so each outlet is a distinct
    /// host for politeness and per-host logic. Needs the whole of 127.0.0.0/8 routed to
    /// loopback, as on Linux.
    pub multi_host: bool,
    /// Wait this long before answering each article page (not feeds or front pages).
    /// Tests use it to stop a fetcher in the middle of a run.
    pub page_delay: Duration,
    /// `None`: every story is published from the start. `Some(d)`: only the first
    /// simulated day's stories are released at start, and one more day every `d`; feeds
    /// list only released stories, and pages of unreleased ones answer 404.
    pub pace: Option<Duration>,
}

impl Default for NewsroomOptions {
    fn default() -> Self {
        NewsroomOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            multi_host: false,
            page_delay: Duration::ZERO,
            pace: None,
        }
    }
}

/// One outlet's feed as served by a running newsroom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsroomFeed {
    /// The outlet's display name ([`Outlet::name`]).
    pub outlet: String,
    /// The feed's address.
    pub url: Url,
}

/// A running simulated newsroom. It stops when dropped or on [`Newsroom::shutdown`].
#[derive(Debug)]
pub struct Newsroom {
    site: Arc<Site>,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Site {
    /// The primary listener's address.
    primary_addr: SocketAddr,
    /// The primary listener's base URL (`http://127.0.0.1:PORT/`).
    pub(crate) primary: Url,
    /// Each outlet's base URL, in catalog order.
    bases: Vec<Url>,
    /// Path (without trailing slash) to what it serves.
    routes: HashMap<String, Resource>,
    page_delay: Duration,
    started: Instant,
    pace: Option<Duration>,
    faults: Arc<Faults>,
}

#[derive(Clone, Copy, Debug)]
enum Resource {
    Article(usize),
    Feed(usize),
    Front(usize),
    NewsSitemap(usize),
}

/// A handler's view: the site, and which outlets this listener serves.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) site: Arc<Site>,
    /// `None` on the primary listener (every outlet), `Some(i)` on outlet `i`'s own.
    only_outlet: Option<usize>,
}

impl Newsroom {
    /// Binds the listeners and starts serving.
    ///
    /// Fails when an address cannot be bound (in use, or 127.0.0.10+ not routed to
    /// loopback in multi-host mode); the error names the address.
    pub async fn start(opts: NewsroomOptions) -> io::Result<Newsroom> {
        let bind = |addr: SocketAddr| async move {
            TcpListener::bind(addr).await.map_err(|source| NewsroomError::Bind { addr, source })
        };
        let primary_listener = bind(opts.listen).await?;
        let primary_addr = primary_listener.local_addr()?;
        let mut outlet_listeners = Vec::new();
        if opts.multi_host {
            for i in 0..catalog().outlets.len() {
                let last =
                    u8::try_from(10 + i).map_err(|_| io::Error::other("too many outlets"))?;
                let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, last));
                outlet_listeners.push(bind(SocketAddr::new(ip, opts.listen.port())).await?);
            }
        }
        let primary = base_url(primary_addr)?;
        let mut bases = Vec::new();
        for listener in &outlet_listeners {
            bases.push(base_url(listener.local_addr()?)?);
        }
        if bases.is_empty() {
            bases = vec![primary.clone(); catalog().outlets.len()];
        }
        let site = Arc::new(Site {
            primary_addr,
            primary,
            bases,
            routes: routes(),
            page_delay: opts.page_delay,
            started: Instant::now(),
            pace: opts.pace,
            faults: Arc::default(),
        });

        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let primary_router = Router::new()
            .route("/", get(index))
            .nest("/_hostile", hostile::router())
            .fallback(serve_path)
            .with_state(AppState { site: Arc::clone(&site), only_outlet: None });
        spawn_server(&mut tasks, primary_listener, primary_router, &site, stopped.clone())?;
        for (i, listener) in outlet_listeners.into_iter().enumerate() {
            let router = Router::new()
                .fallback(serve_path)
                .with_state(AppState { site: Arc::clone(&site), only_outlet: Some(i) });
            spawn_server(&mut tasks, listener, router, &site, stopped.clone())?;
        }
        tracing::info!(addr = %primary_addr, multi_host = opts.multi_host, "newsroom started");
        Ok(Newsroom { site, stop, tasks })
    }

    /// The primary listener's address.
    pub fn addr(&self) -> SocketAddr {
        self.site.primary_addr
    }

    /// Every outlet's feed, in catalog order.
    pub fn feeds(&self) -> Vec<NewsroomFeed> {
        self.per_outlet(|outlet| outlet.feed_path.to_owned())
    }

    /// Every outlet's Google News sitemap (the same shape as [`Newsroom::feeds`]), in
    /// catalog order; each outlet's `robots.txt` names its own.
    pub fn news_sitemaps(&self) -> Vec<NewsroomFeed> {
        self.per_outlet(news_sitemap_path)
    }

    /// One address per outlet, in catalog order: `path` joined to the outlet's base.
    fn per_outlet(&self, path: impl Fn(&Outlet) -> String) -> Vec<NewsroomFeed> {
        catalog()
            .outlets
            .iter()
            .zip(&self.site.bases)
            .map(|(outlet, base)| NewsroomFeed {
                outlet: outlet.name.to_owned(),
                url: join(base, &path(outlet)),
            })
            .collect()
    }

    /// The canonical address of a story's page as served (what its `rel=canonical`
    /// says), without tracking parameters.
    pub fn article_url(&self, story: &Story) -> Url {
        self.site.article_url(story)
    }

    /// The address of a hostile route on the primary listener:
    /// `hostile_url("redirect-loop")` is `http://ADDR/_hostile/redirect-loop`, and a
    /// query may follow (`"status/503?x=1"`). The routes are listed in the crate docs.
    pub fn hostile_url(&self, path: &str) -> Url {
        let path = path.trim_start_matches('/');
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path, None),
        };
        let mut url = join(&self.site.primary, &format!("/_hostile/{path}"));
        url.set_query(query);
        url
    }

    /// Makes the listener at `addr` (the primary's, or an outlet's own in multi-host mode:
    /// the host and port of its feed's URL) misbehave as `faults` says, from now on,
    /// replacing what was set for it before.
    pub fn set_faults(&self, addr: SocketAddr, faults: HostFaults) {
        self.site.faults.set(addr, faults);
    }

    /// The most requests the listener at `addr` has been answering at once.
    pub fn max_in_flight(&self, addr: SocketAddr) -> usize {
        self.site.faults.max_in_flight(addr)
    }

    /// Every request received so far, in order of arrival, on all listeners.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.site.faults.requests()
    }

    /// `[[feeds]]` entries for a Chorus config file, one per outlet, pointing at this
    /// running newsroom.
    pub fn demo_config_feeds(&self) -> String {
        let mut out = String::new();
        for feed in self.feeds() {
            let _ = writeln!(
                out,
                "[[feeds]]\nurl = {}\noutlet = {}\n",
                toml_string(feed.url.as_str()),
                toml_string(&feed.outlet)
            );
        }
        out
    }

    /// Stops accepting connections, lets requests in flight finish for up to two
    /// seconds, then aborts whatever is left (a stalled hostile response, say).
    pub async fn shutdown(mut self) {
        stop_listeners(&self.stop, std::mem::take(&mut self.tasks)).await;
        tracing::info!("newsroom stopped");
    }
}

impl Drop for Newsroom {
    fn drop(&mut self) {
        // Dropping the JoinSet aborts the listener tasks; the signal lets them close
        // connections cleanly if they get to run first.
        let _ = self.stop.send(true);
    }
}

impl Site {
    /// How many simulated days are released now.
    fn released_days(&self) -> u32 {
        match self.pace {
            None => DAYS,
            Some(pace) if pace.is_zero() => DAYS,
            Some(pace) => {
                let steps = self.started.elapsed().as_nanos() / pace.as_nanos();
                u32::try_from(steps).unwrap_or(DAYS).saturating_add(1).min(DAYS)
            }
        }
    }

    pub(crate) fn article_url(&self, story: &Story) -> Url {
        let catalog = catalog();
        let index = catalog.outlets.iter().position(|o| o.slug == story.outlet);
        match index {
            Some(i) => join(&self.bases[i], &catalog.outlets[i].article_path(story)),
            None => join(&self.primary, &format!("/{}/{}", story.outlet, story.slug)),
        }
    }

    fn outlet_home(&self, i: usize) -> Url {
        join(&self.bases[i], &catalog().outlets[i].front_path())
    }

    /// The outlet's stories released in the first `days` days, newest first.
    fn released_of(&self, outlet: &Outlet, days: u32) -> Vec<&'static Story> {
        let mut out: Vec<&'static Story> =
            catalog().stories_of(outlet.slug).filter(|s| s.day() < days).collect();
        out.reverse();
        out
    }

    fn link(&self, story: &'static Story) -> Link {
        Link { title: story.title, url: self.article_url(story).into(), published: story.published }
    }
}

/// Tells the listeners to stop, lets requests in flight finish for up to two seconds, then
/// aborts whatever is left (a stalled hostile response, say).
pub(crate) async fn stop_listeners(stop: &watch::Sender<bool>, mut tasks: JoinSet<()>) {
    let _ = stop.send(true);
    let drained = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(2), drained).await.is_err() {
        tasks.abort_all();
    }
}

fn spawn_server(
    tasks: &mut JoinSet<()>,
    listener: TcpListener,
    router: Router,
    site: &Site,
    mut stopped: watch::Receiver<bool>,
) -> io::Result<()> {
    // Every request passes the request log and the faults first (see `faults`).
    let state = (Arc::clone(&site.faults), listener.local_addr()?);
    let router = router.layer(axum::middleware::from_fn_with_state(state, faults::layer));
    tasks.spawn(async move {
        let signal = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, router).with_graceful_shutdown(signal).await {
            tracing::warn!(%error, "newsroom listener failed");
        }
    });
    Ok(())
}

/// Every servable path of every outlet, keyed without a trailing slash.
fn routes() -> HashMap<String, Resource> {
    let catalog = catalog();
    let mut out = HashMap::new();
    for (i, outlet) in catalog.outlets.iter().enumerate() {
        out.insert(route_key(outlet.feed_path), Resource::Feed(i));
        out.insert(route_key(&outlet.front_path()), Resource::Front(i));
        out.insert(route_key(&news_sitemap_path(outlet)), Resource::NewsSitemap(i));
    }
    for (i, story) in catalog.stories.iter().enumerate() {
        if let Some(outlet) = catalog.outlet(story.outlet) {
            out.insert(route_key(&outlet.article_path(story)), Resource::Article(i));
        }
    }
    out
}

/// Where an outlet's Google News sitemap is served; `robots.txt` names it.
fn news_sitemap_path(outlet: &Outlet) -> String {
    format!("/{}/news-sitemap.xml", outlet.slug)
}

fn route_key(path: &str) -> String {
    path.trim_end_matches('/').to_owned()
}

/// Serves an outlet's page, feed or front page.
async fn serve_path(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let site = &app.site;
    if uri.path() == "/robots.txt" {
        return robots_response(site, app.only_outlet);
    }
    let Some(&resource) = site.routes.get(&route_key(uri.path())) else {
        return not_found();
    };
    let catalog = catalog();
    let days = site.released_days();
    let outlet_index = match resource {
        Resource::Article(s) => {
            catalog.outlets.iter().position(|o| o.slug == catalog.stories[s].outlet)
        }
        Resource::Feed(i) | Resource::Front(i) | Resource::NewsSitemap(i) => Some(i),
    };
    if app.only_outlet.is_some() && app.only_outlet != outlet_index {
        return not_found();
    }
    let Some(oi) = outlet_index else { return not_found() };
    let outlet = &catalog.outlets[oi];
    match resource {
        Resource::Article(s) => {
            let story = &catalog.stories[s];
            if story.day() >= days {
                return not_found();
            }
            if !site.page_delay.is_zero() {
                tokio::time::sleep(site.page_delay).await;
            }
            article_response(site, oi, outlet, story, days)
        }
        Resource::Feed(_) => feed_response(site, oi, outlet, days, &headers),
        Resource::NewsSitemap(_) => news_sitemap_response(site, outlet, days),
        Resource::Front(_) => {
            let stories: Vec<Link> =
                site.released_of(outlet, days).into_iter().map(|s| site.link(s)).collect();
            let url = site.outlet_home(oi);
            let feed = join(&site.bases[oi], outlet.feed_path);
            let page =
                FrontPage { outlet, url: url.as_str(), feed: feed.as_str(), stories: &stories };
            Html(templates::render_front(&page)).into_response()
        }
    }
}

/// `robots.txt`: everything allowed, and the news sitemaps of the outlets this listener
/// serves (one outlet on its own host, every outlet on the primary).
fn robots_response(site: &Site, only_outlet: Option<usize>) -> Response {
    let mut body = String::from("User-agent: *\nDisallow:\n");
    for (i, outlet) in catalog().outlets.iter().enumerate() {
        if only_outlet.is_none_or(|only| only == i) {
            let _ = writeln!(body, "Sitemap: {}", join(&site.bases[i], &news_sitemap_path(outlet)));
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// An outlet's Google News sitemap: every released story with its publication date and
/// title.
fn news_sitemap_response(site: &Site, outlet: &Outlet, days: u32) -> Response {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for story in site.released_of(outlet, days) {
        let _ = writeln!(
            body,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name>\
             <news:language>en</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title>\
             </news:news></url>",
            templates::esc(site.article_url(story).as_str()),
            templates::esc(outlet.name),
            story.published.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            templates::esc(story.title),
        );
    }
    body.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

fn article_response(
    site: &Site,
    oi: usize,
    outlet: &Outlet,
    story: &'static Story,
    days: u32,
) -> Response {
    let related: Vec<Link> = site
        .released_of(outlet, days)
        .into_iter()
        .filter(|s| s.slug != story.slug)
        .take(5)
        .map(|s| site.link(s))
        .collect();
    let url = site.article_url(story);
    let home = site.outlet_home(oi);
    let feed = join(&site.bases[oi], outlet.feed_path);
    let page = ArticlePage {
        outlet,
        story,
        url: url.as_str(),
        home: home.as_str(),
        feed: feed.as_str(),
        related: &related,
    };
    let mut response = Html(templates::render_article(&page)).into_response();
    if let Ok(value) = HeaderValue::from_str(&http_date(story.published)) {
        response.headers_mut().insert(header::LAST_MODIFIED, value);
    }
    response
}

fn feed_response(
    site: &Site,
    oi: usize,
    outlet: &Outlet,
    days: u32,
    headers: &HeaderMap,
) -> Response {
    let items = site
        .released_of(outlet, days)
        .into_iter()
        .map(|story| {
            let canonical = site.article_url(story);
            let mut link = canonical.clone();
            if let Some(query) = story.feed_link_query {
                link.set_query(Some(query));
            }
            FeedItem { story, link: link.into(), canonical: canonical.into() }
        })
        .collect();
    let self_url = join(&site.bases[oi], outlet.feed_path);
    let home = site.outlet_home(oi);
    let doc = FeedDoc { outlet, self_url: self_url.as_str(), home_url: home.as_str(), items };
    let feed = doc.render();
    let header_str = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let unchanged = not_modified(
        header_str(header::IF_NONE_MATCH),
        header_str(header::IF_MODIFIED_SINCE),
        &feed.etag,
        feed.last_modified,
    );
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, feed.content_type)], feed.body).into_response()
    };
    let validators = [
        (header::ETAG, feed.etag),
        (header::LAST_MODIFIED, http_date(feed.last_modified)),
        (header::CACHE_CONTROL, "max-age=0, must-revalidate".to_owned()),
    ];
    for (name, value) in validators {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The primary listener's `/`: a plain list of outlets and feeds, for people trying the
/// newsroom in a browser.
async fn index(State(app): State<AppState>) -> Html<String> {
    let mut body = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Chorus newsroom</title></head><body><h1>Chorus newsroom</h1><p>A simulated web of fictional news outlets.</p><ul>\n",
    );
    for (i, outlet) in catalog().outlets.iter().enumerate() {
        let home = app.site.outlet_home(i);
        let feed = join(&app.site.bases[i], outlet.feed_path);
        let _ = writeln!(
            body,
            "<li><a href=\"{home}\">{}</a> (<a href=\"{feed}\">{:?} feed</a>)</li>",
            templates::esc(outlet.name),
            outlet.feed_format
        );
    }
    body.push_str("</ul></body></html>\n");
    Html(body)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html("<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>404 Not Found</h1></body></html>\n"))
        .into_response()
}

fn base_url(addr: SocketAddr) -> io::Result<Url> {
    Url::parse(&format!("http://{addr}/"))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// `base` with `path` (absolute, starting with `/`) as its path.
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    url.set_path(path);
    url
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
