//! Generic netlink notifications: a family's multicast groups are numbered from its
//! `mcgrp_offset` in the protocol's global group space, and a message sent to the family's
//! group `i` goes to the listeners of global group `mcgrp_offset + i` (`genlmsg_multicast_*`,
//! `genl_notify`, `net/netlink/genetlink.c` and `include/net/genetlink.h`).

use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{netlink_broadcast, netlink_has_listeners};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, SockId, INIT_NET};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{NETLINK_GENERIC, NLM_F_ECHO};

use super::{GenlFamily, GenlInfo};

/// The namespace's NETLINK_GENERIC kernel socket (`net->genl_sock`).
fn genl_sock(k: &Kernel, net: NetId) -> Option<SockId> {
    k.nets.get(net.0)?.kernel_sock[NETLINK_GENERIC as usize]
}

/// The global group id of the family's group `group` (`family->mcgrp_offset + group`);
/// EINVAL for a group the family does not have (the kernel warns and refuses).
fn genl_mcgrp(family: &GenlFamily, group: usize) -> Result<u32, Errno> {
    family.mcgrps.get(group).map(|g| g.0).ok_or(Errno::EINVAL)
}

/// `nlmsg_multicast` (`include/net/netlink.h`): stamp the destination group, broadcast from
/// `ssk` to the group's listeners except `portid`. ESRCH when nobody listens.
pub fn nlmsg_multicast(
    k: &mut Kernel,
    ssk: SockId,
    mut skb: SkBuff,
    portid: u32,
    group: u32,
) -> Result<(), Errno> {
    skb.cb.dst_group = group;
    netlink_broadcast(k, ssk, skb, portid, group)
}

/// `genlmsg_multicast_netns`: send `skb` to the family's group `group` (its index in
/// `family.mcgrps`) in namespace `net`, except to `portid`. ESRCH when nobody listens.
pub fn genlmsg_multicast_netns(
    k: &mut Kernel,
    family: &GenlFamily,
    net: NetId,
    skb: SkBuff,
    portid: u32,
    group: usize,
) -> Result<(), Errno> {
    let group = genl_mcgrp(family, group)?;
    let ssk = genl_sock(k, net).ok_or(Errno::ESRCH)?;
    nlmsg_multicast(k, ssk, skb, portid, group)
}

/// `genlmsg_multicast`: [`genlmsg_multicast_netns`] in `init_net` (as the kernel's does; a
/// family sending to a sandboxed namespace uses the `_netns` form or [`genl_notify`]).
pub fn genlmsg_multicast(
    k: &mut Kernel,
    family: &GenlFamily,
    skb: SkBuff,
    portid: u32,
    group: usize,
) -> Result<(), Errno> {
    genlmsg_multicast_netns(k, family, INIT_NET, skb, portid, group)
}

/// `genlmsg_multicast_allns` (`genlmsg_mcast`): the family's group `group` in every
/// namespace. Ok when some namespace delivered it, ESRCH when none did.
pub fn genlmsg_multicast_allns(
    k: &mut Kernel,
    family: &GenlFamily,
    skb: SkBuff,
    portid: u32,
    group: usize,
) -> Result<(), Errno> {
    let group = genl_mcgrp(family, group)?;
    let mut delivered = false;
    for net in 0..k.nets.len() {
        let Some(ssk) = genl_sock(k, NetId(net)) else {
            continue;
        };
        match nlmsg_multicast(k, ssk, skb.clone(), portid, group) {
            Ok(()) => delivered = true,
            Err(Errno::ESRCH) => {}
            Err(e) => return Err(e),
        }
    }
    if delivered {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

/// `genl_has_listeners`: does anyone in `net` listen to the family's group `group`?
pub fn genl_has_listeners(k: &Kernel, family: &GenlFamily, net: NetId, group: usize) -> bool {
    match (genl_mcgrp(family, group), genl_sock(k, net)) {
        (Ok(group), Some(ssk)) => netlink_has_listeners(k, ssk, group),
        _ => false,
    }
}

/// `genl_notify` (`nlmsg_notify`): a notification about the request of `info` to the
/// family's group `group` in the requester's namespace. When the request asked for an echo
/// (NLM_F_ECHO) the requester gets it by unicast instead of as a listener. Delivery failures
/// are the listeners' business (the kernel reports none).
pub fn genl_notify(
    k: &mut Kernel,
    family: &GenlFamily,
    skb: SkBuff,
    info: &GenlInfo<'_>,
    group: usize,
) -> SysResult<()> {
    let Ok(group) = genl_mcgrp(family, group) else {
        return Ok(());
    };
    let Some(ssk) = genl_sock(k, info.net) else {
        return Ok(());
    };
    let report = info.nlh.flags() & NLM_F_ECHO != 0;
    let exclude = if report { info.snd_portid } else { 0 };
    let _ = nlmsg_multicast(k, ssk, skb.clone(), exclude, group);
    if report {
        nlmsg_unicast(k, ssk, skb, info.snd_portid)?;
    }
    Ok(())
}

/// The groups of families held as data only (their notifications are not modeled) that
/// registering, changing or removing devices speaks to on the kernel: netdev's `mgmt`
/// (NETDEV_CMD_DEV_ADD_NTF / _DEL_NTF / _CHANGE_NTF for every device) and ethtool's `monitor`
/// (its *_NTF messages as a device's features and settings change). Other families' groups
/// hear nothing of links.
pub(crate) const LINK_SIDE_GENL_GROUPS: [(&str, &str); 2] =
    [("netdev", "mgmt"), ("ethtool", "monitor")];

/// A group of [`LINK_SIDE_GENL_GROUPS`] that a NETLINK_GENERIC socket of `net` listens to, as
/// `family:group`, while its family is data only. Link changes then answer `unimplemented`
/// rather than leave that listener silently without what the kernel would send it.
pub(crate) fn link_side_genl_listener(k: &Kernel, net: NetId) -> Option<String> {
    let listening = |group: u32| {
        k.mc_list(NETLINK_GENERIC as usize).iter().any(|&s| {
            let sk = k.sk(s);
            sk.net == net && sk.in_group(group)
        })
    };
    k.genl
        .families
        .values()
        .filter(|f| f.data_only)
        .find_map(|f| {
            let (_, name) = f.mcgrps.iter().find(|(id, name)| {
                LINK_SIDE_GENL_GROUPS.contains(&(f.name.as_str(), name.as_str())) && listening(*id)
            })?;
            Some(format!("{}:{name}", f.name))
        })
}
