//! Engine behaviour against a scripted backend: every reply is a datagram written here, so each
//! rule (DONE errors, DUMP_INTR retries, ENOBUFS, ext-ack) is checked in isolation.

use std::collections::VecDeque;

use nltwin_wire::builder::{datagram, MessageBuilder};
use nltwin_wire::nlmsg;
use nltwin_wire::nlmsgerr::error_code_bytes;
use nltwin_wire::uapi::netlink::nl_attr_type::NL_ATTR_TYPE_STRING;
use nltwin_wire::uapi::netlink::nl_policy_type_attr::{MAX_LENGTH, TYPE};
use nltwin_wire::uapi::netlink::{
    NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY, NLM_F_CAPPED, NLM_F_MULTI,
};
use nltwin_wire::uapi::rtnetlink::{RTM_GETLINK, RTM_NEWLINK};

use super::*;
use crate::transport::{BackendInfo, RecvMeta, SockaddrNl, TResult};

const PORTID: u32 = 777;

/// A backend that answers each send with the next scripted list of datagrams.
#[derive(Default)]
struct Scripted {
    /// One entry per send: the datagrams that send makes the kernel queue (`{seq}` is patched).
    replies: VecDeque<Vec<Result<Vec<u8>, Errno>>>,
    queue: VecDeque<Result<Vec<u8>, Errno>>,
    sent: Vec<Vec<u8>>,
    /// Every socket option set: (level, name, value).
    opts: Vec<(i32, i32, Vec<u8>)>,
}

impl Backend for Scripted {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            backend: "scripted",
            kernel: String::new(),
            tgid: PORTID,
        }
    }
    fn socket(&mut self, _: i32, _: i32) -> TResult<Fd> {
        Ok(Fd(3))
    }
    fn bind(&mut self, _: Fd, _: BindAddr) -> TResult<()> {
        Ok(())
    }
    fn connect(&mut self, _: Fd, _: BindAddr) -> TResult<()> {
        Ok(())
    }
    fn getsockname(&mut self, _: Fd) -> TResult<SockaddrNl> {
        Ok(SockaddrNl::new(PORTID, 0))
    }
    fn getpeername(&mut self, _: Fd) -> TResult<SockaddrNl> {
        Ok(SockaddrNl::new(0, 0))
    }
    fn setsockopt(&mut self, _: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
        self.opts.push((level, name, value.to_vec()));
        Ok(())
    }
    fn getsockopt(&mut self, _: Fd, _: i32, _: i32, _: &mut [u8]) -> TResult<usize> {
        Ok(0)
    }
    fn sendto(&mut self, _: Fd, data: &[u8], _: i32, _: Option<SockaddrNl>) -> TResult<usize> {
        let seq = nlmsg::Packet::new_checked(data).unwrap().seq();
        self.sent.push(data.to_vec());
        for mut d in self.replies.pop_front().unwrap_or_default() {
            if let Ok(d) = &mut d {
                let starts: Vec<usize> = nlmsg::Lenient::new(d).map(|m| m.offset).collect();
                for at in starts {
                    nlmsg::Packet::new_unchecked(&mut d[at..]).set_seq(seq);
                }
            }
            self.queue.push_back(d);
        }
        Ok(data.len())
    }
    fn recvfrom(&mut self, _: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
        let from = SockaddrNl::new(0, 0);
        let d = match self.queue.front() {
            None => return Err(TransportError::Errno(Errno::EAGAIN)),
            Some(Err(e)) => {
                let e = *e;
                self.queue.pop_front();
                return Err(TransportError::Errno(e));
            }
            Some(Ok(d)) => d.clone(),
        };
        let n = d.len().min(buf.len());
        buf[..n].copy_from_slice(&d[..n]);
        if flags & MSG_PEEK == 0 {
            self.queue.pop_front();
        }
        let ret = if flags & MSG_TRUNC != 0 { d.len() } else { n };
        Ok(RecvMeta {
            ret,
            msg_flags: if d.len() > buf.len() { MSG_TRUNC } else { 0 },
            from,
        })
    }
    fn close(&mut self, _: Fd) -> TResult<()> {
        Ok(())
    }
    fn sleep(&mut self, _: std::time::Duration) -> TResult<()> {
        Ok(())
    }
}

