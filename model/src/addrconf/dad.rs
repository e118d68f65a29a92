//! Duplicate address detection (`net/ipv6/addrconf.c`), one work item per address
//! (`ifp->dad_work`) on the model's clock: `addrconf_dad_start`, `addrconf_dad_work`,
//! `addrconf_dad_begin`, `addrconf_dad_kick`, `addrconf_dad_stop` (a device that is not
//! ready keeps the address tentative), `addrconf_dad_run` (a device becoming ready kicks
//! them again) and `addrconf_dad_completed`. No duplicate is ever detected: nothing answers
//! the solicitations.

use super::ifaddr::{ifa, ifa_mut, ipv6_ifa_notify, IfaState, IFA_LINK};
use super::{idev_mut, msecs_to_jiffies, solicited_node};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::timer::{mod_timer, TimerArg};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
use crate::uapi::if_addr::*;
use crate::uapi::ipv6::*;
use crate::uapi::rtnetlink::RTM_NEWADDR;
use crate::workqueue::{cancel_delayed_work, mod_delayed_work, WorkStruct};

/// `dad_work` of the address `id` of the device.
pub(crate) fn dad_work(net: NetId, ifindex: u32, id: u32) -> WorkStruct {
    WorkStruct {
        name: "addrconf_dad_work",
        func: addrconf_dad_work,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: id,
        },
    }
}

/// `addrconf_dad_start`: unless the address is dead, back to PREDAD and its DAD work at once.
pub fn addrconf_dad_start(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) {
    let Some(ifp) = ifa_mut(k, net, ifindex, id) else {
        return;
    };
    if ifp.state == IfaState::Dead {
        return;
    }
    ifp.state = IfaState::Predad;
    mod_delayed_work(k, dad_work(net, ifindex, id), 0);
}

/// `addrconf_dad_work`: the first run begins DAD (`addrconf_dad_begin`); each later run, while
/// the device is ready, sends a neighbour solicitation while probes remain, a retransmission
/// time apart, and then completes it (`addrconf_dad_completed`).
fn addrconf_dad_work(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let (net, ifindex, id) = (arg.net, arg.obj, arg.sub);
    let Some(idev) = idev_mut(k, net, ifindex) else {
        return Ok(());
    };
    let ready = idev.if_flags & IF_READY != 0;
    let retrans = idev.retrans_time;
    let Some(ifp) = idev.addr_list.iter_mut().find(|a| a.id == id) else {
        return Ok(());
    };
    if ifp.state == IfaState::Predad {
        ifp.state = IfaState::Dad;
        return addrconf_dad_begin(k, net, ifindex, id);
    }
    if ifp.dad_probes == 0 {
        // addrconf_dad_end.
        if ifp.state != IfaState::Dad {
            return Ok(());
        }
        ifp.state = IfaState::Postdad;
    }
    if !ready || ifp.state == IfaState::Dead {
        return Ok(());
    }
    if ifp.dad_probes == 0 {
        ifp.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED);
        return addrconf_dad_completed(k, net, ifindex, id);
    }
    ifp.dad_probes -= 1;
    let (addr, nonce) = (ifp.addr, ifp.dad_nonce);
    let hz = u64::from(k.timers.hz());
    let delay = msecs_to_jiffies(k, retrans as i32).max(hz / 100);
    mod_delayed_work(k, dad_work(net, ifindex, id), delay);
    crate::ndisc::ndisc_send_ns(k, net, ifindex, solicited_node(&addr), nonce)
}

/// `addrconf_dad_begin`: join the address's solicited-node group (`addrconf_join_solict`, not
/// on loopback or NOARP devices); without DAD (loopback, NOARP, accept_dad below 1, an address
/// not tentative or IFA_F_NODAD) it is done at once; on a device that is not ready it stops
/// (`addrconf_dad_stop`: the address kept tentative until the device is ready); else
/// `addrconf_dad_kick`.
fn addrconf_dad_begin(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) -> SysResult<()> {
    let Some(d) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let no_dad_dev = d.flags & (IFF_NOARP | IFF_LOOPBACK) != 0;
    let Some(addr) = ifa(k, net, ifindex, id).map(|a| a.addr) else {
        return Ok(());
    };
    if !no_dad_dev {
        crate::mcast::ipv6_dev_mc_inc(k, net, ifindex, solicited_node(&addr))?;
    }
    let idev = idev_mut(k, net, ifindex).expect("present");
    let accept_dad = idev.devconf[DEVCONF_ACCEPT_DAD];
    let ready = idev.if_flags & IF_READY != 0;
    let ifp = idev
        .addr_list
        .iter_mut()
        .find(|a| a.id == id)
        .expect("present");
    if ifp.state == IfaState::Dead {
        return Ok(());
    }
    if no_dad_dev || accept_dad < 1 || !ifp.tentative() || ifp.flags & IFA_F_NODAD != 0 {
        ifp.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED);
        return addrconf_dad_completed(k, net, ifindex, id);
    }
    if !ready {
        // addrconf_dad_stop(ifp, 0).
        ifp.flags |= IFA_F_TENTATIVE;
        cancel_delayed_work(k, dad_work(net, ifindex, id));
        return Ok(());
    }
    addrconf_dad_kick(k, net, ifindex, id);
    Ok(())
}

