//! The netlink socket layer (`net/netlink/af_netlink.c`).
//!
//! One file per part of af_netlink.c: `table` (nl_table, portids, autobind, kernel sockets),
//! `create` (socket creation and release), `bind` (bind, connect, getname, groups),
//! `sockopt`, `send` (sendmsg, unicast, queue admission), `recv` (recvmsg), `ack`
//! (netlink_rcv_skb, netlink_ack), `dump` (the dump engine), `broadcast`, `caps`
//! (permission checks) and `proc` (the /proc/net/netlink view).

use std::collections::{HashMap, VecDeque};

use crate::cred::Cred;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::skbuff::SkBuff;

pub(crate) mod ack;
pub(crate) mod bind;
pub(crate) mod broadcast;
pub(crate) mod caps;
pub(crate) mod create;
pub(crate) mod dump;
pub(crate) mod proc;
pub(crate) mod recv;
pub(crate) mod send;
pub(crate) mod sockopt;
pub(crate) mod table;

pub(crate) use ack::netlink_rcv_skb;
pub(crate) use bind::{netlink_bind, netlink_connect, netlink_getname};
pub(crate) use broadcast::{netlink_broadcast, netlink_has_listeners};
pub(crate) use caps::{
    netlink_capable, netlink_net_capable, netlink_ns_capable, netlink_strict_get_check, skb_net,
};
pub(crate) use create::{netlink_release, sys_socket};
pub(crate) use dump::netlink_dump_start;
pub(crate) use recv::netlink_recvmsg;
pub(crate) use send::netlink_sendmsg;
pub(crate) use sockopt::{sys_getsockopt, sys_setsockopt};
pub(crate) use table::{netlink_kernel_create, netlink_proto_init};

/// `NL_CFG_F_NONROOT_RECV`: unprivileged sockets may join this protocol's groups.
pub const NL_CFG_F_NONROOT_RECV: u32 = 1 << 0;
/// `NL_CFG_F_NONROOT_SEND`: unprivileged sockets may send to other ports and groups.
pub const NL_CFG_F_NONROOT_SEND: u32 = 1 << 1;

/// A kernel socket's input function (`cfg->input`): called synchronously inside `sendmsg` with
/// the datagram a user socket sent to portid 0.
pub type NetlinkInput = fn(&mut Kernel, SkBuff) -> SysResult<()>;

/// A request message as its handlers see it (`struct nlmsghdr *`): the wire view of one whole
/// message, header included, checked by `netlink_rcv_skb`.
pub type Nlmsghdr<'a> = nltwin_wire::nlmsg::Packet<&'a [u8]>;

/// A per-message handler for `netlink_rcv_skb` (`rtnetlink_rcv_msg`, `genl_rcv_msg`): gets the
/// whole message and returns `Err(Errno::EINTR)` after starting a dump.
pub type NetlinkRcvMsg =
    fn(&mut Kernel, &SkBuff, Nlmsghdr<'_>, &mut NetlinkExtAck) -> SysResult<()>;

/// A protocol's per-group bind hook (`cfg->bind`): may refuse a group with an errno.
pub type NetlinkBindHook = fn(&Kernel, TaskId, NetId, u32) -> Result<(), Errno>;

/// Configuration of a kernel socket (`struct netlink_kernel_cfg`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NetlinkKernelCfg {
    /// Number of multicast groups.
    pub groups: u32,
    /// `NL_CFG_F_*` flags.
    pub flags: u32,
    /// The input function; `None` for a kernel socket that accepts nothing.
    pub input: Option<NetlinkInput>,
    /// The group bind hook.
    pub bind: Option<NetlinkBindHook>,
}

/// One protocol's entry in `nl_table` (`struct netlink_table`).
#[derive(Debug, Default)]
pub struct NetlinkTable {
    /// Whether the protocol is registered (`registered`).
    pub registered: bool,
    /// Bound sockets by (namespace, portid) (`hash`).
    pub hash: HashMap<(NetId, u32), SockId>,
    /// Sockets subscribed to at least one group (`mc_list`).
    pub mc_list: Vec<SockId>,
    /// Number of multicast groups (`groups`).
    pub groups: u32,
    /// `NL_CFG_F_*` flags (`flags`).
    pub flags: u32,
    /// The group bind hook (`bind`).
    pub bind: Option<NetlinkBindHook>,
}

