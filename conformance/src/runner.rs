//! Runs a [`Trace`] over any backend of the socket contract and records one result per
//! operation, in the exchange output format.

use std::collections::HashMap;

use nltwin::transport::{Backend, Errno, Fd, TransportError, Unimplemented};

use crate::pcap::Direction;
use crate::results::{Addr, Header, OpData, OpKind, OpResult, Outcome};
use crate::trace::{Op, Step, Trace};

/// `MSG_DONTWAIT`: added to every send and recv so a trace can never hang.
pub const MSG_DONTWAIT: i32 = nltwin_wire::uapi::socket::MSG_DONTWAIT;

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
    /// Who answered.
    pub header: Header,
    /// One result per operation.
    pub results: Vec<OpResult>,
    /// The datagrams sent and received, in order.
    pub datagrams: Vec<Datagram>,
}

fn ret(ret: usize) -> (usize, OpData) {
    (ret, OpData::None)
}

/// The ids of the generic netlink families the trace's messages name, asked of the backend
/// before the trace runs: a NETLINK_GENERIC socket, one CTRL_CMD_GETFAMILY by name each, then
/// closed (its descriptor is free again and its port id released, so the trace's own sockets
/// are numbered and bound as without it). A family the backend does not know is absent.
pub fn resolve_genl_families(trace: &Trace, backend: &mut dyn Backend) -> HashMap<String, u16> {
    let names: Vec<&str> = trace.steps.iter().flat_map(genl_family_names).collect();
    resolve_genl_family_names(names, backend)
}

/// The generic netlink families a step's messages name.
pub fn genl_family_names(step: &Step) -> impl Iterator<Item = &str> {
    let refs: &[crate::compose::GenlFamilyRef] = match &step.op {
        Op::Send { genl_families, .. } => genl_families,
        _ => &[],
    };
    refs.iter().map(|r| r.name.as_str())
}

/// [`resolve_genl_families`] of these names (in any order, repeated or not).
pub fn resolve_genl_family_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
    backend: &mut dyn Backend,
) -> HashMap<String, u16> {
    use nltwin_wire::builder::NlBuf;
    use nltwin_wire::nla::Attrs;
    use nltwin_wire::nlmsg::Messages;
    use nltwin_wire::uapi::genetlink::{
        CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL,
    };
    use nltwin_wire::uapi::netlink::{NETLINK_GENERIC, NLM_F_REQUEST};
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    let mut ids = HashMap::new();
    if names.is_empty() {
        return ids;
    }
    const SOCK_RAW: i32 = 3;
    let Ok(fd) = backend.socket(NETLINK_GENERIC, SOCK_RAW) else {
        return ids;
    };
    for name in names {
        let mut req = NlBuf::unlimited();
        let at = req
            .nlmsg_put(0, 0, GENL_ID_CTRL, 0, NLM_F_REQUEST)
            .expect("unlimited");
        req.put_data(
            &nltwin_wire::genlmsghdr::Repr {
                cmd: CTRL_CMD_GETFAMILY,
                version: 1,
                reserved: 0,
            }
            .to_bytes(),
        )
        .expect("unlimited");
        req.nla_put_string(CTRL_ATTR_FAMILY_NAME, name.as_bytes())
            .expect("unlimited");
        req.nlmsg_end(at);
        if backend
            .sendto(fd, req.as_slice(), MSG_DONTWAIT, None)
            .is_err()
        {
            continue;
        }
        let mut buf = vec![0u8; 16384];
        let Ok(meta) = backend.recvfrom(fd, &mut buf, MSG_DONTWAIT) else {
            continue;
        };
        buf.truncate(meta.ret.min(buf.len()));
        let id = Messages::new(&buf)
            .filter(|m| m.msg_type() == GENL_ID_CTRL)
            .find_map(|m| {
                let attrs = m.payload().get(nltwin_wire::genlmsghdr::LEN..)?;
                Attrs::new(attrs)
                    .find(CTRL_ATTR_FAMILY_ID)
                    .and_then(|a| nltwin_wire::scalar::get_u16(a.payload()))
            });
        if let Some(id) = id {
            ids.insert(name.to_owned(), id);
        }
    }
    let _ = backend.close(fd);
    ids
}

/// `data` with each named family's id written in place; a family the backend does not have
/// is reported rather than sent as type 0.
fn with_family_ids(
    data: &[u8],
    refs: &[crate::compose::GenlFamilyRef],
    ids: &HashMap<String, u16>,
) -> Result<Vec<u8>, TransportError> {
    let mut out = data.to_vec();
    for r in refs {
        let Some(id) = ids.get(&r.name) else {
            return Err(TransportError::Unimplemented(Unimplemented::new(format!(
                "generic netlink family \"{}\" is not registered here, so this message has no \
                 type to go to (a scenario that needs it says so in its requires line)",
                r.name
            ))));
        };
        if let Some(field) = out.get_mut(r.offset..r.offset + 2) {
            field.copy_from_slice(&id.to_ne_bytes());
        }
    }
    Ok(out)
}

