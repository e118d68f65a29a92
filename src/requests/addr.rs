//! Addresses: RTM_GETADDR dumps, RTM_NEWADDR and RTM_DELADDR, IPv4 and IPv6.
//!
//! An [`Address`] keeps the kernel's RTM_NEWADDR payload whole and reads its fields through
//! wire's views; `netlink-packet-route`'s [`AddressMessage`] is built on demand
//! ([`Address::message`]). The crate is exact for what this kernel sends (parsed and emitted
//! again, every address of `tests/addr_route.rs` is the same bytes); the bytes stay the record
//! because the presentation reads a handful of fields per address without an allocation per
//! attribute, and what a newer kernel adds would only be the crate's `Other`.

use std::net::{IpAddr, Ipv4Addr};

use netlink_packet_core::Parseable;
use netlink_packet_route::address::AddressMessage;
use nltwin_wire::builder::NlBuf;
use nltwin_wire::nla::Attrs;
use nltwin_wire::uapi::if_addr::{
    ifa_cacheinfo, IFA_ADDRESS, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL,
    IFA_RT_PRIORITY,
};
use nltwin_wire::uapi::netlink::{NLM_F_CREATE, NLM_F_EXCL};
use nltwin_wire::{ifaddrmsg, ifinfomsg};

use super::ROOM;
use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::MsgView;

pub use nltwin_wire::uapi::rtnetlink::{RTM_DELADDR, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR};

/// `AF_INET`.
pub const AF_INET: u8 = 2;
/// `AF_INET6`.
pub const AF_INET6: u8 = 10;
pub use nltwin_wire::uapi::if_addr::INFINITY_LIFE_TIME;

/// The family of an address (`AF_INET` or `AF_INET6`).
pub fn family_of(a: &IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => AF_INET,
        IpAddr::V6(_) => AF_INET6,
    }
}

/// The bytes of an address as netlink carries them (network order).
pub fn addr_bytes(a: &IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// An address from netlink's bytes for `family` (None: a family or a length that is not IP).
pub fn ip_from_bytes(family: u8, b: &[u8]) -> Option<IpAddr> {
    match (family, b.len()) {
        (AF_INET, 4) => Some(IpAddr::from(<[u8; 4]>::try_from(b).ok()?)),
        (AF_INET6, 16) => Some(IpAddr::from(<[u8; 16]>::try_from(b).ok()?)),
        _ => None,
    }
}

/// Which addresses a dump returns: a family (0: every family) and a device (0: every one).
/// The kernel filters by device under strict checking, which [`AddrRequests::addresses`]
/// turns on; the dump is filtered again here for a kernel that does not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddrFilter {
    /// `ifa_family`: 0, `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// `ifa_index`: 0 for every device.
    pub index: u32,
}

impl AddrFilter {
    /// The dump request's payload: an `ifaddrmsg` with the family and index, as `ip` sends it.
    pub fn payload(&self) -> Vec<u8> {
        let h = ifaddrmsg::Repr {
            family: self.family,
            index: self.index,
            ..ifaddrmsg::Repr::default()
        };
        h.to_bytes().to_vec()
    }
}

/// An address as the kernel reported it: the raw RTM_NEWADDR payload (checked: the header is
/// there, every attribute within bounds), read through views.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    raw: Vec<u8>,
    header: ifaddrmsg::Repr,
}

/// `struct ifa_cacheinfo`'s lifetimes (seconds left; [`INFINITY_LIFE_TIME`]: forever).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// `ifa_prefered`.
    pub preferred: u32,
    /// `ifa_valid`.
    pub valid: u32,
}

impl Address {
    /// Take one RTM_NEWADDR message.
    pub fn parse(m: &MsgView<'_>) -> Result<Address, Error> {
        if m.msg_type() != RTM_NEWADDR {
            return Err(Error::Malformed(format!(
                "expected RTM_NEWADDR, got type {}",
                m.msg_type()
            )));
        }
        Address::from_payload(m.payload().to_vec())
    }

