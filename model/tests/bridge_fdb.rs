//! The bridge forwarding database and the neighbour tables' dump as the model answers them:
//! dumps larger than one datagram resume where they stopped (every entry and every device's
//! parameters exactly once), and a build with VLAN filtering says the FDB is not modeled
//! rather than answering without its per-VLAN entries. The bytes themselves are checked
//! against the kernel by the conformance scenarios (`bridge_fdb_*`,
//! `neighbour_tables_dump_and_set`).

mod common;
use common::veth_pair;
use nltwin_model::profile::Profile;
use nltwin_model::uapi::if_link::*;
use nltwin_model::uapi::neighbour::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::nla::Attrs;
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, ndmsg, MessageBuilder};

fn ifi(index: i32) -> [u8; ifinfomsg::LEN] {
    ifinfomsg::Repr {
        index,
        ..Default::default()
    }
    .to_bytes()
}

/// A NETLINK_ROUTE socket.
fn socket(k: &mut Kernel, task: TaskId) -> i32 {
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_bind(task, fd, &SockaddrNl::new(0, 0).to_bytes())
        .unwrap();
    fd
}

/// Send `msg` on `fd` and take its ack's error code.
fn request(k: &mut Kernel, task: TaskId, fd: i32, msg: &[u8]) -> i32 {
    k.sys_sendto(task, fd, msg, 0, None).unwrap();
    let mut buf = vec![0u8; 4096];
    let r = k.sys_recvfrom(task, fd, &mut buf, 0).unwrap();
    let m = Messages::new(&buf[..r.ret]).next().expect("an ack");
    nltwin_wire::nlmsgerr::error_code(m.payload()).expect("an error code")
}

/// Send a dump request and read it whole: the messages' payloads in order, and how many
/// datagrams carried them.
fn dump(k: &mut Kernel, task: TaskId, fd: i32, msg: &[u8]) -> (Vec<Vec<u8>>, usize) {
    k.sys_sendto(task, fd, msg, 0, None).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut datagrams = 0;
    loop {
        let r = k
            .sys_recvfrom(task, fd, &mut buf, 0)
            .expect("the dump goes on");
        datagrams += 1;
        for m in Messages::new(&buf[..r.ret]) {
            if m.msg_type() == NLMSG_DONE {
                let code = i32::from_ne_bytes(m.payload()[..4].try_into().unwrap());
                assert_eq!(code, 0);
                return (out, datagrams);
            }
            out.push(m.payload().to_vec());
        }
    }
}

/// RTM_NEWLINK creating the bridge br0 with a fixed address, or making `index` a port.
fn bridge(seq: u32) -> Vec<u8> {
    MessageBuilder::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        seq,
        0,
    )
    .header(&ifi(0))
    .str(IFLA_IFNAME, "br0")
    .attr(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 0xff])
    .nest(IFLA_LINKINFO, |b| b.str(IFLA_INFO_KIND, "bridge"))
    .build()
}

fn set_master(seq: u32, index: i32, master: u32) -> Vec<u8> {
    MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0)
        .header(&ifi(index))
        .u32(IFLA_MASTER, master)
        .build()
}

/// A static entry for `addr` on port `index`.
fn fdb_add(seq: u32, index: i32, addr: [u8; 6]) -> Vec<u8> {
    let ndm = ndmsg::Repr {
        family: PF_BRIDGE,
        ifindex: index,
        state: NUD_NOARP,
        flags: NTF_MASTER,
        ndm_type: 0,
    };
    MessageBuilder::new(
        RTM_NEWNEIGH,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        seq,
        0,
    )
    .header(&ndm.to_bytes())
    .attr(NDA_LLADDR, &addr)
    .build()
}

