//! MLD (`net/ipv6/mcast.c`) as far as a device's own groups go: the groups an `inet6_dev`
//! joins (all-nodes at `ipv6_add_dev`, the solicited-node group of each address), MLDv2's
//! unsolicited state change reports (`mld_ifc_event`, robustness `mc_qrv` times at random
//! delays within the unsolicited report interval) and the reports resent once duplicate
//! address detection is done (`ipv6_mc_dad_complete`), on the model's clock, with the
//! counters `mld_sendpack` moves.

use crate::errno::SysResult;
use crate::ip6_output::{ip6_count_out_request, ip6_finish_output2, Ipv6Skb};
use crate::kernel::{Kernel, NetId};
use crate::ndisc::IPV6_HDR_LEN;
use crate::profile::Feature;
use crate::timer::TimerArg;
use crate::uapi::ipv6::*;
use crate::uapi::rtnetlink::{RTM_DELMULTICAST, RTM_NEWMULTICAST, RTNLGRP_IPV6_MCADDR};
use crate::workqueue::{cancel_delayed_work, mod_delayed_work, WorkStruct};

/// `sysctl_mld_qrv` (`MLD_QRV_DEFAULT`): the robustness a new `inet6_dev` starts with.
pub const MLD_QRV_DEFAULT: u32 = 2;
/// `ff02::16`, MLDv2-capable routers: where MLDv2 reports go.
const ALL_MLDV2_ROUTERS: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16];
/// The hop-by-hop header with the router alert option in front of every MLD message.
const HBH_RA_LEN: u64 = 8;
/// `sizeof(struct mld2_report)`: the ICMPv6 header and the record count.
const MLD2_REPORT_LEN: u64 = 8;
/// `sizeof(struct mld2_grec)` without sources: type, aux length, source count, the group.
const MLD2_GREC_LEN: u64 = 4 + 16;

/// A group the device joined (`struct ifmcaddr6`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ifmcaddr6 {
    /// `mca_addr`.
    pub addr: [u8; 16],
    /// `mca_users`.
    pub users: u32,
    /// `MAF_NOREPORT`: all-nodes and groups of a scope below link-local are never reported.
    pub noreport: bool,
    /// `mca_crcount`: state change records still to send.
    pub crcount: u32,
    /// `mca_cstamp` and `mca_tstamp`: `jiffies` when the group was joined (IFA_CACHEINFO of
    /// RTM_GETMULTICAST; nothing moves the second later).
    pub cstamp: u64,
}

