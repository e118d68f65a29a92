//! Receiving: `netlink_recvmsg` and `netlink_rcv_wake`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::profile::skb_with_overhead;
use crate::scm::scm_recv;
use crate::socket::RecvFrom;
use crate::uapi::netlink::SockaddrNl;
use crate::uapi::netlink::{NETLINK_PKTINFO, SOL_NETLINK};
use crate::uapi::socket::{MSG_CTRUNC, MSG_OOB, MSG_PEEK, MSG_TRUNC};
use nltwin_wire::cmsg::Control;

use super::NETLINK_F_RECV_PKTINFO;

use super::bind::netlink_group_mask;
use super::dump::netlink_dump;

/// The cap on `max_recvmsg_len`: `SKB_WITH_OVERHEAD(32768)` = 32448.
pub const MAX_RECVMSG_LEN: usize = skb_with_overhead(32768);

/// `netlink_recvmsg`: a pending error first (reported once), then one datagram, cut to the
/// buffer with MSG_TRUNC; a running dump continues once the queue is at most half full.
/// An empty queue is EAGAIN: the model never blocks. `controllen` is the control buffer's
/// size, `None` when the caller gave none (`recvfrom`); the control messages
/// (`NETLINK_PKTINFO`, `SCM_CREDENTIALS`) come back in [`RecvFrom::control`].
pub fn netlink_recvmsg(
    k: &mut Kernel,
    task: TaskId,
    sk: SockId,
    buf: &mut [u8],
    controllen: Option<usize>,
    flags: i32,
) -> SysResult<RecvFrom> {
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP.into());
    }
    let s = k.sk_mut(sk);
    // skb_recv_datagram: sock_error() reads and clears sk_err before looking at the queue.
    if s.sk_err != 0 {
        let e = std::mem::take(&mut s.sk_err);
        netlink_rcv_wake(k, sk);
        return Err(Errno(e).into());
    }
    let peek = flags & MSG_PEEK != 0;
    let skb = if peek {
        s.receive_queue.front().cloned()
    } else {
        s.receive_queue.pop_front()
    };
    let Some(skb) = skb else {
        netlink_rcv_wake(k, sk);
        return Err(Errno::EAGAIN.into());
    };
    if !peek {
        s.rmem_alloc -= skb.truesize;
    }
    s.max_recvmsg_len = s.max_recvmsg_len.max(buf.len()).min(MAX_RECVMSG_LEN);
    let mut msg_flags = 0;
    let mut copied = skb.len();
    if buf.len() < copied {
        msg_flags |= MSG_TRUNC;
        copied = buf.len();
    }
    buf[..copied].copy_from_slice(&skb.data()[..copied]);
    let from = SockaddrNl::new(skb.cb.portid, netlink_group_mask(skb.cb.dst_group));
    let mut control = Control::new(controllen);
    if k.sk(sk).test(NETLINK_F_RECV_PKTINFO) {
        netlink_cmsg_recv_pktinfo(&mut control, &skb);
    }
    if flags & MSG_TRUNC != 0 {
        copied = skb.len();
    }
    let s = k.sk(sk);
    if s.cb.is_some() && s.rmem_alloc <= (s.rcvbuf / 2) as usize {
        if let Err(e) = netlink_dump(k, sk) {
            match e {
                crate::errno::SysError::Errno(e) => k.sk_mut(sk).sk_err = e.0,
                other => return Err(other),
            }
        }
    }
    scm_recv(k, task, k.sk(sk).passcred, skb.cb.creds, &mut control);
    if control.truncated {
        msg_flags |= MSG_CTRUNC;
    }
    netlink_rcv_wake(k, sk);
    Ok(RecvFrom {
        ret: copied,
        msg_flags,
        from,
        control: control.bytes,
    })
}

/// `netlink_cmsg_recv_pktinfo`: the group the datagram was sent to (`struct nl_pktinfo`).
fn netlink_cmsg_recv_pktinfo(control: &mut Control, skb: &crate::skbuff::SkBuff) {
    control.put_cmsg(
        SOL_NETLINK,
        NETLINK_PKTINFO,
        &skb.cb.dst_group.to_ne_bytes(),
    );
}

/// `netlink_rcv_wake`: an empty queue ends congestion.
pub fn netlink_rcv_wake(k: &mut Kernel, sk: SockId) {
    let s = k.sk_mut(sk);
    if s.receive_queue.is_empty() {
        s.congested = false;
    }
}
