//! Runs a [`Trace`] over any backend of the socket contract and records one result per
//! operation, in the exchange output format.

use std::collections::HashMap;

use nltwin::transport::{Backend, Fd, TransportError};
use serde_json::{json, Map, Value};

use crate::pcap::Direction;
use crate::trace::{Op, Trace};

/// `MSG_DONTWAIT`: added to every send and recv so a trace can never hang.
pub const MSG_DONTWAIT: i32 = 0x40;

/// A datagram that crossed a user socket during a run (for pcap export).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// Index of the operation that moved it.
    pub op: usize,
    /// Sent or received.
    pub dir: Direction,
    /// The socket's netlink protocol.
    pub protocol: u16,
    /// The bytes (as sent, or as copied out by recv).
    pub bytes: Vec<u8>,
}

/// The record of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The header line.
    pub header: Value,
    /// One result line per operation.
    pub results: Vec<Value>,
    /// The datagrams sent and received, in order.
    pub datagrams: Vec<Datagram>,
}

fn outcome(rec: &mut Map<String, Value>, r: Result<Map<String, Value>, TransportError>) {
    match r {
        Ok(extra) => rec.extend(extra),
        Err(TransportError::Errno(e)) => {
            let name = e
                .name()
                .map(str::to_owned)
                .unwrap_or_else(|| e.0.to_string());
            rec.insert("errno".into(), Value::String(name));
        }
        Err(TransportError::Unimplemented(what)) => {
            rec.insert(
                "unimplemented".into(),
                Value::String(what.what().to_owned()),
            );
        }
    }
}

fn ret(v: usize) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ret".into(), json!(v));
    m
}

/// Run `trace` on `backend`.
pub fn run(trace: &Trace, backend: &mut dyn Backend) -> Run {
    let info = backend.info();
    let header = json!({"backend": info.backend, "kernel": info.kernel, "tgid": info.tgid});
    let mut fds: HashMap<&str, (Fd, u16)> = HashMap::new();
    // Sockets whose creation the model could not model: later operations on them say so
    // rather than report a made-up EBADF.
    let mut unmodeled: HashMap<&str, nltwin::transport::Unimplemented> = HashMap::new();
    let mut results = Vec::with_capacity(trace.steps.len());
    let mut datagrams = Vec::new();
    for (i, step) in trace.steps.iter().enumerate() {
        let mut rec = Map::new();
        rec.insert("op".into(), Value::String(step.op.name().into()));
        rec.insert("sock".into(), Value::String(step.sock.clone()));
        // A socket whose creation failed behaves like fd -1: EBADF.
        let fd = fds.get(step.sock.as_str()).copied();
        let missing = unmodeled.get(step.sock.as_str()).cloned();
        let need = || {
            fd.map(|(f, _)| f).ok_or_else(|| match &missing {
                Some(what) => TransportError::Unimplemented(nltwin::transport::Unimplemented::new(
                    format!("socket \"{}\" was not created: {}", step.sock, what.what()),
                )),
                None => TransportError::Errno(nltwin::transport::Errno::EBADF),
            })
        };
        let r: Result<Map<String, Value>, TransportError> = match &step.op {
            Op::Socket { protocol, ty } => {
                let r = backend.socket(*protocol, *ty);
                match &r {
                    Ok(f) => {
                        fds.insert(step.sock.as_str(), (*f, *protocol as u16));
                        unmodeled.remove(step.sock.as_str());
                    }
                    Err(TransportError::Unimplemented(w)) => {
                        unmodeled.insert(step.sock.as_str(), w.clone());
                    }
                    Err(_) => {}
                }
                r.map(|f| ret(f.0 as usize))
            }
            Op::Bind(a) => need().and_then(|f| backend.bind(f, *a)).map(|()| ret(0)),
            Op::Connect(a) => need().and_then(|f| backend.connect(f, *a)).map(|()| ret(0)),
            Op::GetSockName | Op::GetPeerName => need().and_then(|f| {
                let a = if step.op == Op::GetSockName {
                    backend.getsockname(f)
                } else {
                    backend.getpeername(f)
                }?;
                let mut m = ret(0);
                m.insert("pid".into(), json!(a.pid));
                m.insert("groups".into(), json!(a.groups));
                Ok(m)
            }),
            Op::SetSockOpt { level, name, value } => need()
                .and_then(|f| backend.setsockopt(f, *level, *name, value))
                .map(|()| ret(0)),
            Op::GetSockOpt { level, name, len } => need().and_then(|f| {
                let mut buf = vec![0u8; *len];
                let optlen = backend.getsockopt(f, *level, *name, &mut buf)?;
                let mut m = ret(0);
                m.insert(
                    "hex".into(),
                    Value::String(hex::encode(&buf[..optlen.min(*len)])),
                );
                m.insert("len".into(), json!(optlen));
                Ok(m)
            }),
            Op::Send { data, to, flags } => need().and_then(|f| {
                let n = backend.sendto(f, data, flags | MSG_DONTWAIT, *to)?;
                let protocol = fd.map(|(_, p)| p).unwrap_or(0);
                datagrams.push(Datagram {
                    op: i,
                    dir: Direction::Sent,
                    protocol,
                    bytes: data.clone(),
                });
                Ok(ret(n))
            }),
            Op::Recv { len, flags } => need().and_then(|f| {
                let mut buf = vec![0u8; *len];
                let meta = backend.recvfrom(f, &mut buf, flags | MSG_DONTWAIT)?;
                let got = &buf[..meta.copied(*len)];
                let protocol = fd.map(|(_, p)| p).unwrap_or(0);
                datagrams.push(Datagram {
                    op: i,
                    dir: Direction::Received,
                    protocol,
                    bytes: got.to_vec(),
                });
                let mut m = ret(meta.ret);
                m.insert("hex".into(), Value::String(hex::encode(got)));
                m.insert("msg_flags".into(), json!(meta.msg_flags));
                m.insert(
                    "from".into(),
                    json!({"pid": meta.from.pid, "groups": meta.from.groups}),
                );
                Ok(m)
            }),
            Op::Close => need().and_then(|f| {
                fds.remove(step.sock.as_str());
                unmodeled.remove(step.sock.as_str());
                backend.close(f).map(|()| ret(0))
            }),
        };
        outcome(&mut rec, r);
        results.push(Value::Object(rec));
    }
    // Sockets left open are closed so a backend can be reused; their results are not part of
    // the trace.
    for (_, (f, _)) in fds {
        let _ = backend.close(f);
    }
    Run {
        header,
        results,
        datagrams,
    }
}