/// A message to this socket (the sequence number is patched when it is queued).
fn to_us(ty: u16, flags: u16) -> MessageBuilder {
    MessageBuilder::new(ty, flags, 0, PORTID)
}

fn msg(ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
    to_us(ty, flags).payload(payload).build()
}

/// An RTM_NEWLINK of a dump (an empty ifinfomsg), with these extra flags.
fn link(flags: u16) -> Vec<u8> {
    msg(RTM_NEWLINK, NLM_F_MULTI | flags, &[0; 16])
}

/// NLMSG_DONE with `-errno` and, if given, an extended ack message.
fn done(errno: i32, ext_msg: Option<&str>) -> Vec<u8> {
    let tlvs = if ext_msg.is_some() { NLM_F_ACK_TLVS } else { 0 };
    let b = to_us(NLMSG_DONE, NLM_F_MULTI | tlvs).payload(&error_code_bytes(-errno));
    match ext_msg {
        Some(m) => b.str(NLMSGERR_ATTR_MSG, m).build(),
        None => b.build(),
    }
}

fn conn(replies: Vec<Vec<Result<Vec<u8>, Errno>>>) -> Connection<Scripted> {
    let b = Scripted {
        replies: replies.into(),
        ..Default::default()
    };
    Connection::open(b, 0).unwrap()
}

fn count_dump(c: &mut Connection<Scripted>) -> Result<usize, Error> {
    c.dump_with(
        RTM_GETLINK,
        &[0; 16],
        || 0,
        |n, _| {
            *n += 1;
            Ok(())
        },
    )
}

#[test]
fn dump_collects_messages_across_datagrams() {
    let chunk = datagram([link(0), link(0)]);
    let mut c = conn(vec![vec![Ok(chunk), Ok(link(0)), Ok(done(0, None))]]);
    assert_eq!(count_dump(&mut c), Ok(3));
}

