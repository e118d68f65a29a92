//! Link watch on the model's clock: a freshly booted kernel handles the first event at once; a
//! non-urgent event then waits until a second after the last run; an urgent one (a running
//! veth) runs at the end of the system call, handling only the urgent devices within that
//! second; RTM_GETLINK runs a device's pending event first where the release does; a device
//! deleted with its event pending takes the event with it. The clock moves only by
//! `Kernel::advance`.

mod common;
use common::{group_bit, veth_pair};
use nltwin_model::cred::Cred;
use nltwin_model::profile::Profile;
use nltwin_model::random::SeededRandom;
use nltwin_model::uapi::if_::*;
use nltwin_model::uapi::if_link::IFLA_OPERSTATE;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, nlmsgerr, MessageBuilder};

const MS: u64 = 1_000_000;

struct Env {
    k: Kernel,
    task: TaskId,
    req: i32,
    listener: i32,
}

impl Env {
    fn new(k: Kernel, task: TaskId) -> Env {
        let mut e = Env {
            k,
            task,
            req: 0,
            listener: 0,
        };
        e.req = e.socket(0);
        e.listener = e.socket(group_bit(RTNLGRP_LINK));
        e
    }

    /// The harness's sandbox: link watch has just run.
    fn sandboxed(profile: Profile) -> Env {
        let (k, task) = Kernel::sandboxed_with(profile, 4242);
        Env::new(k, task)
    }

    /// A freshly booted kernel with a namespace like the sandbox's, and nothing run since.
    fn fresh_boot() -> Env {
        let mut k = Kernel::boot(Profile::default(), Box::new(SeededRandom::new(0)));
        let user_ns = k.create_user_ns(nltwin_model::kernel::INIT_USER_NS, 1000);
        let net = k.copy_net_ns(user_ns);
        let cred = Cred {
            euid: 0,
            egid: 0,
            user_ns,
            cap_effective: Cred::CAP_FULL_SET,
        };
        let task = k.spawn_task(4242, net, cred);
        Env::new(k, task)
    }

    fn socket(&mut self, groups: u32) -> i32 {
        let fd = self
            .k
            .sys_socket(self.task, SOCK_RAW, NETLINK_ROUTE)
            .unwrap();
        self.k
            .sys_bind(self.task, fd, &SockaddrNl::new(0, groups).to_bytes())
            .unwrap();
        fd
    }

    /// Send `msg` and return the ack's errno (0 for success) or the reply's first message.
    fn request(&mut self, msg: &[u8]) -> Vec<u8> {
        self.k
            .sys_sendto(self.task, self.req, msg, 0, None)
            .unwrap();
        let mut buf = vec![0u8; 32768];
        let r = self
            .k
            .sys_recvfrom(self.task, self.req, &mut buf, 0)
            .unwrap();
        buf.truncate(r.ret);
        buf
    }

    fn ok(&mut self, msg: &[u8]) {
        let reply = self.request(msg);
        let m = Messages::new(&reply).next().expect("an ack");
        assert_eq!(m.msg_type(), NLMSG_ERROR);
        assert_eq!(nlmsgerr::error_code(m.payload()), Some(0));
    }

    fn set_flags(&mut self, index: i32, flags: u32) {
        let ifi = ifinfomsg::Repr {
            index,
            flags,
            change: IFF_UP,
            ..Default::default()
        };
        let msg = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
            .header(&ifi.to_bytes())
            .build();
        self.ok(&msg);
    }

