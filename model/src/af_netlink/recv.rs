//! Receiving: `netlink_recvmsg` and `netlink_rcv_wake`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::profile::skb_with_overhead;
use crate::socket::RecvFrom;
use crate::uapi::netlink::SockaddrNl;
use crate::uapi::socket::{MSG_OOB, MSG_PEEK, MSG_TRUNC};

use super::bind::netlink_group_mask;
use super::dump::netlink_dump;

/// The cap on `max_recvmsg_len`: `SKB_WITH_OVERHEAD(32768)` = 32448.
pub const MAX_RECVMSG_LEN: usize = skb_with_overhead(32768);

/// `netlink_recvmsg`: a pending error first (reported once), then one datagram, cut to the
/// buffer with MSG_TRUNC; a running dump continues once the queue is at most half full.
/// An empty queue is EAGAIN: the model never blocks.
pub fn netlink_recvmsg(
    k: &mut Kernel,
    _task: TaskId,
    sk: SockId,
    buf: &mut [u8],
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
    netlink_rcv_wake(k, sk);
    Ok(RecvFrom {
        ret: copied,
        msg_flags,
        from,
    })
}

/// `netlink_rcv_wake`: an empty queue ends congestion.
pub fn netlink_rcv_wake(k: &mut Kernel, sk: SockId) {
    let s = k.sk_mut(sk);
    if s.receive_queue.is_empty() {
        s.congested = false;
    }
}
