//! The harness finds what is wrong and says where: a model answer altered on purpose is
//! reported at the operation and the attribute that were altered, and a wrong portid outside
//! the rover range is not normalized away.

use std::path::Path;

use nltwin_conformance::diff::{diff_text_with, render, Verdict};
use nltwin_wire::builder::NlBuf;
use nltwin_wire::catalogue::decode;
use nltwin_wire::nlmsg;
use nltwin_wire::uapi::if_link::IFLA_MTU;
use nltwin_wire::uapi::netlink::NETLINK_ROUTE;

const LO_DOIT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/getlink_doit_index1_ack.jsonl"
);

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nltwin"))
}

/// Apply `f` to the received bytes of operation `op` (0-based) of the model's run.
fn tamper(op: usize, f: impl Fn(&mut Vec<u8>)) -> impl Fn(&mut nltwin_conformance::runner::Run) {
    move |run| {
        let bytes = run.results[op].recv_bytes_mut().expect("a recv with bytes");
        f(bytes);
    }
}

#[test]
fn an_altered_mtu_is_reported_at_its_operation_and_attribute() {
    let text = std::fs::read_to_string(LO_DOIT).unwrap();
    // Operation 3 is the doit's reply: lo's RTM_NEWLINK. Find IFLA_MTU (type 4) and change it.
    let r = diff_text_with(
        exe(),
        Path::new(LO_DOIT),
        &text,
        &tamper(2, |b| {
            let at = decode(NETLINK_ROUTE, b)
                .attr(IFLA_MTU)
                .expect("no IFLA_MTU in lo's message")
                .offset;
            let mut mtu = NlBuf::unlimited();
            mtu.nla_put_u32(IFLA_MTU, 1400).unwrap();
            b[at..at + mtu.len()].copy_from_slice(mtu.as_slice());
        }),
    )
    .unwrap();
    let Verdict::Differ(d) = &r.verdict else {
        panic!("the tampered answer passed: {}", render(&r));
    };
    assert_eq!(d.len(), 1, "{}", render(&r));
    assert_eq!(d[0].index, 2);
    let text = render(&r);
    assert!(
        text.contains("msg 1 RTM_NEWLINK: IFLA_MTU (offset ")
            && text.contains("kernel 65536, model 1400"),
        "{text}"
    );
}

#[test]
fn a_wrong_portid_outside_the_rover_range_still_differs() {
    let text = std::fs::read_to_string(LO_DOIT).unwrap();
    let r = diff_text_with(
        exe(),
        Path::new(LO_DOIT),
        &text,
        // nlmsg_pid of the reply: 4097 is neither the tgid nor in [-2^31, -4097].
        &tamper(2, |b| {
            nlmsg::Packet::new_unchecked(&mut b[..]).set_pid(4097)
        }),
    )
    .unwrap();
    let Verdict::Differ(d) = &r.verdict else {
        panic!("a wrong portid was normalized away");
    };
    assert!(
        render(&r).contains("pid: kernel \"tgid\", model 4097"),
        "{}",
        render(&r)
    );
    assert_eq!(d[0].index, 2);
}