    /// An address from an RTM_NEWADDR payload (ifaddrmsg and attributes).
    pub fn from_payload(raw: Vec<u8>) -> Result<Address, Error> {
        let header = ifaddrmsg::Repr::parse_bytes(&raw).map_err(|_| {
            Error::Malformed(format!(
                "RTM_NEWADDR payload of {} bytes: shorter than ifaddrmsg",
                raw.len()
            ))
        })?;
        let mut attrs = Attrs::new(&raw[ifaddrmsg::LEN..]);
        attrs.by_ref().for_each(drop);
        if attrs.malformed() {
            return Err(Error::Malformed(
                "RTM_NEWADDR attribute runs past the message".into(),
            ));
        }
        Ok(Address { raw, header })
    }

    /// The payload as the kernel sent it.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The `ifaddrmsg`.
    pub fn header(&self) -> ifaddrmsg::Repr {
        self.header
    }

    /// The attributes.
    pub fn attrs(&self) -> Attrs<'_> {
        Attrs::new(&self.raw[ifaddrmsg::LEN..])
    }

    fn attr(&self, kind: u16) -> Option<&[u8]> {
        self.attrs().last(kind).map(|a| a.payload())
    }

    fn ip(&self, kind: u16) -> Option<IpAddr> {
        ip_from_bytes(self.header.family, self.attr(kind)?)
    }

    /// `ifa_family`.
    pub fn family(&self) -> u8 {
        self.header.family
    }

    /// `ifa_index`.
    pub fn index(&self) -> u32 {
        self.header.index
    }

    /// `ifa_prefixlen`.
    pub fn prefix_len(&self) -> u8 {
        self.header.prefixlen
    }

    /// `ifa_scope`.
    pub fn scope(&self) -> u8 {
        self.header.scope
    }

    /// Every flag: `IFA_FLAGS` where present (32 bits), else `ifa_flags` (8).
    pub fn flags(&self) -> u32 {
        self.attrs()
            .last(IFA_FLAGS)
            .and_then(|a| a.u32())
            .unwrap_or(u32::from(self.header.flags))
    }

    /// `IFA_LOCAL`: the address itself (IPv4; IPv6 sends it only with a peer).
    pub fn local(&self) -> Option<IpAddr> {
        self.ip(IFA_LOCAL)
    }

    /// `IFA_ADDRESS`: the address, or the peer's on a point-to-point address.
    pub fn address(&self) -> Option<IpAddr> {
        self.ip(IFA_ADDRESS)
    }

    /// `IFA_BROADCAST`.
    pub fn broadcast(&self) -> Option<IpAddr> {
        self.ip(IFA_BROADCAST)
    }

    /// `IFA_LABEL`.
    pub fn label(&self) -> Option<&str> {
        self.attrs().last(IFA_LABEL).and_then(|a| a.str())
    }

    /// `IFA_RT_PRIORITY`: the metric of the address's prefix route.
    pub fn rt_priority(&self) -> Option<u32> {
        self.attrs().last(IFA_RT_PRIORITY).and_then(|a| a.u32())
    }

    /// `IFA_CACHEINFO`'s lifetimes.
    pub fn lifetimes(&self) -> Option<Lifetimes> {
        let (preferred, valid) = ifa_cacheinfo::lifetimes(self.attr(IFA_CACHEINFO)?)?;
        Some(Lifetimes { preferred, valid })
    }

    /// The address as `netlink-packet-route` parses it.
    pub fn message(&self) -> Result<AddressMessage, String> {
        AddressMessage::parse(&self.raw[..]).map_err(|e| e.to_string())
    }
}

/// An address to add or delete, with what `ip addr add` can say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrChange {
    /// The address (IFA_LOCAL, and IFA_ADDRESS unless a peer is given).
    pub address: IpAddr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The device's ifindex.
    pub index: u32,
    /// The peer of a point-to-point address (IFA_ADDRESS).
    pub peer: Option<IpAddr>,
    /// IPv4's broadcast address (IFA_BROADCAST).
    pub broadcast: Option<Ipv4Addr>,
    /// IPv4's label (IFA_LABEL).
    pub label: Option<String>,
    /// `IFA_F_*` flags (IFA_F_NODAD, IFA_F_NOPREFIXROUTE, ...); above 0xff they go in IFA_FLAGS.
    pub flags: u32,
    /// The scope (`ifa_scope`; 0: global).
    pub scope: u8,
    /// The valid and preferred lifetimes (IFA_CACHEINFO), in seconds.
    pub lifetimes: Option<Lifetimes>,
    /// The prefix route's metric (IFA_RT_PRIORITY).
    pub metric: Option<u32>,
}

