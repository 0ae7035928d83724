//! Which addresses the fetcher may connect to.
//!
//! Feeds and the links in them come from outside, so a hostile feed could point Chorus at
//! the machine it runs on or the network around it (a router's admin page, a cloud
//! metadata service handing out credentials). Unless the config says otherwise, only the
//! public internet is fetched. The rule is applied where the address is finally known:
//!
//! - [`GuardedResolver`]: every name is resolved here and the refused addresses dropped,
//!   so the connection can only go to an address that passed (a name that resolves to a
//!   public address once and a private one the next time gains nothing);
//! - [`AddressPolicy::before_sending`]: addresses written as IP literals skip name resolution,
//!   so they are checked before sending, and again at each redirect ([`redirect_policy`]).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::error::FetchError;

/// What kind of non-public address a refused one is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddressKind {
    /// `0.0.0.0`, `::`: "this host" to most systems.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10/8`, `172.16/12`, `192.168/16`; also local-use NAT64 `64:ff9b:1::/48`.
    Private,
    /// `169.254/16`, `fe80::/10`.
    LinkLocal,
    /// `fc00::/7`.
    UniqueLocal,
    /// `100.64/10`, carrier-grade NAT.
    SharedCgnat,
    /// A cloud provider's instance metadata service: `169.254.169.254`, `fd00:ec2::254`,
    /// `100.100.100.200`.
    CloudMetadata,
    /// `255.255.255.255`.
    Broadcast,
    /// `224/4`, `ff00::/8`.
    Multicast,
    /// `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18/15`, `2001:2::/48`.
    Benchmarking,
    /// Anything else set aside: `0/8`, `192.0.0/24`, `240/4`, IPv6 outside `2000::/3`,
    /// IETF protocol assignments.
    Reserved,
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressKind::Unspecified => "an unspecified address",
            AddressKind::Loopback => "a loopback address",
            AddressKind::Private => "a private network address",
            AddressKind::LinkLocal => "a link-local address",
            AddressKind::UniqueLocal => "a unique-local address",
            AddressKind::SharedCgnat => "a carrier-grade NAT address",
            AddressKind::CloudMetadata => "a cloud metadata service address",
            AddressKind::Broadcast => "the broadcast address",
            AddressKind::Multicast => "a multicast address",
            AddressKind::Documentation => "a documentation address",
            AddressKind::Benchmarking => "a benchmarking address",
            AddressKind::Reserved => "a reserved address",
        })
    }
}

/// The kind of `ip` when it is not a public internet address; `None` when it is.
///
/// IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that address.
pub fn classify(ip: IpAddr) -> Option<AddressKind> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressKind> {
    use AddressKind::*;
    let [a, b, c, _] = ip.octets();
    let kind = match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) => {
            CloudMetadata
        }
        _ if ip.is_unspecified() => Unspecified,
        _ if ip.is_broadcast() => Broadcast,
        (0, ..) => Reserved,
        (10, ..) | (192, 168, _) => Private,
        (172, 16..=31, _) => Private,
        (127, ..) => Loopback,
        (169, 254, _) => LinkLocal,
        (100, 64..=127, _) => SharedCgnat,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Documentation,
        (198, 18..=19, _) => Benchmarking,
        // IETF protocol assignments, and the deprecated 6to4 relay anycast block.
        (192, 0, 0) | (192, 88, 99) => Reserved,
        (224..=239, ..) => Multicast,
        (240..=255, ..) => Reserved,
        _ => return None,
    };
    Some(kind)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressKind> {
    use AddressKind::*;
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(CloudMetadata);
    }
    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let kind = match s {
        // IPv4-compatible (deprecated): never a real destination, but named by the address
        // it carries when that says more.
        [0, 0, 0, 0, 0, 0, hi, lo] => classify_v4(embedded(hi, lo)).unwrap_or(Reserved),
        // NAT64: a public IPv4 address reached from an IPv6-only network is fine.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => return classify_v4(embedded(hi, lo)),
        [0x64, 0xff9b, 1, ..] => Private,
        // 6to4 carries the IPv4 address in its second and third groups.
        [0x2002, hi, lo, ..] => return classify_v4(embedded(hi, lo)),
        [0x2001, 0x0db8, ..] => Documentation,
        [0x3fff, b, ..] if b < 0x1000 => Documentation,
        [0x2001, 0x0002, 0, ..] => Benchmarking,
        [0x2001, b, ..] if b < 0x0200 => Reserved,
        [first, ..] if first & 0xfe00 == 0xfc00 => UniqueLocal,
        [first, ..] if first & 0xffc0 == 0xfe80 => LinkLocal,
        [first, ..] if first & 0xff00 == 0xff00 => Multicast,
        // Global unicast is 2000::/3; the rest is unassigned or special (site-local,
        // discard-only, IPv4-translated, ...).
        [first, ..] if first & 0xe000 != 0x2000 => Reserved,
        _ => return None,
    };
    Some(kind)
}

