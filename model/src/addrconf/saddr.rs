//! Source address selection (`net/ipv6/addrconf.c`: `ipv6_dev_get_saddr`,
//! `__ipv6_dev_get_saddr`, `ipv6_get_saddr_eval`): the RFC 6724 rules, one after another,
//! between the best candidate so far and each usable address, the first rule that tells them
//! apart deciding.
//!
//! Candidates: the outgoing device's addresses for a multicast or link-local (or narrower)
//! destination, else every device's in the order devices were registered, each device's in
//! its list order; tentative addresses never. The rules that need what the model does not
//! have (home addresses of Mobile IPv6, optimistic DAD) answer `unimplemented` when an address
//! that would make them count is met.

use super::ifaddr::{ipv6_addr_type, Inet6Ifaddr, IPV6_ADDR_LOOPBACK, IPV6_ADDR_MAPPED};
use super::ifaddr::{IPV6_ADDR_ANY, IPV6_ADDR_MULTICAST};
use crate::addrlabel::ipv6_addr_label;
use crate::errno::{unimplemented, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::uapi::if_addr::*;
use crate::uapi::ipv6::{DEVCONF_USE_OIF_ADDRS_ONLY, DEVCONF_USE_TEMPADDR};

/// `IPV6_ADDR_COMPATv4`.
const IPV6_ADDR_COMPATV4: u32 = 0x80;
/// `IPV6_ADDR_SCOPE_LINKLOCAL`.
const IPV6_ADDR_SCOPE_LINKLOCAL: i32 = 0x02;

/// The rules in the kernel's order (`IPV6_SADDR_RULE_*`; HOA and NOT_OPTIMISTIC, which only
/// count for addresses the model refuses, left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Local,
    Scope,
    Preferred,
    Oif,
    Label,
    Privacy,
    Orchid,
    Prefix,
}

const RULES: [Rule; 8] = [
    Rule::Local,
    Rule::Scope,
    Rule::Preferred,
    Rule::Oif,
    Rule::Label,
    Rule::Privacy,
    Rule::Orchid,
    Rule::Prefix,
];

/// `struct ipv6_saddr_dst`.
struct SaddrDst<'a> {
    addr: &'a [u8; 16],
    ifindex: i32,
    scope: i32,
    label: u32,
}

/// A candidate (`struct ipv6_saddr_score`'s address and what the rules read of it).
struct Candidate<'a> {
    ifa: &'a Inet6Ifaddr,
    addr_type: u32,
    ifindex: i32,
    use_tempaddr: i32,
}

/// `__ipv6_addr_src_scope`.
fn src_scope(ty: u32) -> i32 {
    if ty == IPV6_ADDR_ANY {
        -1
    } else {
        (ty >> 16) as i32
    }
}

/// `ipv6_addr_diff`: the number of leading bits `a` and `b` share (128 when equal).
fn ipv6_addr_diff(a: &[u8; 16], b: &[u8; 16]) -> i32 {
    let x = u128::from_be_bytes(*a) ^ u128::from_be_bytes(*b);
    x.leading_zeros() as i32
}

/// `ipv6_addr_orchid`: within 2001:10::/28.
fn ipv6_addr_orchid(a: &[u8; 16]) -> bool {
    u32::from_be_bytes([a[0], a[1], a[2], a[3]]) & 0xffff_fff0 == 0x2001_0010
}

/// `ipv6_get_saddr_eval` of rule `rule` for candidate `c`: the larger value is better.
fn ipv6_get_saddr_eval(
    k: &Kernel,
    net: NetId,
    c: &Candidate<'_>,
    dst: &SaddrDst<'_>,
    rule: Rule,
) -> i32 {
    match rule {
        Rule::Local => i32::from(c.ifa.addr == *dst.addr),
        Rule::Scope => {
            let s = src_scope(c.addr_type);
            if s >= dst.scope {
                -s
            } else {
                s - 128
            }
        }
        Rule::Preferred => {
            // ipv6_saddr_preferred, or an address that is neither deprecated nor optimistic
            // (optimistic addresses are never used: optimistic DAD is off).
            let special =
                c.addr_type & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK) != 0;
            i32::from(special || c.ifa.flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC) == 0)
        }
        Rule::Oif => i32::from(dst.ifindex == 0 || dst.ifindex == c.ifindex),
        Rule::Label => {
            i32::from(ipv6_addr_label(k, net, &c.ifa.addr, c.addr_type, c.ifindex) == dst.label)
        }
        Rule::Privacy => {
            let preftmp = c.use_tempaddr >= 2;
            i32::from((c.ifa.flags & IFA_F_TEMPORARY == 0) ^ preftmp)
        }
        Rule::Orchid => i32::from(ipv6_addr_orchid(&c.ifa.addr) == ipv6_addr_orchid(dst.addr)),
        Rule::Prefix => ipv6_addr_diff(&c.ifa.addr, dst.addr).min(i32::from(c.ifa.prefix_len)),
    }
}

