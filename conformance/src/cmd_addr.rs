//! `nltwin addr list|add|del`: addresses as `ip addr show` writes them (text) or
//! `ip -j addr show` (JSON), and `ip addr add|del`'s changes, through
//! [`nltwin::requests::addr`] and [`nltwin::present::addr`].

use std::net::IpAddr;

use nltwin::engine::{Connection, Error};
use nltwin::requests::addr::{
    broadcast_of, AddrChange, AddrRequests, Lifetimes, AF_INET, AF_INET6, INFINITY_LIFE_TIME,
};
use nltwin::transport::Backend;
use nltwin::wire::uapi::if_addr::{
    IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD, IFA_F_NOPREFIXROUTE,
    IFA_F_OPTIMISTIC,
};
use nltwin::wire::Errno;
use nltwin_conformance::cli_error::{errno_of, CliError, EXIT_NOT_FOUND, EXIT_USAGE};

use crate::cmd_link_details::lookup;

/// `-4` / `-6` / neither, as a family number.
pub(crate) fn family(v4: bool, v6: bool) -> u8 {
    match (v4, v6) {
        (true, false) => AF_INET,
        (false, true) => AF_INET6,
        _ => 0,
    }
}

/// `nltwin addr list [DEV] [-4|-6] [--json]`.
pub(crate) fn list<B: Backend>(
    mut c: Connection<B>,
    dev: Option<&str>,
    family: u8,
    json: bool,
) -> Result<(), CliError> {
    let req = |what: &'static str| move |e: Error| CliError::request(what, &e);
    let index = match dev {
        None => 0,
        Some(d) => lookup(&mut c, d)?,
    };
    let dump = c.ip_addr_dump(family, index).map_err(req(
        "listing the links and addresses (RTM_GETLINK, RTM_GETADDR dumps)",
    ))?;
    let shown = dump.shown();
    let keep = |l: &nltwin::present::IpLinkRef<'_>| index == 0 || l.ifindex == index;
    let out = std::io::stdout().lock();
    if json {
        shown.write_json(keep, out)?;
    } else {
        shown.write_text(keep, out)?;
    }
    Ok(())
}

/// A bad command line: what, where and why.
fn usage(msg: impl Into<String>) -> CliError {
    CliError::new(EXIT_USAGE, msg)
}

/// `ADDR/PLEN` (a missing length is the whole address, as `ip` takes it).
pub(crate) fn parse_prefix(s: &str) -> Result<(IpAddr, u8), CliError> {
    let (a, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let addr: IpAddr = a.parse().map_err(|_| {
        usage(format!(
            "\"{s}\": \"{a}\" is not an IPv4 or IPv6 address (expected ADDR/PLEN, e.g. \
             10.0.0.1/24 or 2001:db8::1/64)"
        ))
    })?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = match len {
        None => max,
        Some(l) => l.parse::<u8>().ok().filter(|&n| n <= max).ok_or_else(|| {
            usage(format!(
                "\"{s}\": prefix length \"{l}\" is not a number from 0 to {max}"
            ))
        })?,
    };
    Ok((addr, len))
}

/// A lifetime: seconds or `forever`.
fn parse_lifetime(key: &str, v: &str) -> Result<u32, CliError> {
    if v == "forever" {
        return Ok(INFINITY_LIFE_TIME);
    }
    v.parse::<u32>()
        .map_err(|_| usage(format!("{key} \"{v}\": expected seconds or \"forever\"")))
}

/// The words after `ADDR/PLEN`, as `ip addr add` reads them.
struct Words<'a> {
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Words<'a> {
    fn value(&mut self, key: &str) -> Result<&'a str, CliError> {
        self.rest
            .next()
            .map(String::as_str)
            .ok_or_else(|| usage(format!("\"{key}\" needs a value")))
    }
}