/// Why an address was not connected to: the error the resolver and the redirect policy
/// hand to reqwest, found again in the error chain by [`crate::FetchError::from_reqwest`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) addr: IpAddr,
    pub(crate) kind: AddressKind,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}", self.addr, self.kind)
    }
}

impl std::error::Error for Refusal {}

/// The `fetch.allow_private_networks` and `fetch.allowed_networks` keys, applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddressPolicy {
    allow_private: bool,
    allowed: Vec<IpNet>,
}

impl AddressPolicy {
    pub(crate) fn new(allow_private: bool, allowed: &[IpNet]) -> AddressPolicy {
        AddressPolicy { allow_private, allowed: allowed.to_vec() }
    }

    /// Ok when `ip` is public, or non-public but allowed by the config.
    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), Refusal> {
        if self.allow_private {
            return Ok(());
        }
        let Some(kind) = classify(ip) else { return Ok(()) };
        // `::ffff:127.0.0.1` is 127.0.0.1 for an allow-list written in IPv4.
        let canonical = ip.to_canonical();
        if self.allowed.iter().any(|net| net.contains(&ip) || net.contains(&canonical)) {
            return Ok(());
        }
        Err(Refusal { addr: ip, kind })
    }

    /// The checks made before a request is sent: its length, and its host when that is an
    /// IP literal (connected to without resolving, so the resolver never sees it).
    pub(crate) fn before_sending(&self, url: &Url, max_url_bytes: usize) -> Result<(), FetchError> {
        if url.as_str().len() > max_url_bytes {
            return Err(FetchError::UrlTooLong { url: url.clone(), limit: max_url_bytes });
        }
        self.check_url(url).map_err(|refusal| FetchError::Forbidden {
            url: url.clone(),
            addr: refusal.addr,
            why: refusal.kind,
        })
    }

    /// Checks a URL whose host is an IP literal; a name is left to the resolver.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        match url.host() {
            Some(Host::Ipv4(v4)) => self.check(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => self.check(IpAddr::V6(v6)),
            Some(Host::Domain(_)) | None => Ok(()),
        }
    }
}

