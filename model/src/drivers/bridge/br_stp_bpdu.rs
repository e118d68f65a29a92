//! BPDUs (`net/bridge/br_stp_bpdu.c`): configuration and topology change notification BPDUs
//! built and sent out of a port, and those a port receives read and handed to the spanning
//! tree (`br_stp_rcv`).

use super::br_stp::{br_received_config_bpdu, br_received_tcn_bpdu};
use super::{port_flags::BR_BPDU_GUARD, BR_KERNEL_STP, BR_STATE_DISABLED};
use crate::errno::SysResult;
use crate::ethernet::{LlcFrame, LLC_SAP_BSPAN};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::Frame;

/// `STP_HZ`: the BPDU's times are in 1/256 s.
const STP_HZ: u64 = 256;

/// `BPDU_TYPE_CONFIG`.
const BPDU_TYPE_CONFIG: u8 = 0;
/// `BPDU_TYPE_TCN`.
const BPDU_TYPE_TCN: u8 = 0x80;

/// `struct br_config_bpdu`: a configuration BPDU's fields, its times in jiffies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BrConfigBpdu {
    /// `topology_change`.
    pub topology_change: bool,
    /// `topology_change_ack`.
    pub topology_change_ack: bool,
    /// `root`.
    pub root: [u8; 8],
    /// `root_path_cost`.
    pub root_path_cost: u32,
    /// `bridge_id`.
    pub bridge_id: [u8; 8],
    /// `port_id`.
    pub port_id: u16,
    /// `message_age`.
    pub message_age: u64,
    /// `max_age`.
    pub max_age: u64,
    /// `hello_time`.
    pub hello_time: u64,
    /// `forward_delay`.
    pub forward_delay: u64,
}

/// `br_set_ticks`: jiffies as 1/256 s, the low 16 bits big-endian.
fn br_set_ticks(hz: u32, j: u64) -> [u8; 2] {
    ((STP_HZ * j / u64::from(hz)) as u16).to_be_bytes()
}

/// `br_get_ticks`: 1/256 s as jiffies, rounded up.
fn br_get_ticks(hz: u32, src: [u8; 2]) -> u64 {
    (u64::from(u16::from_be_bytes(src)) * u64::from(hz)).div_ceil(STP_HZ)
}

/// `br_send_bpdu`: the BPDU after an LLC header (SAP 0x42 both ways) from the port's address
/// to the bridge's group address, sent by the port's device (`dev_queue_xmit`; no bridge
/// netfilter hook in the model's namespaces).
fn br_send_bpdu(k: &mut Kernel, net: NetId, port: u32, data: Vec<u8>) -> SysResult<()> {
    let Some(dev) = k.dev(net, port) else {
        return Ok(());
    };
    let Some(group) = dev
        .master
        .and_then(|br| k.dev(net, br))
        .and_then(|d| d.br())
        .map(|b| b.group_addr)
    else {
        return Ok(());
    };
    let mut source = [0; 6];
    source.copy_from_slice(&dev.addr[..6]);
    let frame = Frame::Llc(LlcFrame {
        dest: group,
        source,
        dsap: LLC_SAP_BSPAN,
        ssap: LLC_SAP_BSPAN,
        data,
    });
    crate::dev::dev_queue_xmit(k, net, port, &frame).map(|_| ())
}

/// Whether the port's bridge runs the kernel's STP (the senders send nothing otherwise).
fn kernel_stp(k: &Kernel, net: NetId, port: u32) -> bool {
    k.dev(net, port)
        .and_then(|d| d.master)
        .and_then(|br| k.dev(net, br))
        .and_then(|d| d.br())
        .is_some_and(|b| b.stp_enabled == BR_KERNEL_STP)
}