/// Run `trace` on `backend`.
pub fn run(trace: &Trace, backend: &mut dyn Backend) -> Run {
    let header = Header::from(backend.info());
    let mut session = Session::new(resolve_genl_families(trace, backend));
    let mut results = Vec::with_capacity(trace.steps.len());
    let mut datagrams = Vec::new();
    for step in &trace.steps {
        results.push(session.step(step, backend, &mut datagrams));
    }
    session.finish(backend);
    Run {
        header,
        results,
        datagrams,
    }
}

/// The state of a trace's run between its operations: the sockets by name and the family ids.
/// [`run`] drives one over a whole trace; `nltwin exchange` drives one as it reads, so a trace
/// of any length runs without being held.
#[derive(Debug, Default)]
pub struct Session {
    /// Open sockets by name, with their protocol.
    fds: HashMap<String, (Fd, u16)>,
    /// Sockets whose creation the model does not implement: later operations on them say so
    /// rather than report a made-up EBADF.
    unimplemented: HashMap<String, Unimplemented>,
    /// The generic netlink family ids ([`resolve_genl_families`]).
    family_ids: HashMap<String, u16>,
    /// How many operations ran.
    index: usize,
}

impl Session {
    /// A run about to start, with the family ids resolved on its backend.
    pub fn new(family_ids: HashMap<String, u16>) -> Self {
        Session {
            family_ids,
            ..Session::default()
        }
    }

    /// Run one operation; the datagrams it moved are appended to `datagrams`.
    pub fn step(
        &mut self,
        step: &Step,
        backend: &mut dyn Backend,
        datagrams: &mut Vec<Datagram>,
    ) -> OpResult {
        let i = self.index;
        self.index += 1;
        let (fds, unimplemented, family_ids) =
            (&mut self.fds, &mut self.unimplemented, &self.family_ids);
        // A socket whose creation failed behaves like fd -1: EBADF.
        let fd = fds.get(step.sock.as_str()).copied();
        let missing = unimplemented.get(step.sock.as_str()).cloned();
        let need = || {
            fd.map(|(f, _)| f).ok_or_else(|| match &missing {
                Some(what) => TransportError::Unimplemented(Unimplemented::new(format!(
                    "socket \"{}\" was not created: {}",
                    step.sock,
                    what.what()
                ))),
                None => TransportError::Errno(Errno::EBADF),
            })
        };
        let r: Result<(usize, OpData), TransportError> = match &step.op {
            Op::Socket { protocol, ty } => {
                let r = backend.socket(*protocol, *ty);
                match &r {
                    Ok(f) => {
                        fds.insert(step.sock.clone(), (*f, *protocol as u16));
                        unimplemented.remove(step.sock.as_str());
                    }
                    Err(TransportError::Unimplemented(w)) => {
                        unimplemented.insert(step.sock.clone(), w.clone());
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
                Ok((
                    0,
                    OpData::Address(Addr {
                        pid: a.pid,
                        groups: a.groups,
                    }),
                ))
            }),
            Op::SetSockOpt { level, name, value } => need()
                .and_then(|f| backend.setsockopt(f, *level, *name, value))
                .map(|()| ret(0)),
            Op::GetSockOpt { level, name, len } => need().and_then(|f| {
                let mut buf = vec![0u8; *len];
                let optlen = backend.getsockopt(f, *level, *name, &mut buf)?;
                buf.truncate(optlen.min(*len));
                Ok((
                    0,
                    OpData::SockOpt {
                        bytes: buf,
                        len: optlen,
                    },
                ))
            }),
            Op::Send {
                data,
                to,
                flags,
                genl_families,
            } => need().and_then(|f| {
                let data = &with_family_ids(data, genl_families, family_ids)?;
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
                buf.truncate(meta.copied(*len));
                // A result keeps what was copied, not the whole buffer asked for (a 64 KiB
                // receive that got an ack would otherwise hold 64 KiB per result).
                buf.shrink_to_fit();
                let protocol = fd.map(|(_, p)| p).unwrap_or(0);
                datagrams.push(Datagram {
                    op: i,
                    dir: Direction::Received,
                    protocol,
                    bytes: buf.clone(),
                });
                Ok((
                    meta.ret,
                    OpData::Recv {
                        bytes: buf,
                        msg_flags: meta.msg_flags,
                        from: Addr {
                            pid: meta.from.pid,
                            groups: meta.from.groups,
                        },
                    },
                ))
            }),
            Op::Sleep { ms } => backend
                .sleep(std::time::Duration::from_millis(*ms))
                .map(|()| ret(0)),
            Op::Close => need().and_then(|f| {
                fds.remove(step.sock.as_str());
                unimplemented.remove(step.sock.as_str());
                backend.close(f).map(|()| ret(0))
            }),
        };
        let outcome = match r {
            Ok((ret, data)) => Outcome::Ok { ret, data },
            Err(TransportError::Errno(e)) => Outcome::Errno(e),
            Err(TransportError::Unimplemented(what)) => Outcome::Unimplemented(what),
        };
        OpResult {
            op: OpKind::of(&step.op),
            sock: step.sock.clone(),
            outcome,
        }
    }

    /// Close the sockets left open so the backend can be reused; their results are not part
    /// of the trace.
    pub fn finish(self, backend: &mut dyn Backend) {
        for (_, (f, _)) in self.fds {
            let _ = backend.close(f);
        }
    }
}
