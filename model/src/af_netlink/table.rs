//! `nl_table` and portids: `netlink_proto_init`, `netlink_kernel_create`, `netlink_insert`,
//! `netlink_lookup`, `netlink_remove`, `netlink_autobind` (`net/netlink/af_netlink.c`), and the
//! per-namespace kernel sockets the profile's subsystems create.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::*;

use super::{
    NetlinkBindHook, NetlinkInput, NetlinkKernelCfg, NetlinkSock, NetlinkTable,
    NETLINK_F_KERNEL_SOCKET, NL_CFG_F_NONROOT_RECV, NL_CFG_F_NONROOT_SEND,
};

/// A subsystem that creates a kernel socket in each namespace (its pernet init calls
/// `netlink_kernel_create`), as the 6.18 profile has them.
#[derive(Clone, Copy, Debug)]
pub struct KernelSocketSpec {
    /// The protocol.
    pub protocol: usize,
    /// The subsystem's name for the kernel socket's input (what the model names when it does not
    /// implement it).
    pub input_name: &'static str,
    /// Its configuration.
    pub cfg: NetlinkKernelCfg,
    /// Whether only `init_net` gets one (SELINUX, CONNECTOR).
    pub init_net_only: bool,
}

/// Input of a kernel socket whose protocol handler the model does not implement.
///
/// The protocols answered this way are SOCK_DIAG (`sock_diag_rcv`), XFRM (`xfrm_netlink_rcv`),
/// AUDIT (`audit_receive`), FIB_LOOKUP (`nl_fib_input`), CONNECTOR (`cn_rx_skb`), NETFILTER
/// (`nfnetlink_rcv`) and KOBJECT_UEVENT (`uevent_net_rcv`): a send to their portid 0 returns
/// [`SysError::Unimplemented`] naming the input, never a made-up reply. (SELINUX has no input in
/// the kernel either: a send to it is ECONNREFUSED there and here.)
pub fn unmodeled_input(k: &mut Kernel, skb: SkBuff) -> SysResult<()> {
    let protocol = skb.sk.map(|s| k.sk(s).protocol).unwrap_or(0);
    let name = KERNEL_SOCKETS
        .iter()
        .find(|s| s.protocol == protocol)
        .map_or("the protocol's input", |s| s.input_name);
    Err(crate::errno::unimplemented(name))
}

fn rtnetlink_bind(k: &Kernel, task: TaskId, net: NetId, group: u32) -> Result<(), Errno> {
    // RTNLGRP_IPV4_MROUTE_R and RTNLGRP_IPV6_MROUTE_R need CAP_NET_ADMIN over the namespace.
    const RTNLGRP_IPV4_MROUTE_R: u32 = 31;
    const RTNLGRP_IPV6_MROUTE_R: u32 = 32;
    if (group == RTNLGRP_IPV4_MROUTE_R || group == RTNLGRP_IPV6_MROUTE_R)
        && !k.ns_capable(task, k.nets[net.0].user_ns, crate::cred::CAP_NET_ADMIN)
    {
        return Err(Errno::EPERM);
    }
    Ok(())
}

fn audit_multicast_bind(k: &Kernel, task: TaskId, _net: NetId, _group: u32) -> Result<(), Errno> {
    // Reading the audit log needs CAP_AUDIT_READ in the initial user namespace.
    if !k.ns_capable(
        task,
        crate::kernel::INIT_USER_NS,
        crate::cred::CAP_AUDIT_READ,
    ) {
        return Err(Errno::EPERM);
    }
    Ok(())
}

const fn spec(
    protocol: usize,
    input_name: &'static str,
    groups: u32,
    flags: u32,
    input: Option<NetlinkInput>,
    bind: Option<NetlinkBindHook>,
    init_net_only: bool,
) -> KernelSocketSpec {
    KernelSocketSpec {
        protocol,
        input_name,
        cfg: NetlinkKernelCfg {
            groups,
            flags,
            input,
            bind,
        },
        init_net_only,
    }
}