/// `ipv6_dev_get_saddr`: the source for `daddr` sent through `dst_dev` (0: none), or None
/// (EADDRNOTAVAIL) when no address can be.
pub fn ipv6_dev_get_saddr(
    k: &Kernel,
    net: NetId,
    dst_dev: u32,
    daddr: &[u8; 16],
) -> SysResult<Option<[u8; 16]>> {
    let dst_type = ipv6_addr_type(daddr);
    let ifindex = dst_dev as i32;
    let dst = SaddrDst {
        addr: daddr,
        ifindex,
        scope: src_scope(dst_type),
        label: ipv6_addr_label(k, net, daddr, dst_type, ifindex),
    };
    let devices = &k.net(net).devices;
    let oif_idev = (dst_dev != 0)
        .then(|| devices.by_index(dst_dev))
        .flatten()
        .map(|d| d.ip6_ptr.as_ref());
    let use_oif_addr = oif_idev.is_some_and(|idev| {
        dst_type & IPV6_ADDR_MULTICAST != 0
            || dst.scope <= IPV6_ADDR_SCOPE_LINKLOCAL
            || idev.is_some_and(|i| i.devconf[DEVCONF_USE_OIF_ADDRS_ONLY] != 0)
    });
    let devs: Vec<&crate::netdevice::NetDevice> = if use_oif_addr {
        devices.by_index(dst_dev).into_iter().collect()
    } else {
        devices.for_each_netdev().collect()
    };
    let mut best: Option<Candidate<'_>> = None;
    for dev in devs {
        let Some(idev) = dev.ip6_ptr.as_ref() else {
            continue;
        };
        for ifa in &idev.addr_list {
            if ifa.flags & IFA_F_TENTATIVE != 0 && ifa.flags & IFA_F_OPTIMISTIC == 0 {
                continue;
            }
            let addr_type = ipv6_addr_type(&ifa.addr);
            if addr_type == IPV6_ADDR_ANY || addr_type & IPV6_ADDR_MULTICAST != 0 {
                continue;
            }
            if ifa.flags & (IFA_F_HOMEADDRESS | IFA_F_OPTIMISTIC) != 0 {
                return Err(unimplemented(
                    "source address selection among home (Mobile IPv6) or optimistic addresses",
                ));
            }
            let c = Candidate {
                ifa,
                addr_type,
                ifindex: dev.ifindex as i32,
                use_tempaddr: idev.devconf[DEVCONF_USE_TEMPADDR],
            };
            let Some(hi) = &best else {
                best = Some(c);
                continue;
            };
            for rule in RULES {
                let (h, s) = (
                    ipv6_get_saddr_eval(k, net, hi, &dst, rule),
                    ipv6_get_saddr_eval(k, net, &c, &dst, rule),
                );
                if h > s {
                    break;
                }
                if h < s {
                    best = Some(c);
                    break;
                }
            }
        }
    }
    Ok(best.map(|c| c.ifa.addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_lengths_and_orchids() {
        let a = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap().octets();
        assert_eq!(ipv6_addr_diff(&a("2001:db8::1"), &a("2001:db8::1")), 128);
        assert_eq!(ipv6_addr_diff(&a("2001:db8::1"), &a("2001:db8::2")), 126);
        assert_eq!(ipv6_addr_diff(&a("8000::"), &a("::")), 0);
        assert!(ipv6_addr_orchid(&a("2001:1f::1")));
        assert!(!ipv6_addr_orchid(&a("2001:20::1")));
    }
}