/// Resolves names with the system resolver, then keeps only the addresses the policy
/// allows. A name none of whose addresses is allowed fails with the first refused one.
#[derive(Debug)]
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| match policy.check(addr.ip()) {
                    Ok(()) => true,
                    Err(refusal) => {
                        refused.get_or_insert(refusal);
                        false
                    }
                })
                .collect();
            match refused {
                Some(refusal) if allowed.is_empty() => Err(Box::new(refusal) as _),
                _ => Ok(Box::new(allowed.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressKind::*;

    fn kind(s: &str) -> Option<AddressKind> {
        classify(s.parse().unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    #[test]
    fn ipv4_table() {
        let table = [
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Reserved)),
            ("1.1.1.1", None),
            ("9.255.255.255", None),
            ("10.0.0.0", Some(Private)),
            ("10.255.255.255", Some(Private)),
            ("11.0.0.0", None),
            ("100.63.255.255", None),
            ("100.64.0.0", Some(SharedCgnat)),
            ("100.127.255.255", Some(SharedCgnat)),
            ("100.128.0.0", None),
            ("100.100.100.200", Some(CloudMetadata)),
            ("126.255.255.255", None),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.255.254", Some(Loopback)),
            ("128.0.0.0", None),
            ("169.253.255.255", None),
            ("169.254.0.1", Some(LinkLocal)),
            ("169.254.169.254", Some(CloudMetadata)),
            ("169.255.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.0", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("172.32.0.0", None),
            ("192.0.0.8", Some(Reserved)),
            ("192.0.1.0", None),
            ("192.0.2.1", Some(Documentation)),
            ("192.88.99.1", Some(Reserved)),
            ("192.167.255.255", None),
            ("192.168.0.1", Some(Private)),
            ("192.169.0.0", None),
            ("198.17.255.255", None),
            ("198.18.0.0", Some(Benchmarking)),
            ("198.19.255.255", Some(Benchmarking)),
            ("198.20.0.0", None),
            ("198.51.100.7", Some(Documentation)),
            ("203.0.113.255", Some(Documentation)),
            ("203.0.114.0", None),
            ("223.255.255.255", None),
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.255", Some(Multicast)),
            ("240.0.0.1", Some(Reserved)),
            ("255.255.255.254", Some(Reserved)),
            ("255.255.255.255", Some(Broadcast)),
        ];
        for (addr, want) in table {
            assert_eq!(kind(addr), want, "{addr}");
        }
    }

    #[test]
    fn ipv6_table() {
        let table = [
            ("::", Some(Unspecified)),
            ("::1", Some(Loopback)),
            ("::2", Some(Reserved)),
            // Mapped, compatible and NAT64 forms are judged by the IPv4 address inside.
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("::ffff:169.254.169.254", Some(CloudMetadata)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Loopback)),
            ("::192.168.1.1", Some(Private)),
            ("::8.8.8.8", Some(Reserved)),
            ("64:ff9b::127.0.0.1", Some(Loopback)),
            ("64:ff9b::a9fe:a9fe", Some(CloudMetadata)),
            ("64:ff9b::8.8.8.8", None),
            ("64:ff9b:1::1", Some(Private)),
            ("2002:7f00:1::", Some(Loopback)),
            ("2002:0808:0808::1", None),
            ("100::1", Some(Reserved)),
            ("2001::1", Some(Reserved)),
            ("2001:1ff:ffff::1", Some(Reserved)),
            ("2001:200::1", None),
            ("2001:2::1", Some(Benchmarking)),
            ("2001:db8::1", Some(Documentation)),
            ("2001:db9::1", None),
            ("3fff::1", Some(Documentation)),
            ("3fff:fff:ffff::1", Some(Documentation)),
            ("3fff:1000::1", None),
            ("2606:4700::1111", None),
            ("1fff:ffff::1", Some(Reserved)),
            ("4000::1", Some(Reserved)),
            ("fbff:ffff::1", Some(Reserved)),
            ("fc00::1", Some(UniqueLocal)),
            ("fdff:ffff::1", Some(UniqueLocal)),
            ("fd00:ec2::254", Some(CloudMetadata)),
            ("fe7f::1", Some(Reserved)),
            ("fe80::1", Some(LinkLocal)),
            ("febf:ffff::1", Some(LinkLocal)),
            ("fec0::1", Some(Reserved)),
            ("ff02::1", Some(Multicast)),
        ];
        for (addr, want) in table {
            assert_eq!(kind(addr), want, "{addr}");
        }
    }

    #[test]
    fn policy_allows_listed_networks_only() {
        let net = |s: &str| s.parse::<IpNet>().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let strict = AddressPolicy::default();
        let refusal = strict.check(ip("10.0.0.5")).unwrap_err();
        assert_eq!(refusal.to_string(), "10.0.0.5 is a private network address");
        assert!(strict.check(ip("93.184.215.14")).is_ok());

        let listed = AddressPolicy::new(false, &[net("127.0.0.1/32"), net("fd12::/16")]);
        assert!(listed.check(ip("127.0.0.1")).is_ok());
        assert!(listed.check(ip("::ffff:127.0.0.1")).is_ok(), "mapped form of a listed address");
        assert!(listed.check(ip("fd12:3::1")).is_ok());
        assert_eq!(listed.check(ip("127.0.0.2")).unwrap_err().kind, Loopback);
        assert_eq!(listed.check(ip("::1")).unwrap_err().kind, Loopback);
        assert_eq!(listed.check(ip("fd13::1")).unwrap_err().kind, UniqueLocal);

        let open = AddressPolicy::new(true, &[]);
        assert!(open.check(ip("169.254.169.254")).is_ok());
    }

    #[test]
    fn literal_hosts_in_every_spelling_are_checked() {
        let strict = AddressPolicy::default();
        let refused = |s: &str| strict.check_url(&Url::parse(s).unwrap()).err().map(|r| r.addr);
        // The URL parser reads decimal, hex and short IPv4 forms as the address they mean.
        for spelling in
            ["http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://127.1/"]
        {
            assert_eq!(refused(spelling), Some(IpAddr::from([127, 0, 0, 1])), "{spelling}");
        }
        assert_eq!(
            refused("http://[::ffff:7f00:1]/").map(|a| a.to_string()),
            Some("::ffff:127.0.0.1".into())
        );
        assert_eq!(refused("http://localhost/"), None, "names are the resolver's job");
        assert_eq!(refused("https://93.184.215.14/"), None);
    }
}
