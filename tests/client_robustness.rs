//! What the engine promises under stress, on the kernel (in a fresh sandbox) and on the model:
//! a dump racing with link changes is consistent or an explicit DumpInterrupted (nothing
//! silently missing), and a receive queue that overflowed is an error, never silent loss.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use nltwin::engine::{Connection, Error};
use nltwin::requests::link::{Link, LinkFilter, LinkRequests};
use nltwin::requests::link_change::LinkChanges;
use nltwin::testing::{Call, Hook, Hooked};
use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::model::ModelBackend;
use nltwin::transport::Backend;
use nltwin::wire::uapi::if_link::IFLA_IFNAME;
use nltwin::wire::uapi::netlink::{NETLINK_ROUTE as ROUTE, NLM_F_DUMP};
use nltwin::wire::uapi::rtnetlink::{RTM_GETLINK, RTNLGRP_LINK};
use nltwin::wire::uapi::socket::MSG_PEEK;
use nltwin::wire::{ifinfomsg, nlmsg};

/// Stable links: `sa{i}` / `sb{i}`, never deleted.
fn stable<B: Backend>(c: &mut Connection<B>, pairs: usize) -> Vec<(u32, String)> {
    for i in 0..pairs {
        c.add_veth(&format!("sa{i}"), &format!("sb{i}")).unwrap();
    }
    c.links(&LinkFilter::default())
        .unwrap()
        .iter()
        .map(|l| (l.index(), l.name().unwrap().to_owned()))
        .collect()
}

/// A dump result is consistent: ascending ifindex without duplicates, every stable link present
/// with its index, and every other link one the churner makes (`ca*` / `cb*`).
fn check_consistent(links: &[Link], stable: &[(u32, String)]) {
    let got: Vec<(u32, String)> = links
        .iter()
        .map(|l| (l.index(), l.name().unwrap().to_owned()))
        .collect();
    assert!(
        got.windows(2).all(|w| w[0].0 < w[1].0),
        "ascending, no duplicates"
    );
    let got_set: BTreeSet<_> = got.iter().cloned().collect();
    for s in stable {
        assert!(got_set.contains(s), "stable link {s:?} missing");
    }
    for (_, name) in &got {
        assert!(
            stable.iter().any(|s| &s.1 == name) || name.starts_with("ca") || name.starts_with("cb"),
            "unknown link {name}"
        );
    }
}

nltwin::sandbox_test!(
    fn kernel_dump_racing_link_churn_is_consistent_or_interrupted() {
        let mut c = Connection::open(KernelBackend::new(), ROUTE).unwrap();
        let stable = stable(&mut c, 150);
        let stop = Arc::new(AtomicBool::new(false));
        let churner = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                // Same process, same namespace: the sandbox is per process.
                let mut c = Connection::open(KernelBackend::new(), ROUTE).unwrap();
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    c.add_veth(&format!("ca{n}"), &format!("cb{n}")).unwrap();
                    c.del_link_by_name(&format!("ca{n}")).unwrap();
                    n += 1;
                }
                n
            })
        };
        // No retries: every interruption the kernel flags must come back as an error.
        c.dump_intr_retries = 0;
        // Until the race was seen a few times (bounded, so a machine where it never happens
        // fails instead of hanging).
        let (mut ok, mut interrupted) = (0, 0);
        while interrupted < 5 && ok < 5000 {
            match c.links(&LinkFilter::default()) {
                Ok(links) => {
                    check_consistent(&links, &stable);
                    ok += 1;
                }
                Err(Error::DumpInterrupted { attempts: 1 }) => interrupted += 1,
                Err(e) => panic!("{e}"),
            }
        }
        // With retries: consistent or an error that says it gave up after 6 attempts.
        c.dump_intr_retries = 5;
        let (mut ok_retried, mut gave_up) = (0, 0);
        for _ in 0..60 {
            match c.links(&LinkFilter::default()) {
                Ok(links) => {
                    check_consistent(&links, &stable);
                    ok_retried += 1;
                }
                Err(Error::DumpInterrupted { attempts: 6 }) => gave_up += 1,
                Err(e) => panic!("{e}"),
            }
        }
        stop.store(true, Ordering::Relaxed);
        let churned = churner.join().unwrap();
        println!(
            "churn pairs {churned}; no retry: {ok} ok, {interrupted} interrupted; \
             5 retries: {ok_retried} ok, {gave_up} gave up"
        );
        assert!(churned > 0);
        assert!(
            interrupted > 0,
            "the churn never interrupted a dump: the test did not race"
        );
        assert!(ok_retried > 0, "retries never produced a consistent dump");
    }
);

/// Changes the model's links before each of the first `budget` receives that take a datagram:
/// the model builds the next dump chunk on receive, so each change lands between two chunks
/// of the running dump. Counts the link dumps sent.
struct Churn {
    budget: usize,
    churned: u32,
    dumps_sent: u32,
}