impl AddrChange {
    /// An address `address/prefix_len` on device `index`, nothing else said.
    pub fn new(address: IpAddr, prefix_len: u8, index: u32) -> AddrChange {
        AddrChange {
            address,
            prefix_len,
            index,
            peer: None,
            broadcast: None,
            label: None,
            flags: 0,
            scope: 0,
            lifetimes: None,
            metric: None,
        }
    }

    /// The request's payload, the attributes in the order `ip addr add` writes them.
    pub fn payload(&self) -> Vec<u8> {
        let mut b = NlBuf::unlimited();
        let h = ifaddrmsg::Repr {
            family: family_of(&self.address),
            prefixlen: self.prefix_len,
            // ip puts flags that fit in ifa_flags there, the others in IFA_FLAGS.
            flags: if self.flags <= 0xff {
                self.flags as u8
            } else {
                0
            },
            scope: self.scope,
            index: self.index,
        };
        b.put_data(&h.to_bytes()).expect(ROOM);
        b.nla_put(IFA_LOCAL, &addr_bytes(&self.address))
            .expect(ROOM);
        if let Some(l) = &self.label {
            b.nla_put_string(IFA_LABEL, l).expect(ROOM);
        }
        if self.flags > 0xff {
            b.nla_put_u32(IFA_FLAGS, self.flags).expect(ROOM);
        }
        let address = self.peer.unwrap_or(self.address);
        b.nla_put(IFA_ADDRESS, &addr_bytes(&address)).expect(ROOM);
        if let Some(brd) = self.broadcast {
            b.nla_put(IFA_BROADCAST, &brd.octets()).expect(ROOM);
        }
        if let Some(m) = self.metric {
            b.nla_put_u32(IFA_RT_PRIORITY, m).expect(ROOM);
        }
        if let Some(l) = self.lifetimes {
            let ci = ifa_cacheinfo::to_bytes(l.preferred, l.valid, 0, 0);
            b.nla_put(IFA_CACHEINFO, &ci).expect(ROOM);
        }
        b.into_vec()
    }
}

/// The broadcast address of `a/prefix_len` (`ip addr add ... brd +`).
pub fn broadcast_of(a: Ipv4Addr, prefix_len: u8) -> Ipv4Addr {
    let host = if prefix_len >= 32 {
        0
    } else {
        u32::MAX >> prefix_len
    };
    Ipv4Addr::from(u32::from(a) | host)
}

/// Address requests on a NETLINK_ROUTE connection.
pub trait AddrRequests {
    /// The addresses `filter` selects, in the kernel's order. Turns strict checking on (as
    /// `ip` does) so the kernel filters by device.
    fn addresses(&mut self, filter: &AddrFilter) -> Result<Vec<Address>, Error>;
    /// Add an address (NLM_F_CREATE | NLM_F_EXCL, as `ip addr add`); waits for the ack.
    fn add_address(&mut self, a: &AddrChange) -> Result<(), Error>;
    /// Delete an address (as `ip addr del`); waits for the ack.
    fn del_address(&mut self, a: &AddrChange) -> Result<(), Error>;
    /// The link dump `ip addr show` starts with: RTM_GETLINK of `family` (0, `AF_INET`: every
    /// link's whole message; `AF_INET6`: `inet6_dump_ifinfo`'s short messages of the links
    /// with IPv6), as the compact table the presentation reads.
    fn ip_addr_links(&mut self, family: u8) -> Result<crate::present::IpLinks, Error>;
    /// What `ip addr show` reads for `family` (0: every one) and device `index` (0: every
    /// one): the family's link dump, the whole link dump where IPv6's lacks queue lengths,
    /// and the address dump.
    fn ip_addr_dump(
        &mut self,
        family: u8,
        index: u32,
    ) -> Result<crate::present::addr::IpAddrDump, Error> {
        let mut links = self.ip_addr_links(family)?;
        let family_links = links.len();
        // IPv6's link messages carry no queue length: ip reads it by ioctl, this from the
        // whole link dump (the same value, on either backend). The links IPv6's dump lacks
        // are added after its own, to name peers and masters as ip does (it asks for them).
        let full = if family == AF_INET6 {
            let full = self.ip_addr_links(0)?;
            let have: std::collections::HashSet<u32> = links.iter().map(|l| l.ifindex).collect();
            for l in full.iter().filter(|l| !have.contains(&l.ifindex)) {
                links.push(&l.to_owned());
            }
            Some(full)
        } else {
            None
        };
        let addrs = self.addresses(&AddrFilter { family, index })?;
        Ok(crate::present::addr::IpAddrDump {
            links,
            family_links,
            full,
            addrs,
            family,
        })
    }
}