/// The device's MLD work items.
fn work(
    name: &'static str,
    func: crate::workqueue::WorkFn,
    net: NetId,
    ifindex: u32,
) -> WorkStruct {
    WorkStruct {
        name,
        func,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

/// `mc_ifc_work`.
fn mc_ifc_work(net: NetId, ifindex: u32) -> WorkStruct {
    work("mld_ifc_work", mld_ifc_work, net, ifindex)
}

/// `mc_dad_work`.
fn mc_dad_work(net: NetId, ifindex: u32) -> WorkStruct {
    work("mld_dad_work", mld_dad_work, net, ifindex)
}

/// `ipv6_addr_is_ll_all_nodes` or a scope below link-local (`mca_alloc` sets MAF_NOREPORT).
fn noreport(addr: &[u8; 16]) -> bool {
    let scope = addr[1] & 0x0f;
    *addr == [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] || scope < 2
}

/// `ipv6_chk_mcast_addr`: whether the device joined `group`.
pub fn ipv6_chk_mcast_addr(idev: &crate::addrconf::Inet6Dev, group: &[u8; 16]) -> bool {
    idev.mc_list.iter().any(|m| m.addr == *group)
}

/// `__ipv6_dev_mc_inc`: join `group` (or count one more user); a new group that is reported
/// goes through `igmp6_group_added`.
pub fn ipv6_dev_mc_inc(k: &mut Kernel, net: NetId, ifindex: u32, group: [u8; 16]) -> SysResult<()> {
    let Some(d) = k.dev_mut(net, ifindex) else {
        return Ok(());
    };
    let up = d.is_up();
    let now = k.jiffies();
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    if let Some(m) = idev.mc_list.iter_mut().find(|m| m.addr == group) {
        m.users += 1;
        return Ok(());
    }
    let m = Ifmcaddr6 {
        addr: group,
        users: 1,
        noreport: noreport(&group),
        crcount: 0,
        cstamp: now,
    };
    idev.mc_list.insert(0, m.clone());
    mld_del_delrec(idev, group);
    igmp6_group_added(k, net, ifindex, group, up);
    inet6_ifmcaddr_notify(k, net, ifindex, &m, RTM_NEWMULTICAST)
}

/// `mld_del_delrec`: a group joined again takes back the leave records still pending for it
/// as change records (EXCLUDE mode: `mc_qrv` of them).
fn mld_del_delrec(idev: &mut crate::addrconf::Inet6Dev, group: [u8; 16]) {
    let Some(at) = idev.mc_tomb.iter().position(|t| t.0 == group) else {
        return;
    };
    idev.mc_tomb.remove(at);
    let qrv = idev.mc_qrv;
    if let Some(m) = idev.mc_list.iter_mut().find(|m| m.addr == group) {
        m.crcount = qrv;
    }
}

/// `__ipv6_dev_mc_dec`: one user fewer of `group`; the last one gone, the group goes
/// (`igmp6_group_dropped`: a reported group's leave records, announced RTM_DELMULTICAST).
pub fn ipv6_dev_mc_dec(k: &mut Kernel, net: NetId, ifindex: u32, group: [u8; 16]) -> SysResult<()> {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    let Some(at) = idev.mc_list.iter().position(|m| m.addr == group) else {
        return Ok(());
    };
    idev.mc_list[at].users -= 1;
    if idev.mc_list[at].users > 0 {
        return Ok(());
    }
    let m = idev.mc_list.remove(at);
    igmp6_group_dropped(k, net, ifindex, &m);
    inet6_ifmcaddr_notify(k, net, ifindex, &m, RTM_DELMULTICAST)
}

/// `igmp6_group_dropped` in MLDv2 mode (`igmp6_leave_group`): a reported group keeps
/// `mc_qrv` leave records (`mld_add_delrec`) and the state change event follows, whether or
/// not the device is up.
fn igmp6_group_dropped(k: &mut Kernel, net: NetId, ifindex: u32, m: &Ifmcaddr6) {
    if m.addr[1] & 0x0f < 2 || m.noreport {
        return;
    }
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return;
    };
    let qrv = idev.mc_qrv;
    idev.mc_tomb.retain(|t| t.0 != m.addr);
    idev.mc_tomb.insert(0, (m.addr, qrv));
    mld_ifc_event(k, net, ifindex);
}

/// The groups `ipv6_add_dev` joins (interface-local, then link-local all-nodes), announced
/// once the device has its `inet6_dev`: the oldest first, as they were joined.
pub fn ipv6_add_dev_joined(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    if !k.has(Feature::McaddrNotify) {
        return Ok(());
    }
    let Some(idev) = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) else {
        return Ok(());
    };
    let joined: Vec<Ifmcaddr6> = idev.mc_list.iter().rev().cloned().collect();
    for m in &joined {
        inet6_ifmcaddr_notify(k, net, ifindex, m, RTM_NEWMULTICAST)?;
    }
    Ok(())
}

/// `ipv6_mc_destroy_dev`'s announcement: all-nodes is left with `__ipv6_dev_mc_dec`
/// (announced when it was the last user); the other groups are freed without a word.
pub fn ipv6_mc_destroy_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    let Some(at) = idev
        .mc_list
        .iter()
        .position(|m| m.addr == crate::addrconf::ALL_NODES)
    else {
        return Ok(());
    };
    idev.mc_list[at].users -= 1;
    if idev.mc_list[at].users > 0 {
        return Ok(());
    }
    let m = idev.mc_list.remove(at);
    inet6_ifmcaddr_notify(k, net, ifindex, &m, RTM_DELMULTICAST)
}