/// `nltwin addr add|del ADDR/PLEN dev DEV [...]`.
pub(crate) fn change<B: Backend>(
    mut c: Connection<B>,
    add: bool,
    prefix: &str,
    words: &[String],
) -> Result<(), CliError> {
    let (address, prefix_len) = parse_prefix(prefix)?;
    let mut ch = AddrChange::new(address, prefix_len, 0);
    let mut dev = None;
    let (mut valid, mut preferred) = (None, None);
    // ip's `default_scope`: an IPv4 loopback address is host-scoped unless `scope` says.
    if let IpAddr::V4(a) = address {
        if a.is_loopback() {
            ch.scope = 254;
        }
    }
    let mut w = Words { rest: words.iter() };
    while let Some(word) = w.rest.next() {
        match word.as_str() {
            "dev" => dev = Some(w.value("dev")?),
            "label" => ch.label = Some(w.value("label")?.to_owned()),
            "brd" | "broadcast" => {
                let v = w.value(word)?;
                let IpAddr::V4(a) = address else {
                    return Err(usage("\"brd\" is for IPv4 addresses"));
                };
                ch.broadcast = Some(match v {
                    "+" => broadcast_of(a, prefix_len),
                    // `-`: the network's own address, the host part cleared.
                    "-" => {
                        let host =
                            u32::from(broadcast_of(std::net::Ipv4Addr::UNSPECIFIED, prefix_len));
                        std::net::Ipv4Addr::from(u32::from(a) & !host)
                    }
                    v => v.parse().map_err(|_| {
                        usage(format!("brd \"{v}\": not an IPv4 address, \"+\" or \"-\""))
                    })?,
                });
            }
            "peer" => {
                let (p, _) = parse_prefix(w.value("peer")?)?;
                ch.peer = Some(p);
            }
            "metric" | "priority" => {
                let v = w.value(word)?;
                ch.metric = Some(
                    v.parse()
                        .map_err(|_| usage(format!("metric \"{v}\": not a number")))?,
                );
            }
            "scope" => {
                let v = w.value("scope")?;
                ch.scope = match v {
                    "global" | "universe" => 0,
                    "site" => 200,
                    "link" => 253,
                    "host" => 254,
                    "nowhere" => 255,
                    n => n.parse().map_err(|_| {
                        usage(format!(
                            "scope \"{n}\": expected global, site, link, host, nowhere or 0-255"
                        ))
                    })?,
                };
            }
            "valid_lft" => valid = Some(parse_lifetime(word, w.value(word)?)?),
            "preferred_lft" => preferred = Some(parse_lifetime(word, w.value(word)?)?),
            "nodad" => ch.flags |= IFA_F_NODAD,
            "noprefixroute" => ch.flags |= IFA_F_NOPREFIXROUTE,
            "home" => ch.flags |= IFA_F_HOMEADDRESS,
            "optimistic" => ch.flags |= IFA_F_OPTIMISTIC,
            "mngtmpaddr" => ch.flags |= IFA_F_MANAGETEMPADDR,
            "autojoin" => ch.flags |= IFA_F_MCAUTOJOIN,
            other => {
                return Err(usage(format!(
                    "unknown word \"{other}\" after {prefix} (known: dev, label, brd, peer, \
                     metric, scope, valid_lft, preferred_lft, nodad, noprefixroute, home, \
                     optimistic, mngtmpaddr, autojoin)"
                )))
            }
        }
    }
    if valid.is_some() || preferred.is_some() {
        let valid = valid.unwrap_or(INFINITY_LIFE_TIME);
        let preferred = preferred.unwrap_or(valid);
        if preferred > valid {
            return Err(usage(format!(
                "preferred_lft {preferred} is longer than valid_lft {valid}"
            )));
        }
        ch.lifetimes = Some(Lifetimes { preferred, valid });
    }
    let Some(dev) = dev else {
        return Err(usage(format!(
            "{prefix}: which device? (`dev DEV` is required)"
        )));
    };
    ch.index = lookup(&mut c, dev)?;
    let what = if add { "adding" } else { "deleting" };
    let r = if add {
        c.add_address(&ch)
    } else {
        c.del_address(&ch)
    };
    r.map_err(|e| match errno_of(&e) {
        Some(Errno::EADDRNOTAVAIL) if !add => CliError::new(
            EXIT_NOT_FOUND,
            format!("{what} {prefix} on {dev}: no such address there ({e})"),
        ),
        _ => CliError::request(&format!("{what} {prefix} on {dev}"), &e),
    })
}