impl Hook<ModelBackend> for Churn {
    fn before(&mut self, model: &mut ModelBackend, call: Call<'_>) {
        match call {
            // RTM_GETLINK with NLM_F_DUMP.
            Call::Send(data, _) => {
                if nlmsg::Packet::new_checked(data).is_ok_and(|m| {
                    m.msg_type() == RTM_GETLINK && m.flags() & NLM_F_DUMP == NLM_F_DUMP
                }) {
                    self.dumps_sent += 1;
                }
            }
            Call::Recv(flags) if flags & MSG_PEEK == 0 && self.budget > 0 => {
                self.budget -= 1;
                let n = self.churned;
                self.churned += 1;
                let mut c = Connection::open(&mut *model, ROUTE).unwrap();
                c.add_veth(&format!("ca{n}"), &format!("cb{n}")).unwrap();
                if n % 2 == 1 {
                    c.del_link_by_name(&format!("ca{}", n - 1)).unwrap();
                }
            }
            Call::Recv(_) => {}
        }
    }
}

#[test]
fn model_dump_racing_link_churn_is_retried_then_reported() {
    let quiet = Hooked {
        inner: ModelBackend::sandboxed(4242),
        hook: Churn {
            budget: 0,
            churned: 0,
            dumps_sent: 0,
        },
    };
    let mut c = Connection::open(quiet, ROUTE).unwrap();
    // 81 links: several dump chunks, so a change can land between two of them.
    let stable = stable(&mut c, 40);

    // Churn during every receive: every attempt is interrupted; after 1 + 2 retries, an error.
    c.backend_mut().hook.budget = usize::MAX;
    c.backend_mut().hook.dumps_sent = 0;
    c.dump_intr_retries = 2;
    assert_eq!(
        c.links(&LinkFilter::default()),
        Err(Error::DumpInterrupted { attempts: 3 })
    );
    assert_eq!(c.backend().hook.dumps_sent, 3);

    // Churn during the first two receives only: the first attempt is interrupted, a retry is
    // clean, and it holds exactly the links that exist once the churn stopped.
    c.backend_mut().hook.budget = 2;
    c.backend_mut().hook.dumps_sent = 0;
    let links = c.links(&LinkFilter::default()).unwrap();
    assert_eq!(
        c.backend().hook.dumps_sent,
        2,
        "one interrupted attempt, one clean"
    );
    check_consistent(&links, &stable);
    let now = c.links(&LinkFilter::default()).unwrap();
    assert_eq!(c.backend().hook.dumps_sent, 3);
    assert_eq!(links, now, "nothing missing, nothing stale");
    assert!(
        links.iter().any(|l| l.name() == Some("cb1")),
        "the churn showed"
    );
}

/// Overflow a subscriber's queue with link notifications and check the overrun is reported,
/// then that the replacement socket still gets notifications and dumps. Returns the message
/// types and names received after the recovery.
fn overrun<B: Backend>(mut sub: Connection<B>) -> Vec<(u16, String)> {
    sub.set_recv_queue(1).unwrap();
    sub.add_membership(RTNLGRP_LINK).unwrap();
    let make = |sub: &mut Connection<B>, from: usize, to: usize| {
        let mut c = Connection::open(&mut *sub.backend_mut(), ROUTE).unwrap();
        for i in from..to {
            c.add_veth(&format!("oa{i}"), &format!("ob{i}")).unwrap();
        }
    };
    make(&mut sub, 0, 10);
    assert_eq!(sub.recv_events(|_| {}), Err(Error::Overrun));

    // The socket was replaced, subscribed again with the same tiny queue: give it room, and
    // the next change is delivered.
    sub.set_recv_queue(1 << 20).unwrap();
    make(&mut sub, 10, 11);
    let mut got = Vec::new();
    while got.len() < 2 {
        sub.recv_events(|m| {
            let name = m
                .attrs(ifinfomsg::LEN)
                .find(IFLA_IFNAME)
                .and_then(|a| a.str())
                .unwrap_or("?");
            got.push((m.msg_type(), name.to_owned()));
        })
        .unwrap();
    }

    // A dump on an overflowed socket is an overrun too, and the next one works.
    sub.set_recv_queue(1).unwrap();
    make(&mut sub, 11, 20);
    assert_eq!(sub.links(&LinkFilter::default()), Err(Error::Overrun));
    let all = sub.links(&LinkFilter::default()).unwrap();
    assert_eq!(all.len(), 41);
    got
}

nltwin::sandbox_test!(
    fn kernel_overrun_is_an_error_and_the_subscription_survives() {
        let got = overrun(Connection::open(KernelBackend::new(), ROUTE).unwrap());
        assert_eq!(got[..2], [(16, "ob10".into()), (16, "oa10".into())]);
    }
);

#[test]
fn model_overrun_is_an_error_and_the_subscription_survives() {
    let got = overrun(Connection::open(ModelBackend::sandboxed(4242), ROUTE).unwrap());
    assert_eq!(got[..2], [(16, "ob10".into()), (16, "oa10".into())]);
}
