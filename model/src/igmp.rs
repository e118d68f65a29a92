//! IGMP (`net/ipv4/igmp.c`) as far as a device's own groups go: the `ip_mc_list` of an
//! `in_device` (the all-hosts group 224.0.0.1 joined while the device is up, `ip_mc_up` /
//! `ip_mc_down`, reference counted by `ip_mc_inc_group` / `ip_mc_dec_group`) and its
//! RTM_GETMULTICAST messages (`inet_fill_ifmcaddr`), on releases that dump them.
//!
//! Not modeled: groups sockets join (IP_ADD_MEMBERSHIP on an inet socket: the model has no
//! inet sockets) and multicast addresses configured with autojoin (answered `unimplemented`
//! by devinet); IGMP reports, which the all-hosts group never sends (it is not reported), so
//! a device with only that group sends none; the device-level multicast MAC list
//! (`ip_mc_filter_add`'s `dev_mc_add`); and the RTNLGRP_IPV4_MCADDR notifications the newest
//! releases send on join and leave (`inet_ifmcaddr_notify`), which a listener on that group
//! gets answered `unimplemented` for (`LINK_SIDE_GROUPS`).

use crate::errno::Errno;
use crate::profile::{Feature, FeatureSet};
use crate::skbuff::SkBuff;
use crate::uapi::if_addr::*;
use crate::uapi::socket::AF_INET;
use nltwin_wire::ifaddrmsg;

/// `IGMP_ALL_HOSTS`: 224.0.0.1.
pub const IGMP_ALL_HOSTS: [u8; 4] = [224, 0, 0, 1];

/// `RT_SCOPE_UNIVERSE`.
const RT_SCOPE_UNIVERSE: u8 = 0;

/// A group the device joined (`struct ip_mc_list`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpMcList {
    /// `multiaddr`.
    pub multiaddr: [u8; 4],
    /// `users`.
    pub users: u32,
    /// `mca_cstamp` (and `mca_tstamp`, always the same): `jiffies` at the join.
    pub cstamp: u64,
}

/// `____ip_mc_inc_group`: one more user of `addr`; a new group goes to the head of the list
/// (the dump shows the newest first).
pub fn ip_mc_inc_group(mc_list: &mut Vec<IpMcList>, addr: [u8; 4], jiffies: u64) {
    if let Some(im) = mc_list.iter_mut().find(|im| im.multiaddr == addr) {
        im.users += 1;
        return;
    }
    mc_list.insert(
        0,
        IpMcList {
            multiaddr: addr,
            users: 1,
            cstamp: jiffies,
        },
    );
}

/// `__ip_mc_dec_group`: one user fewer; the last one takes the group off the list.
pub fn ip_mc_dec_group(mc_list: &mut Vec<IpMcList>, addr: [u8; 4]) {
    if let Some(pos) = mc_list.iter().position(|im| im.multiaddr == addr) {
        mc_list[pos].users -= 1;
        if mc_list[pos].users == 0 {
            mc_list.remove(pos);
        }
    }
}

/// `ip_mc_up`: a device coming up joins the all-hosts group.
pub fn ip_mc_up(mc_list: &mut Vec<IpMcList>, jiffies: u64) {
    ip_mc_inc_group(mc_list, IGMP_ALL_HOSTS, jiffies);
}

/// `ip_mc_down`: a device going down leaves it.
pub fn ip_mc_down(mc_list: &mut Vec<IpMcList>) {
    ip_mc_dec_group(mc_list, IGMP_ALL_HOSTS);
}

/// What `inet_fill_ifmcaddr` stamps a message with (`struct inet_fill_args`).
#[derive(Clone, Copy, Debug)]
pub struct McFillArgs {
    /// `portid`.
    pub portid: u32,
    /// `seq`.
    pub seq: u32,
    /// `event`: the message type (a dump's is RTM_GETMULTICAST itself).
    pub event: u16,
    /// `flags`.
    pub flags: u16,
}

/// `inet_fill_ifmcaddr`: one group's message: a /32 permanent universe-scope address header,
/// IFA_MULTICAST, IFA_MC_USERS where the release has it, and IFA_CACHEINFO with infinite
/// lifetimes and the join time (`cstamp`, already in hundredths of a second since boot) as
/// both stamps. Nothing of it stays in the skb on EMSGSIZE.
pub fn inet_fill_ifmcaddr(
    skb: &mut SkBuff,
    ifindex: u32,
    im: &IpMcList,
    cstamp: u32,
    args: McFillArgs,
    features: FeatureSet,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = (|| {
        let at = skb.nlmsg_put(
            args.portid,
            args.seq,
            args.event,
            ifaddrmsg::LEN,
            args.flags,
        )?;
        let h = ifaddrmsg::Repr {
            family: AF_INET,
            prefixlen: 32,
            flags: IFA_F_PERMANENT as u8,
            scope: RT_SCOPE_UNIVERSE,
            index: ifindex,
        };
        skb.nlmsg_data_mut(at)[..ifaddrmsg::LEN].copy_from_slice(&h.to_bytes());
        skb.nla_put(IFA_MULTICAST, &im.multiaddr)?;
        if features.has(Feature::IfaMcUsers) {
            skb.nla_put_u32(IFA_MC_USERS, im.users)?;
        }
        skb.nla_put_u32_array(
            IFA_CACHEINFO,
            &[INFINITY_LIFE_TIME, INFINITY_LIFE_TIME, cstamp, cstamp],
        )?;
        skb.nlmsg_end(at);
        Ok(())
    })();
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_counted_and_the_newest_comes_first() {
        let mut l = Vec::new();
        ip_mc_up(&mut l, 10);
        ip_mc_inc_group(&mut l, [239, 1, 2, 3], 20);
        ip_mc_up(&mut l, 30);
        assert_eq!(l[0].multiaddr, [239, 1, 2, 3]);
        assert_eq!(
            (l[1].multiaddr, l[1].users, l[1].cstamp),
            (IGMP_ALL_HOSTS, 2, 10)
        );
        ip_mc_down(&mut l);
        ip_mc_down(&mut l);
        assert_eq!(l.len(), 1);
        ip_mc_dec_group(&mut l, [239, 1, 2, 3]);
        ip_mc_dec_group(&mut l, [239, 1, 2, 3]);
        assert!(l.is_empty());
    }
}
