//! The address a request came from: the peer's, or, when the peer is a reverse proxy the
//! operator named (`--trusted-proxy`), the address that proxy saw (`X-Forwarded-For`). The
//! per-address request limit and login throttling key on it, so a proxy in front does not make
//! every citizen and official share one address.
//!
//! Guarantees: `X-Forwarded-For` is read only from a trusted peer, so a client elsewhere cannot
//! choose its own address; of the header's addresses the right-most one that is not itself a
//! trusted proxy is taken (the ones further left were written by the client).

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

/// One trusted proxy: an address, or a network (`10.0.0.0/8`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<TrustedProxy, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("'{text}' is not an IP address or network"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("'{text}': the prefix must be 0 to {bits}"))?,
        };
        Ok(TrustedProxy { network, prefix })
    }
}

impl TrustedProxy {
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn masked(bytes: &[u8], prefix: u8) -> Vec<u8> {
            bytes
                .iter()
                .enumerate()
                .map(|(i, byte)| {
                    let from = i as u32 * 8;
                    let keep = (u32::from(prefix).saturating_sub(from)).min(8);
                    if keep == 0 {
                        0
                    } else {
                        byte & (0xffu8 << (8 - keep))
                    }
                })
                .collect()
        }
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(&net.octets(), self.prefix) == masked(&ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(&net.octets(), self.prefix) == masked(&ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// The client's address as this server judges it, in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client of a request from `peer` carrying `forwarded_for` (the `X-Forwarded-For`
/// values, in order).
pub fn client_of(peer: IpAddr, forwarded_for: &[&str], trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|proxy| proxy.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for part in forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .rev()
    {
        match part.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address a trusted proxy vouched for.
            Err(_) => break,
        }
    }
    client
}

async fn judge(
    State(trusted): State<Arc<Vec<TrustedProxy>>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let client = client_of(peer, &forwarded, &trusted);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// Puts the judgement in front of `router` (outside every layer that reads [`ClientAddr`]).
pub fn apply(router: Router, trusted: Vec<TrustedProxy>) -> Router {
    router.layer(middleware::from_fn_with_state(Arc::new(trusted), judge))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        for (network, address, inside) in [
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.1.7", "192.168.1.7", true),
            ("192.168.1.7", "192.168.1.8", false),
            ("172.16.0.0/12", "172.31.255.255", true),
            ("172.16.0.0/12", "172.32.0.0", false),
            ("fd00::/8", "fd12::1", true),
            ("fd00::/8", "fe80::1", false),
            ("127.0.0.1", "::ffff:127.0.0.1", true),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("0.0.0.0/0", "::1", false),
        ] {
            let proxy: TrustedProxy = network.parse().unwrap();
            assert_eq!(proxy.contains(ip(address)), inside, "{network} {address}");
        }
        for bad in ["", "10.0.0.0/33", "::/129", "example.org", "10.0.0.0/x"] {
            assert!(bad.parse::<TrustedProxy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_client_is_the_first_untrusted_address_from_the_right() {
        let trusted: Vec<TrustedProxy> = ["127.0.0.1", "10.0.0.0/8"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        for (peer, header, client) in [
            // Not through a trusted proxy: the header is the client's own claim, ignored.
            ("203.0.113.9", &["198.51.100.1"][..], "203.0.113.9"),
            // Through the proxy.
            ("127.0.0.1", &["198.51.100.1"][..], "198.51.100.1"),
            ("127.0.0.1", &[][..], "127.0.0.1"),
            // The client wrote a false address first; the proxy appended the real one.
            ("127.0.0.1", &["1.2.3.4, 198.51.100.1"][..], "198.51.100.1"),
            // Two proxies of ours, then the client; and the header split over two lines.
            ("127.0.0.1", &["198.51.100.1, 10.1.1.1"][..], "198.51.100.1"),
            (
                "127.0.0.1",
                &["198.51.100.1", "10.1.1.1"][..],
                "198.51.100.1",
            ),
            // Garbage: the last address a trusted proxy vouched for.
            (
                "127.0.0.1",
                &["198.51.100.1, nonsense, 10.1.1.1"][..],
                "10.1.1.1",
            ),
        ] {
            assert_eq!(
                client_of(ip(peer), header, &trusted),
                ip(client),
                "{peer} {header:?}"
            );
        }
    }
}
