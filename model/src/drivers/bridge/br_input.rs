//! A bridge port's input (`net/bridge/br_input.c`), as far as the model carries frames to it:
//! the link-local group frames the spanning tree sends.

use super::port_flags::BR_LEARNING;
use super::{BR_NO_STP, BR_STATE_FORWARDING, BR_STATE_LEARNING};
use crate::errno::{unimplemented, SysResult};
use crate::ethernet::{is_link_local_ether_addr, is_valid_ether_addr};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::Frame;

/// `br_handle_frame`, a port's rx_handler: whether the frame passes on to the port device's
/// own protocols (RX_HANDLER_PASS). A frame from an invalid source is dropped. The bridge group
/// address (01:80:c2:00:00:00) is the spanning tree's while it runs: the port learns its
/// source when it learns link-local frames (`__br_handle_local_finish`, not modeled) and
/// passes it on; with STP off (or the group forwarded) it is forwarded like any other frame,
/// which, like every other destination, the model does not model.
pub(crate) fn br_handle_frame(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    frame: &Frame,
) -> SysResult<bool> {
    let Frame::Llc(f) = frame else {
        return Err(unimplemented(
            "an IPv6 packet from the backlog on a bridge port (br_handle_frame)",
        ));
    };
    if !is_valid_ether_addr(&f.source) {
        return Ok(false);
    }
    let Some(dev) = k.dev(net, port) else {
        return Ok(false);
    };
    let (Some(p), Some(br)) = (dev.br_port(), dev.master) else {
        return Ok(false);
    };
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(false);
    };
    if !is_link_local_ether_addr(&f.dest) || f.dest[5] != 0 {
        return Err(unimplemented(
            "a bridge port receiving a frame other than a BPDU to the bridge group address",
        ));
    }
    let forwarded = b.stp_enabled == BR_NO_STP || p.group_fwd_mask & 1 != 0;
    let learns = p.state == BR_STATE_LEARNING || p.state == BR_STATE_FORWARDING;
    if forwarded {
        // The forward path drops what a port neither learning nor forwarding receives.
        return if learns {
            Err(unimplemented(
                "a BPDU forwarded by a bridge (STP off or the group address forwarded)",
            ))
        } else {
            Ok(false)
        };
    }
    if p.flags & BR_LEARNING != 0 && learns && !b.opt(super::bropt::NO_LL_LEARN) {
        return Err(unimplemented(
            "learning the source address of a link-local frame (br_fdb_update)",
        ));
    }
    Ok(true)
}
