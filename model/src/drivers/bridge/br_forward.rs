//! Forwarding and flooding (`net/bridge/br_forward.c`), as far as the modeled traffic goes: a
//! frame the bridge itself sends, flooded to its ports.

use super::port_flags::{BR_HAIRPIN_MODE, BR_MCAST_FLOOD, BR_PROXYARP};
use super::BR_STATE_FORWARDING;
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{Frame, NetDevice};

/// The kind of frame being flooded (`enum br_pkt_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrPktType {
    /// `BR_PKT_MULTICAST`: a group destination.
    Multicast,
}

/// `should_deliver`: a port in forwarding state, and not the port the frame came in on
/// unless that port is in hairpin mode.
fn should_deliver(k: &Kernel, net: NetId, port: u32, ingress: Option<u32>) -> bool {
    let Some(p) = k.dev(net, port).and_then(NetDevice::br_port) else {
        return false;
    };
    p.state == BR_STATE_FORWARDING && (p.flags & BR_HAIRPIN_MODE != 0 || ingress != Some(port))
}

/// `br_flood`: the frame to every port in `port_list` order that floods this kind of frame
/// (a multicast frame the bridge sends itself goes to every port, whatever its
/// BR_MCAST_FLOOD), skipping proxy-ARP ports, in forwarding state (`maybe_deliver`), each
/// through `br_forward_finish` -> `br_dev_queue_push_xmit`.
pub(crate) fn br_flood(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    frame: &Frame,
    pkt_type: BrPktType,
    ingress: Option<u32>,
) -> SysResult<()> {
    let local_orig = ingress.is_none();
    for port in super::br_ports(k, net, br) {
        let Some(p) = k.dev(net, port).and_then(NetDevice::br_port) else {
            continue;
        };
        match pkt_type {
            BrPktType::Multicast => {
                if p.flags & BR_MCAST_FLOOD == 0 && !local_orig {
                    continue;
                }
            }
        }
        if p.flags & BR_PROXYARP != 0 {
            continue;
        }
        if !should_deliver(k, net, port, ingress) {
            continue;
        }
        br_dev_queue_push_xmit(k, net, port, frame)?;
    }
    Ok(())
}

/// `br_dev_queue_push_xmit`: a port device that is down or whose MTU the frame exceeds drops
/// it (`is_skb_forwardable`, no counter); else the port sends it (`dev_queue_xmit`).
fn br_dev_queue_push_xmit(k: &mut Kernel, net: NetId, port: u32, frame: &Frame) -> SysResult<()> {
    let Some(d) = k.dev(net, port) else {
        return Ok(());
    };
    let payload = frame.len() - crate::ip6_output::ETH_HLEN;
    if !d.is_up() || payload > u64::from(d.mtu) {
        return Ok(());
    }
    crate::dev::dev_queue_xmit(k, net, port, frame).map(|_| ())
}