/// The kernel sockets of the 6.18 profile, in the order their subsystems initialise.
///
/// Group counts are what the subsystems pass (`RTNLGRP_MAX` is 39 on 6.18; the generic
/// netlink count is what the families registered at boot grew it to: 64, as
/// NETLINK_LIST_MEMBERSHIPS shows on the reference kernel); fewer than 32 become 32.
pub const KERNEL_SOCKETS: &[KernelSocketSpec] = &[
    spec(
        NETLINK_ROUTE as usize,
        "rtnetlink_rcv",
        39,
        NL_CFG_F_NONROOT_RECV,
        Some(unmodeled_input),
        Some(rtnetlink_bind),
        false,
    ),
    spec(
        NETLINK_SOCK_DIAG as usize,
        "sock_diag_rcv",
        0,
        NL_CFG_F_NONROOT_RECV,
        Some(unmodeled_input),
        None,
        false,
    ),
    spec(
        NETLINK_XFRM as usize,
        "xfrm_netlink_rcv",
        0,
        0,
        Some(unmodeled_input),
        None,
        false,
    ),
    spec(
        NETLINK_SELINUX as usize,
        "selnl (no input)",
        0,
        NL_CFG_F_NONROOT_RECV,
        None,
        None,
        true,
    ),
    spec(
        NETLINK_AUDIT as usize,
        "audit_receive",
        0,
        NL_CFG_F_NONROOT_RECV,
        Some(unmodeled_input),
        Some(audit_multicast_bind),
        false,
    ),
    spec(
        NETLINK_FIB_LOOKUP as usize,
        "nl_fib_input",
        0,
        0,
        Some(unmodeled_input),
        None,
        false,
    ),
    spec(
        NETLINK_CONNECTOR as usize,
        "cn_rx_skb",
        0,
        0,
        Some(unmodeled_input),
        None,
        true,
    ),
    spec(
        NETLINK_NETFILTER as usize,
        "nfnetlink_rcv",
        0,
        0,
        Some(unmodeled_input),
        None,
        false,
    ),
    spec(
        NETLINK_KOBJECT_UEVENT as usize,
        "uevent_net_rcv",
        0,
        NL_CFG_F_NONROOT_RECV,
        Some(unmodeled_input),
        None,
        false,
    ),
    spec(
        NETLINK_GENERIC as usize,
        "genl_rcv",
        64,
        NL_CFG_F_NONROOT_RECV,
        Some(unmodeled_input),
        None,
        false,
    ),
];

/// `netlink_proto_init`: an empty `nl_table` for `MAX_LINKS` protocols, and the USERSOCK entry
/// (`netlink_add_usersock_entry`: registered with 32 groups and NONROOT_SEND, no kernel socket).
/// The other protocols register when their first kernel socket is created.
pub fn netlink_proto_init(k: &mut Kernel) {
    k.nl_table = (0..MAX_LINKS).map(|_| NetlinkTable::default()).collect();
    let us = &mut k.nl_table[NETLINK_USERSOCK as usize];
    us.groups = 32;
    us.flags = NL_CFG_F_NONROOT_SEND;
    us.registered = true;
}

/// The pernet init of every subsystem that creates a netlink kernel socket (`rtnetlink_net_init`,
/// `sock_diag_init_net`, ..., `genl_pernet_init`), run for each new namespace.
pub fn netlink_net_init(k: &mut Kernel, net: NetId) {
    let is_init = k.nets[net.0].is_init;
    for spec in KERNEL_SOCKETS {
        if spec.init_net_only && !is_init {
            continue;
        }
        let mut cfg = spec.cfg;
        if let Some(input) = k.netlink_inputs[spec.protocol] {
            cfg.input = Some(input);
        }
        netlink_kernel_create(k, net, spec.protocol, cfg);
    }
}

/// `__netlink_kernel_create`: the kernel socket of `protocol` in `net`, bound at portid 0; the
/// first one registers the protocol in `nl_table`.
pub fn netlink_kernel_create(
    k: &mut Kernel,
    net: NetId,
    protocol: usize,
    cfg: NetlinkKernelCfg,
) -> SockId {
    let mut sk = NetlinkSock::new(protocol, net, None);
    sk.netlink_rcv = cfg.input;
    sk.flags |= NETLINK_F_KERNEL_SOCKET;
    let id = k.sock_alloc(sk);
    netlink_insert(k, id, 0).expect("a namespace has one kernel socket per protocol");
    let t = &mut k.nl_table[protocol];
    if !t.registered {
        t.groups = cfg.groups.max(32);
        t.flags = cfg.flags;
        t.bind = cfg.bind;
        t.registered = true;
    }
    k.nets[net.0].kernel_sock[protocol] = Some(id);
    id
}

/// `netlink_lookup`: the socket bound to `portid` for `protocol` in `net`.
pub fn netlink_lookup(k: &Kernel, net: NetId, protocol: usize, portid: u32) -> Option<SockId> {
    k.nl_table[protocol].hash.get(&(net, portid)).copied()
}