fn fdb_dump_request(seq: u32) -> Vec<u8> {
    let ndm = ndmsg::Repr {
        family: PF_BRIDGE,
        ..Default::default()
    };
    MessageBuilder::new(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
        .header(&ndm.to_bytes())
        .build()
}

/// veth pair va (3) / vb (2), the bridge br0 (4) with va as its port.
fn bridged(profile: Profile) -> (Kernel, TaskId, i32) {
    let (mut k, task) = Kernel::sandboxed_with(profile, 4242);
    let fd = socket(&mut k, task);
    let pair = veth_pair(
        1,
        "va",
        "vb",
        Some(([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])),
    );
    assert_eq!(request(&mut k, task, fd, &pair.build()), 0);
    assert_eq!(request(&mut k, task, fd, &bridge(2)), 0);
    assert_eq!(request(&mut k, task, fd, &set_master(3, 3, 4)), 0);
    (k, task, fd)
}

/// The NDA_LLADDR of an FDB message.
fn lladdr(payload: &[u8]) -> Vec<u8> {
    Attrs::new(&payload[ndmsg::LEN..])
        .find(NDA_LLADDR)
        .map(|a| a.payload().to_vec())
        .unwrap()
}

#[test]
fn a_port_with_many_static_entries_dumps_each_once_across_datagrams() {
    let (mut k, task, fd) = bridged(Profile::LINUX_6_18);
    // 600 entries of 64 bytes: more than one dump datagram holds, so the dump resumes
    // within the port's entries.
    const N: u16 = 600;
    for i in 0..N {
        let [hi, lo] = i.to_be_bytes();
        let r = request(
            &mut k,
            task,
            fd,
            &fdb_add(10 + u32::from(i), 3, [2, 0, 1, 0, hi, lo]),
        );
        assert_eq!(r, 0);
    }
    let (whole, datagrams) = dump(&mut k, task, fd, &fdb_dump_request(2000));
    assert!(datagrams > 2, "{datagrams} datagrams");
    let mut statics: Vec<Vec<u8>> = whole
        .iter()
        .map(|p| lladdr(p))
        .filter(|a| a[..4] == [2, 0, 1, 0])
        .collect();
    // Newest first, as the kernel's list.
    assert_eq!(statics[0], vec![2, 0, 1, 0, 2, 0x57]);
    statics.sort();
    statics.dedup();
    assert_eq!(statics.len(), usize::from(N));
    assert_eq!(
        whole.len(),
        usize::from(N) + 5,
        "each entry once, none repeated"
    );
    // The devices' own multicast lists and the bridge's own entry are there too.
    assert!(whole.iter().any(|p| lladdr(p) == [2, 0, 0, 0, 0, 0xff]));
    assert!(whole.iter().any(|p| lladdr(p) == [0x33, 0x33, 0, 0, 0, 1]));
}

/// The (address, NDA_VLAN or 0, ifindex) of each FDB message, in order.
fn entries(msgs: &[Vec<u8>]) -> Vec<(Vec<u8>, u16, i32)> {
    msgs.iter()
        .map(|p| {
            let vid = Attrs::new(&p[ndmsg::LEN..])
                .find(NDA_VLAN)
                .map_or(0, |a| u16::from_ne_bytes([a.payload()[0], a.payload()[1]]));
            let ifindex = i32::from_ne_bytes(p[4..8].try_into().unwrap());
            (lladdr(p), vid, ifindex)
        })
        .filter(|(a, _, _)| a[0] == 2)
        .collect()
}

#[test]
fn a_build_with_vlan_filtering_keeps_a_local_entry_per_vlan_and_a_static_one_on_each() {
    // The bridge (4, ...ff) and its port va (3, ...01) have the default PVID 1: each address
    // has its VLAN 0 entry and its VLAN 1 entry, newest first.
    let (mut k, task, fd) = bridged(Profile::DEBIAN_6_18);
    let (all, _) = dump(&mut k, task, fd, &fdb_dump_request(5));
    let br = vec![2, 0, 0, 0, 0, 0xff];
    let va = vec![2, 0, 0, 0, 0, 1];
    assert_eq!(
        entries(&all),
        [
            (va.clone(), 1, 3),
            (va.clone(), 0, 3),
            (br.clone(), 1, 4),
            (br.clone(), 0, 4)
        ]
    );
    // A static entry without NDA_VLAN lands on VLAN 0 and on the port's VLAN 1.
    assert_eq!(
        request(&mut k, task, fd, &fdb_add(6, 3, [2, 0, 0, 0, 0, 0xaa])),
        0
    );
    let (all, _) = dump(&mut k, task, fd, &fdb_dump_request(7));
    let aa: Vec<_> = entries(&all)
        .into_iter()
        .filter(|(a, _, _)| a[5] == 0xaa)
        .map(|(_, vid, _)| vid)
        .collect();
    assert_eq!(aa, [1, 0]);
    // Without VLAN filtering built the same bridge has one local entry per address.
    let (mut k, task, fd) = bridged(Profile::LINUX_6_18);
    let (all, _) = dump(&mut k, task, fd, &fdb_dump_request(5));
    assert_eq!(entries(&all), [(va, 0, 3), (br, 0, 4)]);
}

#[test]
fn the_neighbour_table_dump_resumes_over_many_devices() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task);
    const PAIRS: usize = 40;
    for i in 0..PAIRS {
        let pair = veth_pair(i as u32 + 1, &format!("a{i}"), &format!("b{i}"), None);
        assert_eq!(request(&mut k, task, fd, &pair.build()), 0);
    }
    let req = MessageBuilder::new(RTM_GETNEIGHTBL, NLM_F_REQUEST | NLM_F_DUMP, 100, 0)
        .header(&[0, 0, 0, 0])
        .build();
    let (whole, datagrams) = dump(&mut k, task, fd, &req);
    assert!(datagrams > 2, "{datagrams} datagrams");
    // Resuming within a table sends the table's own message again (the kernel's
    // `cb->args[0]` names the table, whose message is filled before the devices' are
    // skipped); each device's parameters come once.
    let per_device = |v: &[Vec<u8>]| {
        v.iter()
            .filter(|p| {
                Attrs::new(&p[4..])
                    .find(NDTA_PARMS)
                    .is_some_and(|n| Attrs::new(n.payload()).find(NDTPA_IFINDEX).is_some())
            })
            .count()
    };
    assert_eq!(per_device(&whole), 2 * (1 + 2 * PAIRS));
    // Two tables, each with its own message at least once.
    assert!(
        whole.len() > 2 * (1 + 1 + 2 * PAIRS),
        "the table messages repeat"
    );
}