/// `addrconf_dad_kick`: the first solicitation after a random delay below rtr_solicit_delay,
/// a nonce drawn for enhanced DAD, dad_transmits probes.
fn addrconf_dad_kick(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) {
    let idev = idev_mut(k, net, ifindex).expect("present");
    let delay_ms = idev.devconf[DEVCONF_RTR_SOLICIT_DELAY];
    let enhanced = idev.devconf[DEVCONF_ENHANCED_DAD] != 0;
    let probes = idev.devconf[DEVCONF_DAD_TRANSMITS].max(0) as u32;
    let ceil = msecs_to_jiffies(k, delay_ms).max(1);
    let rand = u64::from(k.random.get_random_u32_below(ceil as u32));
    let mut nonce = 0u64;
    if enhanced {
        while nonce == 0 {
            let hi = u64::from(k.random.get_random_u32_below(1 << 16));
            let lo = u64::from(k.random.get_random_u32_below(u32::MAX));
            nonce = hi << 32 | lo;
        }
    }
    if let Some(ifp) = ifa_mut(k, net, ifindex, id) {
        ifp.dad_nonce = nonce;
        ifp.dad_probes = probes;
    }
    mod_delayed_work(k, dad_work(net, ifindex, id), rand);
}

/// `addrconf_dad_run(idev, false)`: the device became ready; every address still tentative
/// whose DAD stopped for want of it (state DAD) is kicked again, in list order.
pub fn addrconf_dad_run(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(idev) = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) else {
        return;
    };
    let kick: Vec<u32> = idev
        .addr_list
        .iter()
        .filter(|a| a.tentative() && a.state == IfaState::Dad)
        .map(|a| a.id)
        .collect();
    for id in kick {
        addrconf_dad_kick(k, net, ifindex, id);
    }
}

/// `addrconf_dad_run(idev, true)`: every address back to PREDAD and kicked, in list order
/// (its DAD work then begins it anew: at once done on a NOARP device).
pub fn addrconf_dad_restart(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(idev) = idev_mut(k, net, ifindex) else {
        return;
    };
    let ids: Vec<u32> = idev
        .addr_list
        .iter_mut()
        .map(|a| {
            a.state = IfaState::Predad;
            a.id
        })
        .collect();
    for id in ids {
        addrconf_dad_kick(k, net, ifindex, id);
    }
}

/// `ipv6_lonely_lladdr`: no other link-local address of the device is permanent and done
/// with DAD.
fn ipv6_lonely_lladdr(idev: &super::Inet6Dev, id: u32) -> bool {
    !idev
        .addr_list
        .iter()
        .rev()
        .take_while(|a| a.scope <= IFA_LINK)
        .any(|a| {
            a.id != id
                && a.scope == IFA_LINK
                && a.flags
                    & (IFA_F_PERMANENT | IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED)
                    == IFA_F_PERMANENT
        })
}

/// `addrconf_dad_completed`: the address announced valid (RTM_NEWADDR); for the device's
/// lonely link-local address, MLD's reports resent (`ipv6_mc_dad_complete`), then, when
/// router advertisements are accepted, solicitations not disabled and the device is not
/// loopback, the first router solicitation at once and the timer for the next
/// (`rfc3315_s14_backoff_init` of rtr_solicit_interval), IF_RS_SENT.
fn addrconf_dad_completed(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) -> SysResult<()> {
    cancel_delayed_work(k, dad_work(net, ifindex, id));
    ipv6_ifa_notify(k, net, ifindex, id, RTM_NEWADDR)?;
    let Some(d) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let loopback = d.flags & IFF_LOOPBACK != 0;
    if d.netdev_ops.ndo_start_xmit.is_none() && !loopback {
        // What follows is traffic through a transmit path the model lacks (ifb):
        // the device's stand-in timer answers `unimplemented` once the clock moves.
        return Ok(());
    }
    let Some(idev) = &d.ip6_ptr else {
        return Ok(());
    };
    let Some(scope) = ifa(k, net, ifindex, id).map(|a| a.scope) else {
        return Ok(());
    };
    let send_mld = scope == IFA_LINK && ipv6_lonely_lladdr(idev, id);
    let send_rs = send_mld
        && super::ipv6_accept_ra(idev)
        && idev.devconf[DEVCONF_RTR_SOLICITS] != 0
        && !loopback;
    if send_mld {
        crate::mcast::ipv6_mc_dad_complete(k, net, ifindex)?;
    }
    if !send_rs {
        return Ok(());
    }
    if super::ipv6_get_lladdr(k, net, ifindex).is_none() {
        return Ok(());
    }
    let irt = idev_mut(k, net, ifindex).expect("present").devconf[DEVCONF_RTR_SOLICIT_INTERVAL];
    crate::ndisc::ndisc_send_rs(k, net, ifindex)?;
    let irt = msecs_to_jiffies(k, irt);
    let interval = super::rfc3315_s14_backoff_init(k, irt);
    if let Some(idev) = idev_mut(k, net, ifindex) {
        idev.rs_interval = interval;
        idev.rs_probes = 1;
        idev.if_flags |= IF_RS_SENT;
    }
    let at = k.jiffies().wrapping_add(interval);
    mod_timer(k, super::rs_timer(net, ifindex), at);
    Ok(())
}