/// `netlink_insert`: bind `sk` to `portid`. On a bound socket: 0 if it is its portid, else
/// EBUSY. The portid is recorded before the hash insert, which is why getsockname reports an
/// attempted portid after EADDRINUSE.
pub fn netlink_insert(k: &mut Kernel, sk: SockId, portid: u32) -> Result<(), Errno> {
    let s = k.sk_mut(sk);
    if s.bound {
        return if s.portid == portid {
            Ok(())
        } else {
            Err(Errno::EBUSY)
        };
    }
    s.portid = portid;
    let key = (s.net, portid);
    let protocol = s.protocol;
    let table = &mut k.nl_table[protocol].hash;
    if table.contains_key(&key) {
        return Err(Errno::EADDRINUSE);
    }
    table.insert(key, sk);
    k.sk_mut(sk).bound = true;
    Ok(())
}

/// `netlink_remove`: unhash `sk` and drop it from its protocol's multicast list.
pub fn netlink_remove(k: &mut Kernel, sk: SockId) {
    let s = k.sk(sk);
    let (protocol, key, bound) = (s.protocol, (s.net, s.portid), s.bound);
    let t = &mut k.nl_table[protocol];
    if bound && t.hash.get(&key) == Some(&sk) {
        t.hash.remove(&key);
    }
    t.mc_list.retain(|&m| m != sk);
}

/// The first value autobind's rover takes after the tgid collides.
const ROVER_START: i32 = -4096;

/// `netlink_autobind`: bind to the caller's tgid, or on collision to a random negative portid
/// in [-2^31, -4097], searching downwards from a fresh random start (each call draws anew),
/// wrapping back to -4097.
pub fn netlink_autobind(k: &mut Kernel, task: TaskId, sk: SockId) -> Result<(), Errno> {
    let (net, protocol) = (k.sk(sk).net, k.sk(sk).protocol);
    let mut portid = k.tasks[task.0].tgid;
    let mut rover = ROVER_START;
    loop {
        if netlink_lookup(k, net, protocol, portid).is_some() {
            if rover == ROVER_START {
                let span = (ROVER_START as i64 - i32::MIN as i64) as u32;
                rover = i32::MIN.wrapping_add(k.random.get_random_u32_below(span) as i32);
            } else if rover >= ROVER_START {
                rover = ROVER_START - 1;
            }
            portid = rover as u32;
            rover = rover.wrapping_sub(1);
            continue;
        }
        return match netlink_insert(k, sk, portid) {
            Err(Errno::EADDRINUSE) => continue,
            Err(Errno::EBUSY) => Ok(()),
            r => r,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::RandomSource;

    /// A random source that returns the values it is given, in order.
    struct Fixed(Vec<u32>);
    impl RandomSource for Fixed {
        fn get_random_u32_below(&mut self, ceil: u32) -> u32 {
            let v = self.0.remove(0);
            assert!(v < ceil);
            v
        }
    }

    fn kernel_with(random: Vec<u32>) -> (Kernel, TaskId) {
        let (mut k, t) = Kernel::sandboxed(100);
        k.random = Box::new(Fixed(random));
        (k, t)
    }

    fn autobound(k: &mut Kernel, t: TaskId) -> u32 {
        let fd = k.sys_socket(t, 3, 0).unwrap();
        k.sys_bind(t, fd, &SockaddrNl::new(0, 0).to_bytes())
            .unwrap();
        k.sys_getsockname(t, fd).unwrap().pid
    }

    #[test]
    fn rover_starts_at_a_random_point_and_steps_down() {
        let (mut k, t) = kernel_with(vec![5, 5]);
        assert_eq!(autobound(&mut k, t), 100);
        assert_eq!(autobound(&mut k, t), (i32::MIN + 5) as u32);
        // The same draw again collides with the previous rover, so it steps down by one.
        assert_eq!(autobound(&mut k, t), (i32::MIN + 4) as u32);
    }

    #[test]
    fn rover_wraps_from_the_bottom_to_minus_4097() {
        // Start at -2^31: taken (explicitly bound); the next value wraps and resets to -4097.
        let (mut k, t) = kernel_with(vec![0]);
        assert_eq!(autobound(&mut k, t), 100);
        let fd = k.sys_socket(t, 3, 0).unwrap();
        k.sys_bind(t, fd, &SockaddrNl::new(i32::MIN as u32, 0).to_bytes())
            .unwrap();
        assert_eq!(autobound(&mut k, t), (-4097i32) as u32);
    }

    #[test]
    fn rover_draws_uniformly_below_the_span() {
        // The draw's ceiling is the size of [-2^31, -4097].
        struct Check;
        impl RandomSource for Check {
            fn get_random_u32_below(&mut self, ceil: u32) -> u32 {
                assert_eq!(ceil, 0x7fff_f000);
                ceil - 1
            }
        }
        let (mut k, t) = Kernel::sandboxed(7);
        k.random = Box::new(Check);
        autobound(&mut k, t);
        assert_eq!(autobound(&mut k, t), (-4097i32) as u32);
    }
}