impl<B: Backend> AddrRequests for Connection<B> {
    fn addresses(&mut self, filter: &AddrFilter) -> Result<Vec<Address>, Error> {
        self.set_strict_check(true)?;
        let mut all = self.dump_with(RTM_GETADDR, &filter.payload(), Vec::new, |v, m| {
            v.push(Address::parse(&m)?);
            Ok(())
        })?;
        all.retain(|a| {
            (filter.family == 0 || a.family() == filter.family)
                && (filter.index == 0 || a.index() == filter.index)
        });
        Ok(all)
    }

    fn add_address(&mut self, a: &AddrChange) -> Result<(), Error> {
        self.request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &a.payload(), |_| {
            Ok(())
        })
    }

    fn del_address(&mut self, a: &AddrChange) -> Result<(), Error> {
        self.request(RTM_DELADDR, 0, &a.payload(), |_| Ok(()))
    }

    fn ip_addr_links(&mut self, family: u8) -> Result<crate::present::IpLinks, Error> {
        let h = ifinfomsg::Repr {
            family,
            ..ifinfomsg::Repr::default()
        };
        self.dump_with(
            RTM_GETLINK,
            &h.to_bytes(),
            crate::present::IpLinks::new,
            |t, m| {
                if t.push_view(&m) {
                    Ok(())
                } else {
                    Err(Error::Malformed(format!(
                        "unreadable RTM_NEWLINK of {} bytes",
                        m.length()
                    )))
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_fills_the_host_part() {
        let a = Ipv4Addr::new(10, 1, 2, 3);
        assert_eq!(broadcast_of(a, 24), Ipv4Addr::new(10, 1, 2, 255));
        assert_eq!(broadcast_of(a, 32), a);
        assert_eq!(broadcast_of(a, 0), Ipv4Addr::BROADCAST);
        assert_eq!(broadcast_of(a, 31), Ipv4Addr::new(10, 1, 2, 3));
    }

    #[test]
    fn a_change_reads_back_as_the_address_it_describes() {
        let mut c = AddrChange::new("2001:db8::1".parse().unwrap(), 64, 3);
        c.flags = 0x2 | 0x200;
        c.lifetimes = Some(Lifetimes {
            preferred: 200,
            valid: 300,
        });
        let a = Address::from_payload(c.payload()).unwrap();
        assert_eq!(a.family(), AF_INET6);
        assert_eq!(a.prefix_len(), 64);
        assert_eq!(a.index(), 3);
        assert_eq!(a.flags(), 0x202);
        assert_eq!(a.local(), Some(c.address));
        assert_eq!(a.address(), Some(c.address));
        assert_eq!(a.lifetimes(), c.lifetimes);
        let m = a.message().unwrap();
        assert_eq!(m.header.prefix_len, 64);
        let mut v4 = AddrChange::new("10.0.0.1".parse().unwrap(), 24, 2);
        v4.label = Some("va:1".into());
        v4.broadcast = Some(broadcast_of(Ipv4Addr::new(10, 0, 0, 1), 24));
        let a = Address::from_payload(v4.payload()).unwrap();
        assert_eq!(a.label(), Some("va:1"));
        assert_eq!(a.broadcast(), Some("10.0.0.255".parse().unwrap()));
        assert_eq!(a.flags(), 0);
    }

    #[test]
    fn short_or_overrunning_payloads_are_refused() {
        assert!(Address::from_payload(vec![2, 24, 0]).is_err());
        let mut p = AddrChange::new("10.0.0.1".parse().unwrap(), 24, 2).payload();
        p[8] = 0xff; // the first attribute's length runs past the end
        assert!(Address::from_payload(p).is_err());
    }
}