/// `br_send_config_bpdu`: the 35 bytes of a configuration BPDU, sent only while the kernel's
/// STP runs.
pub(crate) fn br_send_config_bpdu(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    bpdu: &BrConfigBpdu,
) -> SysResult<()> {
    if !kernel_stp(k, net, port) {
        return Ok(());
    }
    let hz = k.timers.hz();
    let mut buf = vec![0, 0, 0, BPDU_TYPE_CONFIG];
    buf.push(u8::from(bpdu.topology_change) | (u8::from(bpdu.topology_change_ack) << 7));
    buf.extend_from_slice(&bpdu.root);
    buf.extend_from_slice(&bpdu.root_path_cost.to_be_bytes());
    buf.extend_from_slice(&bpdu.bridge_id);
    buf.extend_from_slice(&bpdu.port_id.to_be_bytes());
    for t in [
        bpdu.message_age,
        bpdu.max_age,
        bpdu.hello_time,
        bpdu.forward_delay,
    ] {
        buf.extend_from_slice(&br_set_ticks(hz, t));
    }
    br_send_bpdu(k, net, port, buf)
}

/// `br_send_tcn_bpdu`: the 4 bytes of a topology change notification, sent only while the
/// kernel's STP runs.
pub(crate) fn br_send_tcn_bpdu(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    if !kernel_stp(k, net, port) {
        return Ok(());
    }
    br_send_bpdu(k, net, port, vec![0, 0, 0, BPDU_TYPE_TCN])
}

/// `br_stp_rcv`: a BPDU the LLC layer received on `dev`. Dropped unless its protocol id and
/// version are zero and `dev` is a port; ignored unless its bridge runs the kernel's STP, is
/// up, the port is enabled and the frame went to the bridge's group address. A port guarding
/// against BPDUs is disabled instead. A configuration BPDU (at least 35 bytes, not older than
/// its max age) or a TCN goes to the state machine; other types are ignored.
pub fn br_stp_rcv(k: &mut Kernel, net: NetId, dev: u32, frame: &LlcFrame) -> SysResult<()> {
    let buf = &frame.data;
    if buf.len() < 4 || buf[..3] != [0, 0, 0] {
        return Ok(());
    }
    let Some(d) = k.dev(net, dev) else {
        return Ok(());
    };
    let (Some(p), Some(br)) = (d.br_port(), d.master) else {
        return Ok(());
    };
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(());
    };
    if b.stp_enabled != BR_KERNEL_STP
        || !super::dev_up(k, net, br)
        || p.state == BR_STATE_DISABLED
        || frame.dest != b.group_addr
    {
        return Ok(());
    }
    if p.flags & BR_BPDU_GUARD != 0 {
        return super::br_stp_if::br_stp_disable_port(k, net, dev);
    }
    let buf = &buf[3..];
    match buf[0] {
        BPDU_TYPE_CONFIG => {
            if buf.len() < 32 {
                return Ok(());
            }
            let hz = k.timers.hz();
            let ticks = |at: usize| br_get_ticks(hz, [buf[at], buf[at + 1]]);
            let mut root = [0; 8];
            root.copy_from_slice(&buf[2..10]);
            let mut bridge_id = [0; 8];
            bridge_id.copy_from_slice(&buf[14..22]);
            let bpdu = BrConfigBpdu {
                topology_change: buf[1] & 0x01 != 0,
                topology_change_ack: buf[1] & 0x80 != 0,
                root,
                root_path_cost: u32::from_be_bytes([buf[10], buf[11], buf[12], buf[13]]),
                bridge_id,
                port_id: u16::from_be_bytes([buf[22], buf[23]]),
                message_age: ticks(24),
                max_age: ticks(26),
                hello_time: ticks(28),
                forward_delay: ticks(30),
            };
            if bpdu.message_age > bpdu.max_age {
                return Ok(());
            }
            br_received_config_bpdu(k, net, dev, &bpdu)
        }
        BPDU_TYPE_TCN => br_received_tcn_bpdu(k, net, dev),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_256ths_of_a_second() {
        // 2 s at HZ 250: 512 ticks; back to 500 jiffies.
        assert_eq!(br_set_ticks(250, 500), [0x02, 0x00]);
        assert_eq!(br_get_ticks(250, [0x02, 0x00]), 500);
        // 1/256 s rounds up to a jiffy.
        assert_eq!(br_get_ticks(250, [0, 1]), 1);
    }
}