/// Extended ack data a handler reports (`struct netlink_ext_ack`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetlinkExtAck {
    /// `NL_SET_ERR_MSG`: the message.
    pub msg: Option<String>,
    /// `NL_SET_BAD_ATTR`: offset of the bad attribute from the start of the request message.
    pub bad_attr: Option<usize>,
    /// The policy of the bad attribute, as the already encoded content of the
    /// `NLMSGERR_ATTR_POLICY` nest (`netlink_policy_dump_write_attr`).
    pub policy: Option<Vec<u8>>,
    /// `NL_SET_ERR_ATTR_MISS`: the missing attribute type (0 = none).
    pub miss_type: u16,
    /// Offset of the nest in which an attribute was missing.
    pub miss_nest: Option<usize>,
    /// The cookie (`NLMSGERR_ATTR_COOKIE`), empty for none.
    pub cookie: Vec<u8>,
    /// Bytes a handler wrote into the request message itself, as (offset from the message's
    /// start, bytes): the kernel's handlers get the request's own buffer and a few change it
    /// in place (`br_vlan_info` sets BRIDGE_VLAN_INFO_BRENTRY in the request's VLAN entry),
    /// so an error's ack quotes the request as changed. Not part of the extended ack.
    pub request_writes: Vec<(usize, Vec<u8>)>,
}

/// A running dump's state (`struct netlink_callback`).
pub struct NetlinkCallback {
    /// The requester's portid (`NETLINK_CB(cb->skb).portid`): every dump message goes to it.
    pub portid: u32,
    /// The request message that started the dump (header included).
    pub nlh: Vec<u8>,
    /// The dump function.
    pub dump: fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>,
    /// The done function, called once when the dump ends.
    pub done: Option<fn(&mut Kernel, &mut NetlinkCallback)>,
    /// The namespace of the requesting socket.
    pub net: NetId,
    /// The requesting socket.
    pub sk: SockId,
    /// Extended ack reported by the dump (delivered in NLMSG_DONE).
    pub extack: NetlinkExtAck,
    /// `min_dump_alloc`.
    pub min_dump_alloc: u32,
    /// `seq` and `prev_seq`: the generation counter check behind `NLM_F_DUMP_INTR`.
    pub seq: u32,
    /// See `seq`.
    pub prev_seq: u32,
    /// `answer_flags` (e.g. `NLM_F_DUMP_FILTERED`).
    pub answer_flags: u16,
    /// `family` (rtnetlink: the request's address family).
    pub family: u16,
    /// `flags` of the handler (e.g. rtnetlink's `RTNL_FLAG_*`).
    pub flags: u32,
    /// Whether the requester asked for strict checking.
    pub strict_check: bool,
    /// `args`: the handler's position.
    pub args: [i64; 6],
    /// The handler's private data (`cb->data`).
    pub data: Option<Box<dyn std::any::Any + Send>>,
}

impl NetlinkCallback {
    /// The request that started the dump (`cb->nlh`).
    pub fn request(&self) -> Nlmsghdr<'_> {
        Nlmsghdr::new_unchecked(&self.nlh)
    }
}

impl std::fmt::Debug for NetlinkCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetlinkCallback")
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

/// What starts a dump (`struct netlink_dump_control`).
#[derive(Clone, Copy)]
pub struct NetlinkDumpControl {
    /// Called once before the first chunk; an error aborts the dump with NLMSG_ERROR.
    pub start: Option<fn(&mut Kernel, &mut NetlinkCallback) -> SysResult<()>>,
    /// Fills one chunk: > 0 more to come, 0 done, < 0 done with that error.
    pub dump: fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>,
    /// Called once when the dump ends.
    pub done: Option<fn(&mut Kernel, &mut NetlinkCallback)>,
    /// `min_dump_alloc`.
    pub min_dump_alloc: u32,
    /// Handler flags copied into the callback.
    pub flags: u32,
}

/// `NETLINK_F_KERNEL_SOCKET`.
pub const NETLINK_F_KERNEL_SOCKET: u32 = 1 << 0;
/// `NETLINK_F_RECV_PKTINFO`.
pub const NETLINK_F_RECV_PKTINFO: u32 = 1 << 1;
/// `NETLINK_F_BROADCAST_SEND_ERROR`.
pub const NETLINK_F_BROADCAST_SEND_ERROR: u32 = 1 << 2;
/// `NETLINK_F_RECV_NO_ENOBUFS`.
pub const NETLINK_F_RECV_NO_ENOBUFS: u32 = 1 << 3;
/// `NETLINK_F_LISTEN_ALL_NSID`.
pub const NETLINK_F_LISTEN_ALL_NSID: u32 = 1 << 4;
/// `NETLINK_F_CAP_ACK`.
pub const NETLINK_F_CAP_ACK: u32 = 1 << 5;
/// `NETLINK_F_EXT_ACK`.
pub const NETLINK_F_EXT_ACK: u32 = 1 << 6;
/// `NETLINK_F_STRICT_CHK`.
pub const NETLINK_F_STRICT_CHK: u32 = 1 << 7;

