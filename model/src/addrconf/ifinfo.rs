//! AF_INET6 link messages (`net/ipv6/addrconf.c`): RTM_GETLINK's PF_INET6 dump
//! (`inet6_dump_ifinfo`, `inet6_valid_dump_ifinfo`), the message (`inet6_fill_ifinfo`: a short
//! link header with the device's IPv6 state in IFLA_PROTINFO) and its notifications to
//! RTNLGRP_IPV6_IFINFO (`inet6_ifinfo_notify`).

use crate::af_netlink::NetlinkCallback;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::profile::{Feature, FeatureSet, Release};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::ipv6::ICMP6_MIB_MAX;
use crate::uapi::netlink::{nlmsg_align, NETLINK_ROUTE, NLMSG_HDRLEN, NLM_F_MULTI};
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_INET6;
use nltwin_wire::ifinfomsg;

/// `PF_INET6`.
const PF_INET6: u8 = 10;
/// `IFNAMSIZ`.
const IFNAMSIZ: usize = 16;
/// `MAX_ADDR_LEN`.
const MAX_ADDR_LEN: usize = 32;

/// addrconf's RTM_GETLINK dump for PF_INET6 (over rtnetlink's placeholder for it).
pub fn inet6_ifinfo_register(k: &mut Kernel) {
    rtnl_register(k, PF_INET6, RTM_GETLINK, None, Some(inet6_dump_ifinfo), 0);
}

use crate::nlattr::nla_total_size;

/// `inet6_ifla6_size`: the room the `IFLA_INET6_*` attributes may take.
fn inet6_ifla6_size(release: &Release) -> usize {
    nla_total_size(4)
        + nla_total_size(16)
        + nla_total_size(release.ipv6_devconf_max * 4)
        + nla_total_size(release.ipstats_mib_max * 8)
        + nla_total_size(ICMP6_MIB_MAX * 8)
        + nla_total_size(16)
        + nla_total_size(1)
        + nla_total_size(4)
}

/// `inet6_if_nlmsg_size`: what a notification's skb is allocated for.
fn inet6_if_nlmsg_size(release: &Release) -> usize {
    nlmsg_align(IFINFOMSG_LEN)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(inet6_ifla6_size(release))
}

