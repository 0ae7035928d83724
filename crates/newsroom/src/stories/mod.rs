//! The texts: every event and every outlet's story about it.
//!
//! All of it is invented for the newsroom (people, companies, Valmora and Port Calder are
//! fictional), except the two seed texts in [`italy`], which are kept verbatim. Stories
//! about one event agree on the facts but are worded independently, so that grouping
//! them has to work from content; the one exception is the wire story reprinted word for
//! word in [`economy`].

use crate::catalog::{Event, Story};

mod civic;
mod economy;
mod italy;
mod science;
mod sport;
mod weather;

/// Every story table; the catalog flattens and sorts them.
pub(crate) const ALL: &[&[Story]] = &[
    italy::STORIES,
    weather::STORIES,
    economy::STORIES,
    civic::STORIES,
    sport::STORIES,
    science::STORIES,
];

/// Every event, in the order of its first story.
pub(crate) const EVENTS: &[Event] = &[
    Event {
        key: "election",
        description: "Denise Okoro wins the Port Calder mayoral special election (1 Sept)",
    },
    Event {
        key: "wildfire",
        description: "The Copper Ridge Fire burns near Whitmore, Shasta County (1-2 Sept)",
    },
    Event {
        key: "storm-a",
        description: "Hurricane Delphine makes landfall in Florida's Big Bend (2 Sept)",
    },
    Event {
        key: "rail-strike",
        description: "A 48-hour strike shuts down Calder Valley Rail (2-3 Sept)",
    },
    Event {
        key: "rate-decision",
        description: "The Bank of Valmora cuts its key rate to 3.5% (3 Sept)",
    },
    Event {
        key: "product-recall",
        description: "Brightwell recalls 1.27 million VoltPack 20K power banks (3 Sept)",
    },
    Event {
        key: "italy-troops",
        description: "Italy refuses to send troops to Ukraine after the Paris summit (4 Sept)",
    },
    Event {
        key: "storm-b",
        description: "Tropical Storm Orlena floods Veracruz and Puebla, Mexico (4 Sept)",
    },
    Event {
        key: "space-launch",
        description: "Arcturus launches the Selene-2 lunar lander from Cape Canaveral (5 Sept)",
    },
    Event {
        key: "court-ruling",
        description: "An appeals court rules Zoomo's couriers are employees (5 Sept)",
    },
    Event {
        key: "health-study",
        description: "A study links 7,500 daily steps to lower dementia risk (6 Sept)",
    },
    Event {
        key: "cup-final",
        description: "Miami Tide FC beat the Port Calder Mariners 2-1 in the Atlantic Cup final (6 Sept)",
    },
    Event {
        key: "airline-merger",
        description: "Skyward Airlines agrees to buy Pacific Crest Air for $3.2 billion (7 Sept)",
    },
];
