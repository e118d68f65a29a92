//! The spanning tree (`net/bridge/br_stp.c`) as a bridge without STP runs it: every enabled
//! port is designated.

use super::br_device::dflt;
use super::br_netlink::br_ifinfo_notify;
use super::{br_ports, port_mut, BR_STATE_BLOCKING, BR_STATE_DISABLED, BR_STATE_FORWARDING};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::uapi::rtnetlink::RTM_NEWLINK;

/// `br_port_state_selection` without STP: every enabled port is designated (a lone bridge is
/// its own root), so a blocking one forwards at once (`br_make_forwarding`: announced, then its
/// forward delay timer starts); the bridge has carrier while a port forwards.
pub(crate) fn br_port_state_selection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let mut liveports = 0;
    for port in br_ports(k, net, br) {
        let Some(state) = port_mut(k, net, port).map(|p| p.state) else {
            continue;
        };
        if state == BR_STATE_DISABLED {
            continue;
        }
        if state == BR_STATE_BLOCKING {
            if let Some(p) = port_mut(k, net, port) {
                p.state = BR_STATE_FORWARDING;
                p.forward_delay_timer = 0;
            }
            br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
            if let Some(p) = port_mut(k, net, port) {
                p.forward_delay_timer = u64::from(dflt::FORWARD_DELAY);
            }
        }
        if port_mut(k, net, port).is_some_and(|p| p.state == BR_STATE_FORWARDING) {
            liveports += 1;
        }
    }
    if liveports == 0 {
        crate::sch_generic::netif_carrier_off(k, net, br);
    } else {
        crate::sch_generic::netif_carrier_on(k, net, br);
    }
    Ok(())
}
