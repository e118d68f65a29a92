//! The model at scale: veth pairs created in one run up to 100,001 links, with the memory the
//! model holds per link (a counting allocator: live heap bytes after the pairs exist, less
//! before), the time per pair created, one RTM_GETLINK dump of everything (time per link),
//! and a listener of RTNLGRP_LINK that never reads (its queue must stay at its rcvbuf, with
//! ENOBUFS reported, as on the kernel). Linear is the goal: the per-link figures of the largest
//! size against the smallest are printed as ratios. Run:
//!
//! ```text
//! cargo bench -p nltwin-model --bench scale            # sizes 1000,10000,50000 pairs
//! NLTWIN_SCALE_PAIRS=2000,20000 cargo bench -p nltwin-model --bench scale
//! ```

use nltwin_model::uapi::{netlink::*, rtnetlink::*, socket::*};
use nltwin_model::{Kernel, SysError};
use nltwin_wire::uapi::if_link::*;
use nltwin_wire::uapi::veth::VETH_INFO_PEER;
use nltwin_wire::{ifinfomsg, nlmsg, MessageBuilder};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new >= l.size() {
                let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(l.size() - new, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// `ip link add aN address .. type veth peer name bN address ..` as one request.
fn veth_request(i: usize) -> Vec<u8> {
    let mac = |n: usize| {
        [
            2,
            0,
            (n >> 24) as u8,
            (n >> 16) as u8,
            (n >> 8) as u8,
            n as u8,
        ]
    };
    let peer = MessageBuilder::new(0, 0, 0, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .str(IFLA_IFNAME, format!("b{i}"))
        .attr(IFLA_ADDRESS, &mac(2 * i + 2))
        .build();
    // The peer is an ifinfomsg and its attributes, without a netlink header.
    let peer = &peer[nlmsg::HEADER_LEN..];
    MessageBuilder::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        i as u32 + 1,
        0,
    )
    .header(&ifinfomsg::Repr::default().to_bytes())
    .str(IFLA_IFNAME, format!("a{i}"))
    .attr(IFLA_ADDRESS, &mac(2 * i + 1))
    .nest(IFLA_LINKINFO, |m| {
        m.str(IFLA_INFO_KIND, "veth")
            .nest(IFLA_INFO_DATA, |m| m.attr(VETH_INFO_PEER, peer))
    })
    .build()
}

struct Row {
    pairs: usize,
    links: usize,
    bytes_per_link: f64,
    create_per_pair: Duration,
    dump: Duration,
    dump_bytes: usize,
    listener_queued: usize,
    listener_rcvbuf: usize,
    listener_overrun: bool,
}

fn measure(pairs: usize) -> Row {
    let (mut k, t) = Kernel::sandboxed(100);
    let fd = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    // A listener of link events that never reads.
    let deaf = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_bind(
        t,
        deaf,
        &SockaddrNl::new(0, 1 << (RTNLGRP_LINK - 1)).to_bytes(),
    )
    .unwrap();
    let reqs: Vec<Vec<u8>> = (0..pairs).map(veth_request).collect();
    let mut buf = vec![0u8; 65536];
    let before = LIVE.load(Relaxed);
    let start = Instant::now();
    for r in &reqs {
        k.sys_sendto(t, fd, r, 0, None).unwrap();
        let ack = k.sys_recvfrom(t, fd, &mut buf, 0).unwrap();
        let m = nlmsg::Packet::new_checked(&buf[..ack.ret]).unwrap();
        assert_eq!(m.msg_type(), NLMSG_ERROR, "an ack");
    }
    let create = start.elapsed();
    let net = k.task(t).net;
    let links = k.devices(net).count();
    let after = LIVE.load(Relaxed);
    let dump_req = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .build();
    let rounds = (400_000 / links).clamp(1, 20);
    let mut dump_bytes = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        k.sys_sendto(t, fd, &dump_req, 0, None).unwrap();
        dump_bytes = 0;
        'dump: loop {
            let r = k.sys_recvfrom(t, fd, &mut buf, 0).unwrap();
            dump_bytes += r.ret;
            for m in nlmsg::Messages::new(&buf[..r.ret]) {
                if m.msg_type() == NLMSG_DONE {
                    break 'dump;
                }
            }
        }
    }
    let dump = start.elapsed() / rounds as u32;
    let portid = k.sys_getsockname(t, deaf).unwrap().pid;
    let (_, sk) = k.sockets().find(|(_, s)| s.portid == portid).unwrap();
    let (listener_queued, listener_rcvbuf) = (sk.rmem_alloc, sk.rcvbuf as usize);
    let mut one = [0u8; 0];
    let listener_overrun =
        k.sys_recvfrom(t, deaf, &mut one, 0) == Err(SysError::Errno(nltwin_model::Errno::ENOBUFS));
    Row {
        pairs,
        links,
        bytes_per_link: after.saturating_sub(before) as f64 / (links - 1) as f64,
        create_per_pair: create / pairs as u32,
        dump,
        dump_bytes,
        listener_queued,
        listener_rcvbuf,
        listener_overrun,
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("NLTWIN_SCALE_PAIRS")
        .ok()
        .map(|s| {
            s.split(',')
                .map(|n| n.trim().parse().expect("a number of pairs"))
                .collect()
        })
        .unwrap_or_else(|| vec![1000, 10_000, 50_000]);
    println!("nltwin-model at scale: veth pairs created in one run, then one dump of every link");
    println!(
        "{:>7} {:>8} {:>14} {:>14} {:>10} {:>12} {:>10}   never-reading listener",
        "pairs", "links", "heap/link", "create/pair", "dump", "dump/link", "dump MB"
    );
    let mut rows = Vec::new();
    for &n in &sizes {
        let r = measure(n);
        println!(
            "{:>7} {:>8} {:>12.0} B {:>11.2} us {:>7.1} ms {:>9.0} ns {:>10.1}   {} of {} bytes queued{}",
            r.pairs,
            r.links,
            r.bytes_per_link,
            r.create_per_pair.as_secs_f64() * 1e6,
            r.dump.as_secs_f64() * 1e3,
            r.dump.as_secs_f64() * 1e9 / r.links as f64,
            r.dump_bytes as f64 / 1e6,
            r.listener_queued,
            r.listener_rcvbuf,
            if r.listener_overrun { ", ENOBUFS" } else { "" },
        );
        rows.push(r);
    }
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        if b.pairs > a.pairs {
            let per = |r: &Row| r.dump.as_secs_f64() / r.links as f64;
            println!(
                "linearity, {} pairs against {}: heap per link {:.2}x, creation per pair {:.2}x, dump per link {:.2}x (1.00x is linear)",
                b.pairs,
                a.pairs,
                b.bytes_per_link / a.bytes_per_link,
                b.create_per_pair.as_secs_f64() / a.create_per_pair.as_secs_f64(),
                per(b) / per(a),
            );
        }
    }
}