#[test]
fn errno_in_done_is_an_error_with_its_ext_ack() {
    let m = "Filter by device index not supported for link dumps";
    let mut c = conn(vec![vec![Ok(done(22, Some(m)))]]);
    let e = count_dump(&mut c).unwrap_err();
    let Error::Kernel {
        errno,
        ext_ack,
        in_done,
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!((errno, in_done), (Errno::EINVAL, true));
    assert_eq!(
        ext_ack.msg.as_deref(),
        Some("Filter by device index not supported for link dumps")
    );
}

#[test]
fn dump_intr_is_retried_then_reported() {
    let intr = || vec![Ok(link(NLM_F_DUMP_INTR)), Ok(done(0, None))];
    let clean = vec![Ok(link(0)), Ok(link(0)), Ok(done(0, None))];
    let mut c = conn(vec![intr(), intr(), clean]);
    assert_eq!(
        count_dump(&mut c),
        Ok(2),
        "the clean third attempt counts, alone"
    );
    assert_eq!(c.backend().sent.len(), 3);

    let mut c = conn((0..10).map(|_| intr()).collect());
    c.dump_intr_retries = 2;
    assert_eq!(
        count_dump(&mut c),
        Err(Error::DumpInterrupted { attempts: 3 })
    );
}

#[test]
fn enobufs_is_an_overrun_not_silence() {
    let mut c = conn(vec![
        vec![Ok(link(0)), Err(Errno::ENOBUFS)],
        vec![Ok(done(0, None))],
    ]);
    assert_eq!(count_dump(&mut c), Err(Error::Overrun));
    // The connection starts over on a fresh socket: the next dump works.
    assert_eq!(count_dump(&mut c), Ok(0));
}

#[test]
fn error_ack_decodes_ext_ack_after_the_echoed_request() {
    // Not capped: the request (header + 16-byte payload + a 24-byte IFNAME) is echoed whole.
    let echoed = msg(RTM_GETLINK, 5, &[0; 40]);
    assert_eq!(echoed.len(), 56);
    let error = to_us(NLMSG_ERROR, NLM_F_ACK_TLVS)
        .payload(&error_code_bytes(-34))
        .payload(&echoed)
        .str(NLMSGERR_ATTR_MSG, "Attribute failed policy validation")
        .u32(NLMSGERR_ATTR_OFFS, 32)
        .nest_flagged(NLMSGERR_ATTR_POLICY, |p| {
            p.u32(MAX_LENGTH, 15).u32(TYPE, NL_ATTR_TYPE_STRING)
        })
        .build();
    let mut c = conn(vec![vec![Ok(error)]]);
    let e = c.request(RTM_GETLINK, 0, &[0; 16], |_| Ok(())).unwrap_err();
    let Error::Kernel {
        errno,
        ext_ack,
        in_done,
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!((errno, in_done), (Errno::ERANGE, false));
    assert_eq!(
        ext_ack.msg.as_deref(),
        Some("Attribute failed policy validation")
    );
    assert_eq!(ext_ack.offset, Some(32));
    assert_eq!(ext_ack.policy.as_ref().map(Vec::len), Some(16));
}

#[test]
fn request_returns_replies_then_success_ack() {
    let ack = to_us(NLMSG_ERROR, NLM_F_CAPPED)
        .payload(&error_code_bytes(0))
        .payload(&msg(RTM_GETLINK, 5, &[]))
        .build();
    let mut c = conn(vec![vec![Ok(msg(RTM_NEWLINK, 0, &[0; 16])), Ok(ack)]]);
    let mut seen = 0;
    c.request(RTM_GETLINK, 0, &[0; 16], |m| {
        assert_eq!(m.msg_type(), 16);
        seen += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, 1);
}

#[test]
fn large_datagram_grows_the_buffer_instead_of_truncating() {
    let big = msg(RTM_NEWLINK, NLM_F_MULTI, &vec![0; 100_000]);
    let mut c = conn(vec![vec![Ok(big), Ok(done(0, None))]]);
    assert_eq!(count_dump(&mut c), Ok(1));
}

#[test]
fn replies_for_other_sequence_numbers_are_ignored() {
    let stale = MessageBuilder::new(RTM_NEWLINK, NLM_F_MULTI, 0, 1) // another portid
        .payload(&[0; 16])
        .build();
    let mut c = conn(vec![vec![Ok(stale), Ok(link(0)), Ok(done(0, None))]]);
    assert_eq!(count_dump(&mut c), Ok(1));
}

/// What a [`Connection::dump_kept`] reader keeps: every message's offset, and the datagrams.
#[derive(Default)]
struct Kept {
    offsets: Vec<usize>,
    datagrams: Vec<Datagram>,
}

fn kept_dump(c: &mut Connection<Scripted>) -> Result<Kept, Error> {
    c.dump_kept(
        RTM_GETLINK,
        &[0; 16],
        Kept::default,
        |k, m, at| {
            assert_eq!(m.msg_type(), RTM_NEWLINK);
            k.offsets.push(at);
            Ok(())
        },
        |k, d| {
            k.datagrams.push(d);
            Ok(())
        },
    )
}

#[test]
fn a_kept_dump_hands_over_each_datagram_with_its_messages_offsets() {
    let two = datagram([link(0), link(0)]);
    let big = msg(RTM_NEWLINK, NLM_F_MULTI, &vec![0; 100_000]);
    let mut c = conn(vec![vec![
        Ok(two.clone()),
        Ok(big.clone()),
        Ok(done(0, None)),
    ]]);
    let k = kept_dump(&mut c).unwrap();
    assert_eq!(k.offsets, [0, link(0).len(), 0]);
    // Whole datagrams (the backend patched their sequence numbers), the big one not cut.
    let lens: Vec<usize> = k.datagrams.iter().map(|d| d.len()).collect();
    assert_eq!(lens, [two.len(), big.len(), done(0, None).len()]);
    let first = nlmsg::Packet::new_checked(k.datagrams[0].bytes()).unwrap();
    assert_eq!(first.msg_type(), RTM_NEWLINK);
}

#[test]
fn a_kept_dump_keeps_the_engines_rules() {
    // DUMP_INTR: the interrupted attempt's state is dropped, the clean one returned.
    let intr = vec![Ok(link(NLM_F_DUMP_INTR)), Ok(done(0, None))];
    let clean = vec![Ok(link(0)), Ok(link(0)), Ok(done(0, None))];
    let mut c = conn(vec![intr, clean]);
    assert_eq!(kept_dump(&mut c).unwrap().offsets.len(), 2);
    // An errno in DONE, an overrun, and an error from `keep` end the dump.
    let mut c = conn(vec![vec![Ok(done(22, None))]]);
    assert!(matches!(kept_dump(&mut c), Err(Error::Kernel { .. })));
    let mut c = conn(vec![
        vec![Ok(link(0)), Err(Errno::ENOBUFS)],
        vec![Ok(done(0, None))],
    ]);
    assert_eq!(kept_dump(&mut c).err(), Some(Error::Overrun));
    assert_eq!(kept_dump(&mut c).unwrap().offsets.len(), 0);
    let mut c = conn(vec![vec![Ok(link(0)), Ok(done(0, None))]]);
    let refused = c.dump_kept(
        RTM_GETLINK,
        &[0; 16],
        || (),
        |_, _, _| Ok(()),
        |_, _| Err(Error::Malformed("no".into())),
    );
    assert_eq!(refused, Err(Error::Malformed("no".into())));
}

#[test]
fn dropped_datagrams_are_received_into_again() {
    let dump = || vec![Ok(link(0)), Ok(link(0)), Ok(done(0, None))];
    let mut c = conn(vec![dump(), dump(), dump()]);
    let first = kept_dump(&mut c).unwrap();
    let bufs: Vec<*const u8> = first.datagrams.iter().map(|d| d.as_ptr()).collect();
    let held = first.datagrams[0].clone();
    drop(first);
    // Two of the three buffers came back; the one still held is not received into.
    let second = kept_dump(&mut c).unwrap();
    let again: Vec<*const u8> = second.datagrams.iter().map(|d| d.as_ptr()).collect();
    assert!(!again.contains(&held.as_ptr()));
    assert_eq!(again.iter().filter(|p| bufs.contains(p)).count(), 2);
    assert_eq!(held.len(), link(0).len(), "and it still holds its datagram");
    // With nothing kept, nothing is reused.
    c.set_kept_buffers_limit(0);
    assert_eq!(c.kept_buffers_limit(), 0);
    drop(second);
    assert_eq!(c.pool.take(1), [0], "the pool is empty: a new buffer");
    assert_eq!(kept_dump(&mut c).unwrap().offsets.len(), 2);
}

#[test]
fn the_receive_queue_is_the_kernels_until_a_group_is_joined() {
    let rcvbuf = |c: &Connection<Scripted>| -> Vec<Vec<u8>> {
        c.backend()
            .opts
            .iter()
            .filter(|o| (o.0, o.1) == (SOL_SOCKET, SO_RCVBUF))
            .map(|o| o.2.clone())
            .collect()
    };
    let mut c = conn(vec![]);
    assert!(rcvbuf(&c).is_empty(), "a request socket keeps the default");
    c.add_membership(1).unwrap();
    c.add_membership(2).unwrap();
    assert_eq!(
        rcvbuf(&c),
        [int_opt(RCVBUF).to_vec()],
        "asked once, on joining"
    );
    let mut c = conn(vec![]);
    c.set_recv_queue(4096).unwrap();
    c.add_membership(1).unwrap();
    assert_eq!(
        rcvbuf(&c),
        [int_opt(4096).to_vec()],
        "a chosen size is kept"
    );
}
