//! Link properties: RTM_NEWLINKPROP / RTM_DELLINKPROP (`rtnl_newlinkprop`,
//! `rtnl_dellinkprop`, `rtnl_linkprop`, `rtnl_alt_ifname`): alternative interface names.

use crate::af_netlink::{skb_net, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::ifname_from_bytes;
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::skbuff::SkBuff;
use crate::uapi::if_::ALTIFNAMSIZ;
use crate::uapi::if_link::*;
use crate::uapi::netlink::{nla_align, NLA_HDRLEN, NLMSG_HDRLEN};
use crate::uapi::rtnetlink::*;
use nltwin_wire::nla::{Attr, Attrs};

use super::link::ifla_policy;
use super::newlink::{rtnl_dev_get, rtnl_ensure_unique_netns, rtnl_reject_netns, IfAttrs};

/// `rtnl_newlinkprop`.
pub fn rtnl_newlinkprop(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    rtnl_linkprop(k, RTM_NEWLINKPROP, skb, nlh, extack)
}

/// `rtnl_dellinkprop`.
pub fn rtnl_dellinkprop(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    rtnl_linkprop(k, RTM_DELLINKPROP, skb, nlh, extack)
}

/// `rtnl_linkprop`: strict parse, the device by index or name (EINVAL without either, ENODEV
/// when missing), then each IFLA_ALT_IFNAME of IFLA_PROP_LIST added or removed in order (the
/// first failure stops, earlier changes stay).
fn rtnl_linkprop(
    k: &mut Kernel,
    cmd: u16,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nlh = req.bytes();
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if nlh.len() < start {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL.into());
    }
    let tb = nla_parse(
        nlh,
        start,
        nlh.len(),
        ifla_policy(k),
        Validate::Strict,
        extack,
    )?;
    let tb = IfAttrs { msg: nlh, tb };
    rtnl_ensure_unique_netns(&tb, extack, true)?;
    rtnl_reject_netns(&tb)?;
    let net = skb_net(k, skb);
    let ifm = super::newlink::ifinfomsg(req.payload());
    let dev = if ifm.index > 0 {
        k.net(net)
            .devices
            .by_index(ifm.index as u32)
            .map(|d| d.ifindex)
    } else if tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME) {
        rtnl_dev_get(&k.net(net).devices, &tb)
    } else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = dev.ok_or(Errno::ENODEV)?;
    let Some(list) = tb.range(IFLA_PROP_LIST) else {
        return Ok(());
    };
    let mut changed = false;
    let mut result = Ok(());
    for a in Attrs::with_base(&nlh[list.clone()], list.start) {
        if a.kind() == IFLA_ALT_IFNAME {
            if let Err(e) = rtnl_alt_ifname(k, net, cmd, ifindex, nlh, &a, extack) {
                result = Err(e);
                break;
            }
            changed = true;
        }
    }
    if changed {
        crate::dev::netdev_state_change(k, net, ifindex)?;
    }
    result
}

/// `rtnl_alt_ifname`: validate the attribute `a` as an IFLA_ALT_IFNAME, then add it
/// (`netdev_name_node_alt_create`: EEXIST if any device has the name) or remove it
/// (`netdev_name_node_alt_destroy`: ENOENT if nobody has it, EINVAL if it is a primary name
/// or another device's).
fn rtnl_alt_ifname(
    k: &mut Kernel,
    net: NetId,
    cmd: u16,
    ifindex: u32,
    nlh: &[u8],
    a: &Attr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let (at, len) = (a.offset(), a.len());
    let mut policy = vec![NlaPolicy::of(NlaType::Unspec); IFLA_ALT_IFNAME as usize + 1];
    policy[IFLA_ALT_IFNAME as usize] =
        NlaPolicy::with_len(NlaType::String, (ALTIFNAMSIZ - 1) as u16);
    nla_parse(nlh, at, at + len, &policy, Validate::Liberal, extack)?;
    let devs = &k.net(net).devices;
    if cmd == RTM_NEWLINKPROP {
        // rtnl_prop_list_size plus one more name must stay under U16_MAX.
        let dev = devs.by_index(ifindex).expect("looked up");
        let each = nla_align(NLA_HDRLEN + ALTIFNAMSIZ);
        let size = nla_align(NLA_HDRLEN) + (dev.altnames.len() + 1) * each;
        if size >= u16::MAX as usize {
            extack.msg = Some("effective property list too long".into());
            return Err(Errno::EINVAL.into());
        }
    }
    let name = ifname_from_bytes(a.cstr());
    let owner = devs.by_name(&name).map(|d| (d.ifindex, d.name == name));
    let devs = &mut k.net_mut(net).devices;
    if cmd == RTM_NEWLINKPROP {
        if owner.is_some() {
            return Err(Errno::EEXIST.into());
        }
        devs.add_altname(ifindex, name);
    } else {
        match owner {
            None => return Err(Errno::ENOENT.into()),
            Some((i, primary)) if i != ifindex || primary => return Err(Errno::EINVAL.into()),
            Some(_) => devs.remove_altname(ifindex, &name),
        }
    }
    Ok(())
}
