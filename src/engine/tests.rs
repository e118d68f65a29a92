//! Engine behaviour against a scripted backend: every reply is a datagram written here, so each
//! rule (DONE errors, DUMP_INTR retries, ENOBUFS, ext-ack) is checked in isolation.

use std::collections::VecDeque;

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
    fn setsockopt(&mut self, _: Fd, _: i32, _: i32, _: &[u8]) -> TResult<()> {
        Ok(())
    }
    fn getsockopt(&mut self, _: Fd, _: i32, _: i32, _: &mut [u8]) -> TResult<usize> {
        Ok(0)
    }
    fn sendto(&mut self, _: Fd, data: &[u8], _: i32, _: Option<SockaddrNl>) -> TResult<usize> {
        let seq = u32::from_ne_bytes(data[8..12].try_into().unwrap());
        self.sent.push(data.to_vec());
        for mut d in self.replies.pop_front().unwrap_or_default() {
            if let Ok(d) = &mut d {
                let mut at = 0;
                while at + 16 <= d.len() {
                    d[at + 8..at + 12].copy_from_slice(&seq.to_ne_bytes());
                    at += (u32::from_ne_bytes(d[at..at + 4].try_into().unwrap()) as usize + 3) & !3;
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
}

fn msg(ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((16 + payload.len()) as u32).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(&PORTID.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize((v.len() + 3) & !3, 0);
    v
}

fn done(errno: i32, tlvs: &[u8]) -> Vec<u8> {
    let mut p = (-errno).to_ne_bytes().to_vec();
    p.extend_from_slice(tlvs);
    msg(
        NLMSG_DONE,
        2 | if tlvs.is_empty() { 0 } else { NLM_F_ACK_TLVS },
        &p,
    )
}

fn tlv(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize((v.len() + 3) & !3, 0);
    v
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
        18,
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
    let mut chunk = msg(16, 2, &[0; 16]);
    chunk.extend(msg(16, 2, &[0; 16]));
    let mut c = conn(vec![vec![
        Ok(chunk),
        Ok(msg(16, 2, &[0; 16])),
        Ok(done(0, &[])),
    ]]);
    assert_eq!(count_dump(&mut c), Ok(3));
}

#[test]
fn errno_in_done_is_an_error_with_its_ext_ack() {
    let m = b"Filter by device index not supported for link dumps\0";
    let mut c = conn(vec![vec![Ok(done(22, &tlv(1, m)))]]);
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
    let intr = || vec![Ok(msg(16, 2 | NLM_F_DUMP_INTR, &[0; 16])), Ok(done(0, &[]))];
    let clean = vec![
        Ok(msg(16, 2, &[0; 16])),
        Ok(msg(16, 2, &[0; 16])),
        Ok(done(0, &[])),
    ];
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
        vec![Ok(msg(16, 2, &[0; 16])), Err(Errno::ENOBUFS)],
        vec![Ok(done(0, &[]))],
    ]);
    assert_eq!(count_dump(&mut c), Err(Error::Overrun));
    // The connection starts over on a fresh socket: the next dump works.
    assert_eq!(count_dump(&mut c), Ok(0));
}

#[test]
fn error_ack_decodes_ext_ack_after_the_echoed_request() {
    // Not capped: the request (header + 16-byte payload + a 24-byte IFNAME) is echoed whole.
    let mut body = (-34i32).to_ne_bytes().to_vec();
    let mut echoed = msg(18, 5, &[0; 40]);
    echoed[0..4].copy_from_slice(&56u32.to_ne_bytes());
    body.extend_from_slice(&echoed);
    body.extend(tlv(1, b"Attribute failed policy validation\0"));
    body.extend(tlv(2, &32u32.to_ne_bytes()));
    body.extend(tlv(
        4 | 0x8000,
        &[tlv(7, &15u32.to_ne_bytes()), tlv(1, &11u32.to_ne_bytes())].concat(),
    ));
    let mut c = conn(vec![vec![Ok(msg(NLMSG_ERROR, NLM_F_ACK_TLVS, &body))]]);
    let e = c.request(18, 0, &[0; 16], |_| Ok(())).unwrap_err();
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
    let mut ack = 0i32.to_ne_bytes().to_vec();
    ack.extend(msg(18, 5, &[]));
    let mut c = conn(vec![vec![
        Ok(msg(16, 0, &[0; 16])),
        Ok(msg(NLMSG_ERROR, 0x100, &ack)),
    ]]);
    let mut seen = 0;
    c.request(18, 0, &[0; 16], |m| {
        assert_eq!(m.msg_type(), 16);
        seen += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, 1);
}

#[test]
fn large_datagram_grows_the_buffer_instead_of_truncating() {
    let big = msg(16, 2, &vec![0; 100_000]);
    let mut c = conn(vec![vec![Ok(big), Ok(done(0, &[]))]]);
    assert_eq!(count_dump(&mut c), Ok(1));
}

#[test]
fn replies_for_other_sequence_numbers_are_ignored() {
    let mut stale = msg(16, 2, &[0; 16]);
    stale[12..16].copy_from_slice(&1u32.to_ne_bytes()); // another portid
    let mut c = conn(vec![vec![
        Ok(stale),
        Ok(msg(16, 2, &[0; 16])),
        Ok(done(0, &[])),
    ]]);
    assert_eq!(count_dump(&mut c), Ok(1));
}
