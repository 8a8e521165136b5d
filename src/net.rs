//! Client addresses: which peer is a trusted proxy, and the address a request really came from.

use std::net::IpAddr;
use std::str::FromStr;

/// One address or a CIDR range (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// True when `ip` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.base, ip) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                masked(u32::from(b).into(), self.prefix, 32) == masked(u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                masked(u128::from(b), self.prefix, 128) == masked(u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(value: u128, prefix: u8, bits: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        value >> (bits - prefix)
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

impl FromStr for IpRange {
    type Err = ();

    fn from_str(s: &str) -> Result<IpRange, ()> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| ())?)),
            None => (s.trim(), None),
        };
        let base = canonical(addr.parse::<IpAddr>().map_err(|_| ())?);
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return Err(());
        }
        Ok(IpRange { base, prefix })
    }
}

/// The client's address: the peer itself, unless the peer is a trusted proxy; then the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy. A header
/// from an untrusted peer is ignored, so a client cannot choose what is recorded.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &[IpRange]) -> String {
    let Some(peer) = peer.map(canonical) else {
        return String::new();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    // Each proxy appends what it saw, so the list is read from the right.
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).rev();
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(canonical(ip)) => continue,
            Ok(ip) => return canonical(ip).to_string(),
            // Garbage in the chain: stop believing it here.
            Err(_) => break,
        }
    }
    peer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn ranges() {
        let r: IpRange = "10.0.0.0/8".parse().expect("range");
        assert!(r.contains("10.1.2.3".parse().expect("ip")));
        assert!(r.contains("::ffff:10.1.2.3".parse().expect("ip")));
        assert!(!r.contains("11.0.0.1".parse().expect("ip")));
        let one: IpRange = "::1".parse().expect("one");
        assert!(one.contains("::1".parse().expect("ip")));
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("proxy".parse::<IpRange>().is_err());
    }

    #[test]
    fn untrusted_peers_cannot_choose_their_address() {
        assert_eq!(client_address(ip("203.0.113.7"), &["1.2.3.4"], &[]), "203.0.113.7");
        let trusted = ["127.0.0.1".parse().expect("range")];
        assert_eq!(client_address(ip("203.0.113.7"), &["1.2.3.4"], &trusted), "203.0.113.7");
    }

    #[test]
    fn trusted_proxies_pass_on_the_nearest_untrusted_hop() {
        let trusted = ["127.0.0.1".parse().expect("r"), "10.0.0.0/8".parse().expect("r")];
        // The client forged the first entry; the proxies appended the rest.
        let header = ["6.6.6.6, 198.51.100.9, 10.0.0.2"];
        assert_eq!(client_address(ip("127.0.0.1"), &header, &trusted), "198.51.100.9");
        assert_eq!(client_address(ip("127.0.0.1"), &[], &trusted), "127.0.0.1");
        assert_eq!(client_address(ip("127.0.0.1"), &["not-an-ip"], &trusted), "127.0.0.1");
        assert_eq!(client_address(None, &[], &trusted), "");
    }
}