/// `inet6_fill_ifinfo`: an AF_INET6 link message for `dev` (which has IPv6): the header with
/// the device's type, index and flags, then its name, hardware address (when it has one),
/// MTU, link (when not itself), operstate (DOWN unless running) and IFLA_PROTINFO with every
/// `IFLA_INET6_*` attribute, counters included. On EMSGSIZE nothing of it stays.
#[allow(clippy::too_many_arguments)]
pub(crate) fn inet6_fill_ifinfo(
    skb: &mut SkBuff,
    dev: &NetDevice,
    release: &Release,
    features: FeatureSet,
    portid: u32,
    seq: u32,
    event: u16,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = fill(skb, dev, release, features, portid, seq, event, flags);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn fill(
    skb: &mut SkBuff,
    dev: &NetDevice,
    release: &Release,
    features: FeatureSet,
    portid: u32,
    seq: u32,
    event: u16,
    flags: u16,
) -> Result<(), Errno> {
    let idev = dev.ip6_ptr.as_ref().expect("the caller checked");
    let at = skb.nlmsg_put(portid, seq, event, IFINFOMSG_LEN, flags)?;
    ifinfomsg::Repr {
        family: AF_INET6,
        link_type: dev.ty,
        index: dev.ifindex as i32,
        flags: dev.dev_get_flags(),
        change: 0,
    }
    .emit(&mut ifinfomsg::Packet::new_unchecked(
        skb.nlmsg_data_mut(at),
    ));
    skb.nla_put_string(IFLA_IFNAME, crate::netdevice::ifname_bytes(&dev.name))?;
    if !dev.addr.is_empty() {
        skb.nla_put(IFLA_ADDRESS, &dev.addr)?;
    }
    skb.nla_put_u32(IFLA_MTU, dev.mtu)?;
    let iflink = dev.dev_get_iflink();
    if iflink != dev.ifindex {
        skb.nla_put_u32(IFLA_LINK, iflink)?;
    }
    skb.nla_put_u8(IFLA_OPERSTATE, dev.reported_operstate())?;
    let protoinfo = skb.nla_nest_start_noflag(IFLA_PROTINFO)?;
    super::inet6_fill_ifla6_attrs(skb, idev, release, features, 0)?;
    skb.nla_nest_end(protoinfo);
    skb.nlmsg_end(at);
    Ok(())
}

/// `inet6_valid_dump_ifinfo` (strict checking): a whole `ifinfomsg`, nothing after it, and
/// nothing in it but the family.
fn inet6_valid_dump_ifinfo(cb: &mut NetlinkCallback) -> Result<(), Errno> {
    let nlh = &cb.nlh;
    let msg = if nlh.len() < NLMSG_HDRLEN + IFINFOMSG_LEN {
        Some("Invalid header for link dump request")
    } else if nlh.len() > NLMSG_HDRLEN + nlmsg_align(IFINFOMSG_LEN) {
        Some("Invalid data after header")
    } else {
        let h = ifinfomsg::Packet::new_unchecked(&nlh[NLMSG_HDRLEN..]);
        (h.pad() != 0 || h.link_type() != 0 || h.flags() != 0 || h.change() != 0 || h.index() != 0)
            .then_some("Invalid values in header for dump request")
    };
    match msg {
        Some(m) => {
            cb.extack.msg = Some(format!("ipv6: {m}"));
            Err(Errno::EINVAL)
        }
        None => Ok(()),
    }
}

/// `NETDEV_HASHENTRIES`: the buckets of `dev_index_head`, which releases before the dump
/// walked by ifindex visit in turn.
const NETDEV_HASHENTRIES: u32 = 256;

/// Dump position in `cb.args`: the next device's ifindex (`ctx->ifindex`; before the walk by
/// ifindex, the hash bucket, which is the ifindex while every ifindex is below
/// NETDEV_HASHENTRIES).
const NEXT: usize = 0;

/// `inet6_dump_ifinfo`: with strict checking the request is checked first (its error, with
/// the ext-ack, in NLMSG_DONE); then every device with IPv6, in ascending ifindex, resuming
/// at the device that did not fit.
///
/// Releases that walk the devices by ifindex (`for_each_netdev_dump`) return the fill's error
/// (0 at the end: NLMSG_DONE may share the last chunk). Earlier ones walk the index hash's
/// buckets and return the chunk's length (NLMSG_DONE alone); their bucket order is ascending
/// ifindex only while every ifindex is below NETDEV_HASHENTRIES, so beyond that they answer
/// `unimplemented`.
pub fn inet6_dump_ifinfo(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    if cb.strict_check {
        if let Err(e) = inet6_valid_dump_ifinfo(cb) {
            return Ok(e.as_neg());
        }
    }
    let by_ifindex = k.has(Feature::Inet6DumpIfinfoByIfindex);
    let net = cb.net;
    let devs = &k.net(net).devices;
    if !by_ifindex && devs.devs.keys().any(|&i| i >= NETDEV_HASHENTRIES) {
        return Err(crate::errno::unimplemented(
            "the PF_INET6 link dump's hash-bucket order with an ifindex of 256 or more (releases before for_each_netdev_dump)",
        ));
    }
    let (portid, seq) = (cb.portid, cb.request().seq());
    let (release, features) = (k.profile.release, k.features);
    let mut err = Ok(());
    let mut visited = None;
    for (&ifindex, dev) in devs.devs.range(cb.args[NEXT] as u32..) {
        cb.args[NEXT] = i64::from(ifindex);
        visited = Some(ifindex);
        if dev.ip6_ptr.is_none() {
            continue;
        }
        err = inet6_fill_ifinfo(
            skb,
            dev,
            release,
            features,
            portid,
            seq,
            RTM_NEWLINK,
            NLM_F_MULTI,
        );
        if err.is_err() {
            break;
        }
    }
    if err.is_ok() {
        // Past the last device (the ifindex walk) or the last bucket.
        cb.args[NEXT] = match visited {
            Some(last) if by_ifindex => i64::from(last) + 1,
            _ if by_ifindex => cb.args[NEXT],
            _ => i64::from(NETDEV_HASHENTRIES),
        };
    }
    Ok(match err {
        _ if !by_ifindex => skb.len() as i32,
        Ok(()) => 0,
        Err(e) => e.as_neg(),
    })
}

/// `inet6_ifinfo_notify`: an AF_INET6 `event` message for `ifindex` (stamped with no
/// requester) to RTNLGRP_IPV6_IFINFO. Nothing is built when nobody listens.
pub fn inet6_ifinfo_notify(k: &mut Kernel, net: NetId, ifindex: u32, event: u16) -> SysResult<()> {
    let Some(rtnl) = k.net(net).kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    if !crate::af_netlink::netlink_has_listeners(k, rtnl, RTNLGRP_IPV6_IFINFO) {
        return Ok(());
    }
    let Some(dev) = k.dev(net, ifindex).filter(|d| d.ip6_ptr.is_some()) else {
        return Ok(());
    };
    let mut skb = SkBuff::alloc_skb(NLMSG_HDRLEN + inet6_if_nlmsg_size(k.profile.release));
    inet6_fill_ifinfo(&mut skb, dev, k.profile.release, k.features, 0, 0, event, 0)?;
    crate::rtnetlink::notify::rtnl_notify(k, net, skb, RTNLGRP_IPV6_IFINFO, None)
}