    /// RTM_GETLINK of `index`: (ifi_flags, IFLA_OPERSTATE).
    fn getlink(&mut self, index: i32) -> (u32, u8) {
        let ifi = ifinfomsg::Repr {
            index,
            ..Default::default()
        };
        let msg = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST, 2, 0)
            .header(&ifi.to_bytes())
            .build();
        let reply = self.request(&msg);
        let m = Messages::new(&reply).next().expect("a reply");
        assert_eq!(m.msg_type(), RTM_NEWLINK);
        let ifi = ifinfomsg::Repr::parse_bytes(m.payload()).expect("an ifinfomsg");
        let oper = m
            .attrs(ifinfomsg::LEN)
            .find(IFLA_OPERSTATE)
            .and_then(|a| a.u8())
            .expect("IFLA_OPERSTATE");
        (ifi.flags, oper)
    }

    /// (ifindex, ifi_flags, ifi_change, IFLA_OPERSTATE) of each notification queued.
    fn events(&mut self) -> Vec<(i32, u32, u32, u8)> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 32768];
        while let Ok(r) = self.k.sys_recvfrom(self.task, self.listener, &mut buf, 0) {
            let m = Messages::new(&buf[..r.ret]).next().expect("a message");
            let ifi = ifinfomsg::Repr::parse_bytes(m.payload()).expect("an ifinfomsg");
            let oper = m
                .attrs(ifinfomsg::LEN)
                .find(IFLA_OPERSTATE)
                .and_then(|a| a.u8())
                .unwrap_or(0xff);
            out.push((ifi.index, ifi.flags, ifi.change, oper));
        }
        out
    }

    fn operstate(&self, index: u32) -> u8 {
        let net = self.k.task(self.task).net;
        self.k.dev(net, index).expect("a device").operstate
    }
}

const BASE: u32 = IFF_BROADCAST | IFF_MULTICAST;
const RUNNING: u32 = BASE | IFF_UP | IFF_RUNNING | IFF_LOWER_UP;

#[test]
fn a_freshly_booted_kernel_handles_the_first_event_at_once_and_holds_the_next() {
    let mut e = Env::fresh_boot();
    assert_eq!(e.k.now_ns(), 0);
    assert_eq!(
        e.k.jiffies(),
        (1 << 32) - 300 * 250,
        "INITIAL_JIFFIES at HZ 250"
    );
    e.ok(&veth_pair(1, "va", "vb", None).build());
    e.events();
    // The creation's carrier-off events ran when the request ended: vb settled while down.
    assert!(!e.k.linkwatch_pending());
    assert_eq!(e.operstate(2), IF_OPER_LOWERLAYERDOWN);
    e.set_flags(2, IFF_UP);
    assert_eq!(
        e.events(),
        [(2, BASE | IFF_UP, IFF_UP, IF_OPER_LOWERLAYERDOWN)]
    );
    // A second pair within the second: its events wait for the clock.
    e.ok(&veth_pair(1, "vc", "vd", None).build());
    e.events();
    assert!(e.k.linkwatch_pending());
    assert_eq!(e.operstate(4), IF_OPER_UNKNOWN);
    let due = e.k.next_timer_ns().expect("the link watch work's timer");
    // HZ ticks after the last run, rounded up to the wheel's 8-tick buckets.
    assert_eq!(due, 1_024 * MS);
    e.k.advance(due - 1).unwrap();
    assert!(e.k.linkwatch_pending());
    e.k.advance(1).unwrap();
    assert!(!e.k.linkwatch_pending());
    assert_eq!(e.operstate(4), IF_OPER_LOWERLAYERDOWN);
    assert_eq!(e.k.next_timer_ns(), None);
}

#[test]
fn in_the_sandbox_link_watch_has_just_run_and_a_device_up_without_carrier_looks_running() {
    let mut e = Env::sandboxed(Profile::DEBIAN_6_1);
    e.ok(&veth_pair(1, "va", "vb", None).build());
    e.events();
    assert!(e.k.linkwatch_pending(), "the creation's events are held");
    e.set_flags(2, IFF_UP);
    // Up without carrier, but its operstate is still UNKNOWN: RUNNING.
    assert_eq!(
        e.events(),
        [(2, BASE | IFF_UP | IFF_RUNNING, IFF_UP, IF_OPER_UNKNOWN)]
    );
    // 6.1's RTM_GETLINK does not run the pending event.
    assert_eq!(e.getlink(2), (BASE | IFF_UP | IFF_RUNNING, IF_OPER_UNKNOWN));
    assert!(e.events().is_empty());
    // A second later link watch settles it and announces the device that is up.
    e.k.advance(1_100 * MS).unwrap();
    assert_eq!(e.events(), [(2, BASE | IFF_UP, 0, IF_OPER_LOWERLAYERDOWN)]);
    assert_eq!(e.getlink(2), (BASE | IFF_UP, IF_OPER_LOWERLAYERDOWN));
}