/// `inet6_ifmcaddr_notify`: a group joined or left, to RTNLGRP_IPV6_MCADDR, on releases that
/// announce them (portid, sequence and flags 0; universe scope whatever the group's).
pub fn inet6_ifmcaddr_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    m: &Ifmcaddr6,
    event: u16,
) -> SysResult<()> {
    use crate::rtnetlink::notify::{rtnl_has_listeners, rtnl_notify};
    use crate::uapi::netlink::{nla_align, nlmsg_align, NLA_HDRLEN, NLMSG_HDRLEN};
    if !k.has(Feature::McaddrNotify) || !rtnl_has_listeners(k, net, RTNLGRP_IPV6_MCADDR) {
        return Ok(());
    }
    let nla = |len: usize| nla_align(NLA_HDRLEN + len);
    let size = nlmsg_align(NLMSG_HDRLEN + nltwin_wire::ifaddrmsg::LEN) + nla(16) + nla(4) + nla(16);
    let mut skb = crate::skbuff::SkBuff::alloc_skb(size);
    let args = crate::addrconf::ifaddr::FillArgs {
        portid: 0,
        seq: 0,
        event,
        flags: 0,
        force_rt_scope_universe: true,
    };
    let clock = crate::addrconf::ifaddr::Clock::of(k);
    crate::addrconf::ifaddr::inet6_fill_ifmcaddr(&mut skb, m, ifindex, clock, args, k.features)?;
    rtnl_notify(k, net, skb, RTNLGRP_IPV6_MCADDR, None)
}

/// `igmp6_group_added` in MLDv2 mode: a reported group on a device that is up gets
/// `mc_qrv` change records (EXCLUDE mode, no sources) and the state change event.
fn igmp6_group_added(k: &mut Kernel, net: NetId, ifindex: u32, group: [u8; 16], up: bool) {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return;
    };
    if group[1] & 0x0f < 2 || !up {
        return;
    }
    let qrv = idev.mc_qrv;
    let Some(m) = idev.mc_list.iter_mut().find(|m| m.addr == group) else {
        return;
    };
    if m.noreport {
        return;
    }
    m.crcount = qrv;
    mld_ifc_event(k, net, ifindex);
}

/// `unsolicited_report_interval` (MLDv2's, in jiffies; at least 1) of the device's
/// configuration.
fn unsolicited_report_interval(k: &Kernel, devconf: &[i32]) -> u64 {
    let ms = devconf[DEVCONF_MLDV2_UNSOLICITED_REPORT_INTERVAL];
    crate::addrconf::msecs_to_jiffies(k, ms).max(1)
}

/// `mld_ifc_event`: `mc_qrv` reports to come, the first at once (`mld_ifc_start_work(1)`).
fn mld_ifc_event(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return;
    };
    idev.mc_ifc_count = idev.mc_qrv;
    mld_ifc_start_work(k, net, ifindex, 1);
}

/// `mld_ifc_start_work`: the report work in a random number of jiffies below `delay`, plus 2.
fn mld_ifc_start_work(k: &mut Kernel, net: NetId, ifindex: u32, delay: u64) {
    let tv = u64::from(k.random.get_random_u32_below(delay as u32));
    mod_delayed_work(k, mc_ifc_work(net, ifindex), tv + 2);
}

/// `mld_dad_start_work`: as `mld_ifc_start_work`, for the reports after DAD.
fn mld_dad_start_work(k: &mut Kernel, net: NetId, ifindex: u32, delay: u64) {
    let tv = u64::from(k.random.get_random_u32_below(delay as u32));
    mod_delayed_work(k, mc_dad_work(net, ifindex), tv + 2);
}

/// `mld_ifc_work`: send the pending change records (`mld_send_cr`), and while reports
/// remain, the next within the unsolicited report interval.
fn mld_ifc_work(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let (net, ifindex) = (arg.net, arg.obj);
    mld_send_cr(k, net, ifindex)?;
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    if idev.mc_ifc_count > 0 {
        idev.mc_ifc_count -= 1;
        if idev.mc_ifc_count > 0 {
            let devconf = idev.devconf;
            let iv = unsolicited_report_interval(k, &devconf);
            mld_ifc_start_work(k, net, ifindex, iv);
        }
    }
    Ok(())
}

