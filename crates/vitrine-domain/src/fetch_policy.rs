//! Which addresses the server may fetch a user-supplied URL from (spec 5's URL source).
//! Fetching a URL for a user is a classic way into the network behind a server, so every
//! address that is not plainly public is refused: loopback, private, link-local (cloud
//! metadata lives at 169.254.169.254), carrier-grade NAT, multicast, unspecified,
//! documentation and reserved ranges, IPv6 unique-local and link-local, and IPv4 hidden in
//! IPv6 (mapped, compatible, NAT64, 6to4) is judged as the IPv4 it carries. The fetcher
//! asks this for every address a name resolves to, connects only to an address it
//! allowed, and asks again on every redirect. Operators can open named ranges
//! (`url_fetch_allow`), e.g. a test server on loopback.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::{DomainError, Result};

/// Ranges refused unless opened, with the reason a refusal names.
const REFUSED_V4: &[(&str, &str)] = &[
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
];

const REFUSED_V6: &[(&str, &str)] = &[
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
];

/// The addresses a URL fetch may reach.
#[derive(Debug, Clone, Default)]
pub struct FetchPolicy {
    /// Ranges opened by configuration, checked before any refusal.
    allowed: Vec<IpNet>,
}

impl FetchPolicy {
    /// A policy that also allows `allowed` (CIDRs such as `127.0.0.1/32` or `10.1.0.0/16`,
    /// or single addresses).
    pub fn new<S: AsRef<str>>(allowed: &[S]) -> Result<Self> {
        let allowed = allowed
            .iter()
            .map(|text| {
                let text = text.as_ref().trim();
                text.parse::<IpNet>()
                    .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        DomainError::invalid(format!(
                            "url_fetch_allow: {text:?} is not an address or a CIDR range"
                        ))
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Self { allowed })
    }

    /// Whether a fetch may connect to `ip`; the refusal names the address and why.
    pub fn check(&self, ip: IpAddr) -> Result<()> {
        if self.allowed.iter().any(|net| net.contains(&ip)) {
            return Ok(());
        }
        match refusal(ip) {
            None => Ok(()),
            Some(reason) => Err(DomainError::invalid(format!(
                "address {ip} is not allowed ({reason})"
            ))),
        }
    }
}

/// Why `ip` is refused by default, if it is.
fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        // Even a public IPv4 behind a translation prefix is refused: a fetch has no
        // business reaching it that way.
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => Some(refusal_v4(v4).unwrap_or("IPv4 embedded in IPv6")),
            None => in_table(IpAddr::V6(v6), REFUSED_V6),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    if ip.is_broadcast() {
        return Some("broadcast");
    }
    in_table(IpAddr::V4(ip), REFUSED_V4)
}

fn in_table(ip: IpAddr, table: &[(&str, &'static str)]) -> Option<&'static str> {
    table.iter().find_map(|(net, reason)| {
        net.parse::<IpNet>()
            .ok()
            .filter(|net| net.contains(&ip))
            .map(|_| *reason)
    })
}

/// The IPv4 address an IPv6 one carries: mapped (`::ffff:a.b.c.d`), compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002:aabb:ccdd::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 || lo > 1 => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &FetchPolicy, ip: &str) -> Option<String> {
        policy
            .check(ip.parse().unwrap())
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn everything_not_plainly_public_is_refused_by_default() {
        let policy = FetchPolicy::default();
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.2.10",
            "198.18.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            let reason = refused(&policy, ip).unwrap_or_else(|| panic!("{ip} was allowed"));
            assert!(reason.contains("is not allowed"), "{ip}: {reason}");
        }
    }

    #[test]
    fn the_refusal_names_the_address_and_why() {
        let policy = FetchPolicy::default();
        let reason = refused(&policy, "127.0.0.1").unwrap();
        assert!(
            reason.ends_with("address 127.0.0.1 is not allowed (loopback)"),
            "{reason}"
        );
        let reason = refused(&policy, "::ffff:169.254.169.254").unwrap();
        assert!(reason.ends_with("(link-local)"), "{reason}");
    }

    #[test]
    fn public_addresses_pass() {
        let policy = FetchPolicy::default();
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "2606:4700::1111",
            "172.32.0.1",
        ] {
            assert_eq!(refused(&policy, ip), None, "{ip}");
        }
    }

    #[test]
    fn configured_ranges_open_what_they_name_and_nothing_else() {
        let policy = FetchPolicy::new(&["127.0.0.1/32", "10.9.0.0/16", "::1"]).unwrap();
        assert_eq!(refused(&policy, "127.0.0.1"), None);
        assert_eq!(refused(&policy, "10.9.200.1"), None);
        assert_eq!(refused(&policy, "::1"), None);
        assert!(refused(&policy, "127.0.0.2").is_some());
        assert!(refused(&policy, "10.8.0.1").is_some());
        let bad = FetchPolicy::new(&["localhost"]).unwrap_err().to_string();
        assert!(bad.contains("url_fetch_allow"), "{bad}");
    }
}