#[test]
fn rtm_getlink_runs_the_devices_pending_event_where_the_release_syncs_it() {
    let mut e = Env::sandboxed(Profile::DEBIAN_6_12);
    e.ok(&veth_pair(1, "va", "vb", None).build());
    e.set_flags(2, IFF_UP);
    e.events();
    assert_eq!(e.getlink(2), (BASE | IFF_UP, IF_OPER_LOWERLAYERDOWN));
    // The sync announced it, and took it off the list; va's event still waits.
    assert_eq!(e.events(), [(2, BASE | IFF_UP, 0, IF_OPER_LOWERLAYERDOWN)]);
    assert!(e.k.linkwatch_pending());
    assert_eq!(e.operstate(3), IF_OPER_UNKNOWN);
}

#[test]
fn an_urgent_event_runs_at_once_and_within_the_second_only_urgent_devices_are_handled() {
    let mut e = Env::sandboxed(Profile::DEBIAN_6_1);
    // A pair left down: its events are not urgent.
    e.ok(&veth_pair(1, "va", "vb", None).build());
    // Another pair, both sides brought up: the carriers come on while the devices run.
    e.ok(&veth_pair(1, "vc", "vd", None).build());
    e.set_flags(4, IFF_UP);
    e.events();
    e.set_flags(5, IFF_UP);
    assert_eq!(
        e.events(),
        [
            // Built in the request, before link watch ran.
            (5, RUNNING, IFF_UP, IF_OPER_UNKNOWN),
            // Link watch at the end of the system call, in the order the events came: vd's
            // was queued at its creation, before vc's.
            (4, RUNNING, 0, IF_OPER_UP),
            (5, RUNNING, 0, IF_OPER_UP),
        ]
    );
    // Within the second after the last full run, the devices that are down wait.
    assert_eq!(
        (e.operstate(2), e.operstate(3)),
        (IF_OPER_UNKNOWN, IF_OPER_UNKNOWN)
    );
    e.k.advance(1_100 * MS).unwrap();
    assert_eq!(
        (e.operstate(2), e.operstate(3)),
        (IF_OPER_LOWERLAYERDOWN, IF_OPER_LOWERLAYERDOWN)
    );
    assert!(
        e.events().is_empty(),
        "devices that are down are not announced"
    );
}

#[test]
fn a_running_device_with_a_peer_is_urgent_whatever_its_carrier() {
    let mut e = Env::sandboxed(Profile::DEBIAN_6_1);
    e.ok(&veth_pair(1, "va", "vb", None).build());
    e.set_flags(2, IFF_UP);
    e.ok(&veth_pair(1, "vc", "vd", None).build());
    e.set_flags(4, IFF_UP);
    e.events();
    // vc's carrier-on runs link watch at once; vb runs and has a peer, so its held event
    // from creation is urgent too and handled in the same run.
    e.set_flags(5, IFF_UP);
    assert_eq!(
        e.events(),
        [
            (5, RUNNING, IFF_UP, IF_OPER_UNKNOWN),
            (2, BASE | IFF_UP, 0, IF_OPER_LOWERLAYERDOWN),
            (4, RUNNING, 0, IF_OPER_UP),
            (5, RUNNING, 0, IF_OPER_UP),
        ]
    );
}

#[test]
fn a_device_deleted_with_its_event_pending_takes_it_and_the_work_runs_empty() {
    let mut e = Env::sandboxed(Profile::DEBIAN_6_1);
    e.ok(&veth_pair(1, "va", "vb", None).build());
    e.set_flags(2, IFF_UP);
    e.events();
    let ifi = ifinfomsg::Repr {
        index: 3,
        ..Default::default()
    };
    let del = MessageBuilder::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0)
        .header(&ifi.to_bytes())
        .build();
    e.ok(&del);
    assert!(!e.k.linkwatch_pending());
    let ev = e.events();
    assert!(ev.iter().all(|&(i, ..)| i == 2 || i == 3), "{ev:?}");
    e.k.advance(2_000 * MS).unwrap();
    assert!(e.events().is_empty(), "nothing left to announce");
}
