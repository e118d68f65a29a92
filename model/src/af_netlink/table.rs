//! `nl_table` and portids: `netlink_proto_init`, `netlink_kernel_create`, `netlink_insert`,
//! `netlink_lookup`, `netlink_remove`, `netlink_autobind` (`net/netlink/af_netlink.c`). Kernel
//! sockets are made by the subsystems that own them, from their pernet inits.

use crate::errno::Errno;
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::uapi::netlink::*;

use super::{
    NetlinkKernelCfg, NetlinkSock, NetlinkTable, NETLINK_F_KERNEL_SOCKET, NL_CFG_F_NONROOT_SEND,
};

/// `netlink_proto_init`: an empty `nl_table` for `MAX_LINKS` protocols, and the USERSOCK entry
/// (`netlink_add_usersock_entry`: registered with 32 groups and NONROOT_SEND, no kernel socket).
/// The other protocols register when their first kernel socket is created.
pub fn netlink_proto_init(k: &mut Kernel) {
    k.netlink.nl_table = (0..MAX_LINKS).map(|_| NetlinkTable::default()).collect();
    let us = &mut k.netlink.nl_table[NETLINK_USERSOCK as usize];
    us.groups = 32;
    us.flags = NL_CFG_F_NONROOT_SEND;
    us.registered = true;
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
    let t = &mut k.netlink.nl_table[protocol];
    if !t.registered {
        t.groups = cfg.groups.max(32);
        t.flags = cfg.flags;
        t.bind = cfg.bind;
        t.registered = true;
    }
    k.net_mut(net).kernel_sock[protocol] = Some(id);
    id
}

/// `netlink_lookup`: the socket bound to `portid` for `protocol` in `net`.
pub fn netlink_lookup(k: &Kernel, net: NetId, protocol: usize, portid: u32) -> Option<SockId> {
    k.netlink.nl_table[protocol]
        .hash
        .get(&(net, portid))
        .copied()
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
    let table = &mut k.netlink.nl_table[protocol].hash;
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
    let t = &mut k.netlink.nl_table[protocol];
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