#[test]
fn arbitrary_fdb_and_table_requests_never_panic() {
    let (mut k, task, fd) = bridged(Profile::LINUX_6_18);
    let strict = socket(&mut k, task);
    k.sys_setsockopt(
        task,
        strict,
        SOL_NETLINK,
        NETLINK_GET_STRICT_CHK,
        &nltwin_wire::scalar::u32_bytes(1),
    )
    .unwrap();
    // A fixed linear congruential sequence: the same requests every run.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as u32
    };
    let types = [
        RTM_NEWNEIGH,
        RTM_DELNEIGH,
        RTM_GETNEIGH,
        RTM_GETNEIGHTBL,
        RTM_SETNEIGHTBL,
    ];
    let mut buf = vec![0u8; 1 << 16];
    for i in 0..4000u32 {
        let ty = types[next() as usize % types.len()];
        let flags = NLM_F_REQUEST | (next() as u16 & (NLM_F_ACK | NLM_F_DUMP | 0x700));
        let len = next() as usize % 48;
        let mut payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if let Some(f) = payload.first_mut() {
            *f = [0, 2, 7, 10][next() as usize % 4];
        }
        if payload.len() > 4 && next() % 2 == 0 {
            // A small device index, so that requests reach the handlers.
            payload[4..].iter_mut().take(4).for_each(|b| *b = 0);
            payload[4] = (next() % 6) as u8;
        }
        // Attributes of plausible shapes after the header.
        let mut b = MessageBuilder::new(ty, flags, i, 0).header(&payload);
        for _ in 0..next() % 3 {
            let at = (next() % 20) as u16;
            let alen = next() as usize % 10;
            let data: Vec<u8> = (0..alen).map(|_| next() as u8).collect();
            b = b.attr(at, &data);
        }
        let sock = if next() % 2 == 0 { fd } else { strict };
        let _ = k.sys_sendto(task, sock, &b.build(), 0, None);
        while k.sys_recvfrom(task, sock, &mut buf, 0).is_ok() {}
    }
}
