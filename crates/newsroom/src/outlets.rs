//! The six outlets. Each has its own template (see [`crate::templates`]) and its own feed;
//! between them all three feed formats appear twice.

use crate::catalog::{Cms, FeedFormat, Outlet};
use crate::templates::furniture;

pub(crate) const OUTLETS: &[Outlet] = &[
    Outlet {
        slug: "harbor-gazette",
        name: "Harbor Gazette",
        cms: Cms::WordPress,
        feed_format: FeedFormat::Rss,
        feed_path: "/harbor-gazette/feed/",
        furniture: furniture(Cms::WordPress),
    },
    Outlet {
        slug: "meridian-post",
        name: "The Meridian Post",
        cms: Cms::Arc,
        feed_format: FeedFormat::Atom,
        feed_path: "/meridian-post/arc/outboundfeeds/atom/",
        furniture: furniture(Cms::Arc),
    },
    Outlet {
        slug: "valley-courier",
        name: "Valley Courier",
        cms: Cms::Drupal,
        feed_format: FeedFormat::JsonFeed,
        feed_path: "/valley-courier/feed.json",
        furniture: furniture(Cms::Drupal),
    },
    Outlet {
        slug: "kmia",
        name: "Miami News, KMIA",
        cms: Cms::TvStation,
        feed_format: FeedFormat::Rss,
        feed_path: "/kmia/rss/news.xml",
        furniture: furniture(Cms::TvStation),
    },
    Outlet {
        slug: "continental-wire",
        name: "Continental Wire",
        cms: Cms::Wire,
        feed_format: FeedFormat::Atom,
        feed_path: "/continental-wire/feeds/latest.atom",
        furniture: furniture(Cms::Wire),
    },
    Outlet {
        slug: "daily-blaze",
        name: "The Daily Blaze",
        cms: Cms::Tabloid,
        feed_format: FeedFormat::JsonFeed,
        feed_path: "/daily-blaze/feeds/latest.json",
        furniture: furniture(Cms::Tabloid),
    },
];