/// A netlink socket (`struct netlink_sock` with the `struct sock` fields it uses).
#[derive(Debug)]
pub struct NetlinkSock {
    /// The protocol (`sk_protocol`).
    pub protocol: usize,
    /// The namespace (`sock_net`).
    pub net: NetId,
    /// The credentials of the task that opened it (`sk->sk_socket->file->f_cred`); `None` for
    /// kernel sockets.
    pub file_cred: Option<Cred>,
    /// The socket type (`SOCK_RAW` or `SOCK_DGRAM`; they behave the same).
    pub sk_type: i32,
    /// `NETLINK_F_*` flags.
    pub flags: u32,
    /// The bound portid (`portid`); after a failed explicit bind it holds the attempted value.
    pub portid: u32,
    /// Whether the socket is bound (`bound`).
    pub bound: bool,
    /// Connected destination portid (`dst_portid`).
    pub dst_portid: u32,
    /// Connected destination group, 1-based (`dst_group`).
    pub dst_group: u32,
    /// Whether `connect` set a destination (`sk_state == NETLINK_CONNECTED`).
    pub connected: bool,
    /// Group memberships, one bit per group (`groups`), `ngroups` bits long.
    pub groups: Vec<u64>,
    /// Number of groups the bitmap covers (`ngroups`).
    pub ngroups: u32,
    /// How many groups the socket is subscribed to (`subscriptions`).
    pub subscriptions: u32,
    /// `sk_rcvbuf`.
    pub rcvbuf: u32,
    /// `sk_sndbuf`.
    pub sndbuf: u32,
    /// `sk_rmem_alloc`: the truesize of everything queued.
    pub rmem_alloc: usize,
    /// The receive queue (`sk_receive_queue`).
    pub receive_queue: VecDeque<SkBuff>,
    /// `sk_err`: a pending error, reported once by the next receive.
    pub sk_err: i32,
    /// `sk_drops`.
    pub drops: u32,
    /// `NETLINK_S_CONGESTED`: set on overrun, cleared when the queue drains.
    pub congested: bool,
    /// `max_recvmsg_len`: the largest receive length seen (capped).
    pub max_recvmsg_len: usize,
    /// The running dump, if any (`cb_running` and `cb`).
    pub cb: Option<NetlinkCallback>,
    /// `dump_done_errno`: what the last dump callback returned.
    pub dump_done_errno: i32,
    /// The input function of a kernel socket (`netlink_rcv`).
    pub netlink_rcv: Option<NetlinkInput>,
    /// `SOCK_PASSCRED` in `sock->flags`: receives carry the sender's credentials.
    pub passcred: bool,
    /// `sk_rcvtimeo`, in jiffies ([`crate::sock::MAX_SCHEDULE_TIMEOUT`]: none).
    pub rcvtimeo: i64,
    /// `sk_sndtimeo`, in jiffies.
    pub sndtimeo: i64,
    /// `sk_filter`: the attached classic BPF program.
    pub filter: Option<Vec<crate::filter::SockFilter>>,
    /// `SOCK_FILTER_LOCKED`.
    pub filter_locked: bool,
}

impl NetlinkSock {
    /// A fresh, unbound socket of `protocol` in `net` (`__netlink_create` + `sock_init_data`).
    pub fn new(protocol: usize, net: NetId, file_cred: Option<Cred>) -> Self {
        NetlinkSock {
            protocol,
            net,
            file_cred,
            sk_type: crate::uapi::socket::SOCK_DGRAM,
            flags: 0,
            portid: 0,
            bound: false,
            dst_portid: 0,
            dst_group: 0,
            connected: false,
            groups: Vec::new(),
            ngroups: 0,
            subscriptions: 0,
            rcvbuf: crate::profile::SK_RMEM_DEFAULT,
            sndbuf: crate::profile::SK_RMEM_DEFAULT,
            rmem_alloc: 0,
            receive_queue: VecDeque::new(),
            sk_err: 0,
            drops: 0,
            congested: false,
            max_recvmsg_len: 0,
            cb: None,
            dump_done_errno: 0,
            netlink_rcv: None,
            passcred: false,
            rcvtimeo: crate::sock::MAX_SCHEDULE_TIMEOUT,
            sndtimeo: crate::sock::MAX_SCHEDULE_TIMEOUT,
            filter: None,
            filter_locked: false,
        }
    }

    /// `netlink_is_kernel`.
    pub fn is_kernel(&self) -> bool {
        self.flags & NETLINK_F_KERNEL_SOCKET != 0
    }

    /// Whether flag `f` (`NETLINK_F_*`) is set.
    pub fn test(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Whether the socket is a member of `group` (1-based).
    pub fn in_group(&self, group: u32) -> bool {
        group >= 1
            && group <= self.ngroups
            && self.groups[((group - 1) / 64) as usize] >> ((group - 1) % 64) & 1 != 0
    }

    /// The first 32 group bits (`groups[0]` as getsockname reports it).
    pub fn groups_low32(&self) -> u32 {
        self.groups.first().map_or(0, |g| *g as u32)
    }
}
