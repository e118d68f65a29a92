//! The other subsystems that open a netlink kernel socket in every namespace (`sock_diag`,
//! `xfrm_user`, SELinux, audit, the FIB lookup socket, the connector, `nfnetlink`, kobject
//! uevents): they register and bind as the kernel's do, with their group counts, flags and
//! bind hooks, so sockets of their protocols behave like the kernel's; what they would answer
//! is not modeled, and a request to one of them answers `unimplemented`, naming its input.

use crate::af_netlink::NL_CFG_F_NONROOT_RECV;
use crate::af_netlink::{netlink_kernel_create, NetlinkBindHook, NetlinkInput, NetlinkKernelCfg};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, TaskId};
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::*;

/// Kernel-socket inputs of subsystems the model does not implement: each answers
/// `unimplemented` with its own name.
macro_rules! unimplemented_inputs {
    ($($name:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "`: not modeled.")]
        fn $name(_k: &mut Kernel, _skb: SkBuff) -> SysResult<()> {
            Err(crate::errno::unimplemented(stringify!($name)))
        }
    )*};
}

unimplemented_inputs!(
    sock_diag_rcv,
    xfrm_netlink_rcv,
    audit_receive,
    nl_fib_input,
    cn_rx_skb,
    nfnetlink_rcv,
    uevent_net_rcv,
);

/// `audit_multicast_bind`: reading the audit log needs CAP_AUDIT_READ in the initial user
/// namespace.
fn audit_multicast_bind(k: &Kernel, task: TaskId, _net: NetId, _group: u32) -> Result<(), Errno> {
    if !k.ns_capable(
        task,
        crate::kernel::INIT_USER_NS,
        crate::cred::CAP_AUDIT_READ,
    ) {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// One subsystem's kernel socket.
struct KernelSocket {
    protocol: i32,
    cfg: NetlinkKernelCfg,
    /// Only `init_net` gets one (SELinux, the connector).
    init_net_only: bool,
}

const fn sock(
    protocol: i32,
    flags: u32,
    input: Option<NetlinkInput>,
    bind: Option<NetlinkBindHook>,
    init_net_only: bool,
) -> KernelSocket {
    KernelSocket {
        protocol,
        cfg: NetlinkKernelCfg {
            groups: 0,
            flags,
            input,
            bind,
        },
        init_net_only,
    }
}

/// In the order their subsystems initialise. SELinux's socket has no input in the kernel
/// either: a send to it is ECONNREFUSED there and here.
const SOCKETS: &[KernelSocket] = &[
    sock(
        NETLINK_SOCK_DIAG,
        NL_CFG_F_NONROOT_RECV,
        Some(sock_diag_rcv),
        None,
        false,
    ),
    sock(NETLINK_XFRM, 0, Some(xfrm_netlink_rcv), None, false),
    sock(NETLINK_SELINUX, NL_CFG_F_NONROOT_RECV, None, None, true),
    sock(
        NETLINK_AUDIT,
        NL_CFG_F_NONROOT_RECV,
        Some(audit_receive),
        Some(audit_multicast_bind),
        false,
    ),
    sock(NETLINK_FIB_LOOKUP, 0, Some(nl_fib_input), None, false),
    sock(NETLINK_CONNECTOR, 0, Some(cn_rx_skb), None, true),
    sock(NETLINK_NETFILTER, 0, Some(nfnetlink_rcv), None, false),
    sock(
        NETLINK_KOBJECT_UEVENT,
        NL_CFG_F_NONROOT_RECV,
        Some(uevent_net_rcv),
        None,
        false,
    ),
];

/// Their pernet inits, one after the other.
fn other_netlink_net_init(k: &mut Kernel, net: NetId) {
    let is_init = k.net(net).is_init;
    for s in SOCKETS {
        if s.init_net_only && !is_init {
            continue;
        }
        netlink_kernel_create(k, net, s.protocol as usize, s.cfg);
    }
}

/// Their inits: per-namespace kernel sockets.
pub fn other_netlink_init(k: &mut Kernel) {
    register_pernet_subsys(
        k,
        PernetOperations {
            name: "sock_diag, xfrm, selinux, audit, fib lookup, connector, nfnetlink, uevent",
            init: other_netlink_net_init,
        },
    );
}