/// `mld_send_cr`: one report with a record for each group that still has change records to
/// send (each one fewer), none when there are none.
fn mld_send_cr(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    let mut records = 0;
    // The leave records of groups left first, each one fewer (`mld_clear_delrec` of spent
    // ones), then the change records of the groups joined.
    for t in idev.mc_tomb.iter_mut() {
        t.1 -= 1;
        records += 1;
    }
    idev.mc_tomb.retain(|t| t.1 > 0);
    for m in idev.mc_list.iter_mut().filter(|m| m.crcount > 0) {
        m.crcount -= 1;
        records += 1;
    }
    if records == 0 {
        return Ok(());
    }
    mld_sendpack(k, net, ifindex, records)
}

/// `mld_send_initial_cr`: one report with a record for every reported group.
fn mld_send_initial_cr(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(idev) = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) else {
        return Ok(());
    };
    let records = idev
        .mc_list
        .iter()
        .filter(|m| !m.noreport && m.addr[1] & 0x0f >= 2)
        .count();
    if records == 0 {
        return Ok(());
    }
    mld_sendpack(k, net, ifindex, records as u64)
}

/// `ipv6_mc_dad_complete`: the reports resent now that the link-local address is valid,
/// `mc_qrv` of them, the first at once.
pub fn ipv6_mc_dad_complete(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    idev.mc_dad_count = idev.mc_qrv;
    if idev.mc_dad_count == 0 {
        return Ok(());
    }
    mld_send_initial_cr(k, net, ifindex)?;
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    idev.mc_dad_count -= 1;
    if idev.mc_dad_count > 0 {
        let devconf = idev.devconf;
        let iv = unsolicited_report_interval(k, &devconf);
        mld_dad_start_work(k, net, ifindex, iv);
    }
    Ok(())
}

/// `mld_dad_work`: resend the reports, and while some remain, the next.
fn mld_dad_work(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let (net, ifindex) = (arg.net, arg.obj);
    mld_send_initial_cr(k, net, ifindex)?;
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    if idev.mc_dad_count > 0 {
        idev.mc_dad_count -= 1;
        if idev.mc_dad_count > 0 {
            let devconf = idev.devconf;
            let iv = unsolicited_report_interval(k, &devconf);
            mld_dad_start_work(k, net, ifindex, iv);
        }
    }
    Ok(())
}

/// `mld_newpack` + `add_grec` + `mld_sendpack`: an MLDv2 report of `records` records without
/// sources to ff02::16 behind the router alert hop-by-hop header; OutRequests, the output
/// path, and the ICMPv6 message counted sent, or on an error OutDiscards.
fn mld_sendpack(k: &mut Kernel, net: NetId, ifindex: u32, records: u64) -> SysResult<()> {
    let len = IPV6_HDR_LEN + HBH_RA_LEN + MLD2_REPORT_LEN + records * MLD2_GREC_LEN;
    ip6_count_out_request(k, net, ifindex, len);
    let err = ip6_finish_output2(
        k,
        net,
        ifindex,
        Ipv6Skb {
            daddr: ALL_MLDV2_ROUTERS,
            len,
        },
    )?;
    if let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) {
        if err == 0 {
            idev.icmp6[ICMP6_MIB_OUTMSGS] += 1;
        } else {
            idev.stats[ipstats::OUTDISCARDS] += 1;
        }
    }
    Ok(())
}

/// `ipv6_mc_down` / `ipv6_mc_destroy_dev` as far as the model keeps MLD: the device's report
/// work stops.
pub fn ipv6_mc_down(k: &mut Kernel, net: NetId, ifindex: u32) {
    cancel_delayed_work(k, mc_ifc_work(net, ifindex));
    cancel_delayed_work(k, mc_dad_work(net, ifindex));
}

/// `ipv6_mc_up` on a device already configured (NETDEV_CHANGE while ready): every reported
/// group is added again (`igmp6_group_added`), so its change records go out again.
pub fn ipv6_mc_up(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(d) = k.dev(net, ifindex) else {
        return;
    };
    let up = d.is_up();
    let groups: Vec<[u8; 16]> = d
        .ip6_ptr
        .as_ref()
        .map(|i| i.mc_list.iter().map(|m| m.addr).collect())
        .unwrap_or_default();
    for g in groups {
        igmp6_group_added(k, net, ifindex, g, up);
    }
}
