//! What a run gives, as Rust types: one [`OpResult`] per operation (a return value with the
//! operation's data, an errno, or what the model does not implement) and the run's
//! [`Header`]. The runner builds them from backend calls; they become the exchange output's
//! JSON only when printed ([`OpResult::to_json`]), and are read back from JSON only where JSON
//! comes in: the sandboxed kernel child's output ([`OpResult::from_json`]).
//!
//! The normalized results of [`crate::normalize`] are the same shape with other data
//! ([`OpResult<NormData>`](crate::normalize::NormResult)).

use nltwin::transport::{BackendInfo, Errno, Unimplemented};
use serde_json::{json, Map, Value};

use crate::trace::Op;

/// Which operation a result answers (the `op` of the exchange format).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `socket`.
    Socket,
    /// `bind`.
    Bind,
    /// `connect`.
    Connect,
    /// `getsockname`.
    GetSockName,
    /// `getpeername`.
    GetPeerName,
    /// `setsockopt`.
    SetSockOpt,
    /// `getsockopt`.
    GetSockOpt,
    /// `send`.
    Send,
    /// `recv`.
    Recv,
    /// `close`.
    Close,
    /// `sleep` (no socket).
    Sleep,
}

const KINDS: [(OpKind, &str); 11] = [
    (OpKind::Socket, "socket"),
    (OpKind::Bind, "bind"),
    (OpKind::Connect, "connect"),
    (OpKind::GetSockName, "getsockname"),
    (OpKind::GetPeerName, "getpeername"),
    (OpKind::SetSockOpt, "setsockopt"),
    (OpKind::GetSockOpt, "getsockopt"),
    (OpKind::Send, "send"),
    (OpKind::Recv, "recv"),
    (OpKind::Close, "close"),
    (OpKind::Sleep, "sleep"),
];

impl OpKind {
    /// Its name in the format.
    pub fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }

    /// The kind a name in the format stands for.
    pub fn from_name(name: &str) -> Option<OpKind> {
        KINDS.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }

    /// The kind of a trace operation.
    pub fn of(op: &Op) -> OpKind {
        match op {
            Op::Socket { .. } => OpKind::Socket,
            Op::Bind(_) => OpKind::Bind,
            Op::Connect(_) => OpKind::Connect,
            Op::GetSockName => OpKind::GetSockName,
            Op::GetPeerName => OpKind::GetPeerName,
            Op::SetSockOpt { .. } => OpKind::SetSockOpt,
            Op::GetSockOpt { .. } => OpKind::GetSockOpt,
            Op::Send { .. } => OpKind::Send,
            Op::Recv { .. } => OpKind::Recv,
            Op::Close => OpKind::Close,
            Op::Sleep { .. } => OpKind::Sleep,
        }
    }
}

/// A socket address as results report it: `{"pid","groups"}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Addr {
    /// `nl_pid`.
    pub pid: u32,
    /// `nl_groups`.
    pub groups: u32,
}

/// What a successful operation returns besides its return value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OpData {
    /// Nothing (socket, bind, connect, setsockopt, send, close).
    #[default]
    None,
    /// getsockname / getpeername: the address.
    Address(Addr),
    /// getsockopt: the option bytes copied and the optlen written back.
    SockOpt {
        /// The bytes copied into the caller's buffer.
        bytes: Vec<u8>,
        /// The optlen written back.
        len: usize,
    },
    /// recv: the bytes copied, `msg_flags` and the sender.
    Recv {
        /// The bytes copied into the caller's buffer.
        bytes: Vec<u8>,
        /// `msg_flags`.
        msg_flags: i32,
        /// The sender's address.
        from: Addr,
    },
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<D> {
    /// It returned `ret`, with its data.
    Ok {
        /// The system call's return value.
        ret: usize,
        /// The operation's data.
        data: D,
    },
    /// It failed with an errno.
    Errno(Errno),
    /// The model does not implement the path it took.
    Unimplemented(Unimplemented),
}

/// The result of one operation: which, on which socket, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpResult<D = OpData> {
    /// The operation.
    pub op: OpKind,
    /// The socket's name in the trace.
    pub sock: String,
    /// How it ended.
    pub outcome: Outcome<D>,
}

/// Data that knows its fields in the exchange format, in order.
pub trait DataFields {
    /// Append this data's fields to a result's JSON object.
    fn write_fields(&self, out: &mut Map<String, Value>);
}

fn addr_json(a: &Addr) -> Value {
    json!({"pid": a.pid, "groups": a.groups})
}

impl DataFields for OpData {
    fn write_fields(&self, out: &mut Map<String, Value>) {
        match self {
            OpData::None => {}
            OpData::Address(a) => {
                out.insert("pid".into(), json!(a.pid));
                out.insert("groups".into(), json!(a.groups));
            }
            OpData::SockOpt { bytes, len } => {
                out.insert("hex".into(), Value::String(hex::encode(bytes)));
                out.insert("len".into(), json!(len));
            }
            OpData::Recv {
                bytes,
                msg_flags,
                from,
            } => {
                out.insert("hex".into(), Value::String(hex::encode(bytes)));
                out.insert("msg_flags".into(), json!(msg_flags));
                out.insert("from".into(), addr_json(from));
            }
        }
    }
}

/// An errno's name in the format (`"EINVAL"`), or its number for one Linux does not name.
pub fn errno_name(e: Errno) -> String {
    e.name()
        .map(str::to_owned)
        .unwrap_or_else(|| e.0.to_string())
}

impl<D> OpResult<D> {
    /// The successful outcome's data.
    pub fn data(&self) -> Option<&D> {
        match &self.outcome {
            Outcome::Ok { data, .. } => Some(data),
            _ => None,
        }
    }

    /// What the model does not implement, if that is the answer.
    pub fn unimplemented(&self) -> Option<&Unimplemented> {
        match &self.outcome {
            Outcome::Unimplemented(u) => Some(u),
            _ => None,
        }
    }
}

impl<D: DataFields> OpResult<D> {
    /// The result as a line of the exchange output.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("op".into(), Value::String(self.op.name().into()));
        if self.op != OpKind::Sleep {
            m.insert("sock".into(), Value::String(self.sock.clone()));
        }
        match &self.outcome {
            Outcome::Ok { ret, data } => {
                m.insert("ret".into(), json!(ret));
                data.write_fields(&mut m);
            }
            Outcome::Errno(e) => {
                m.insert("errno".into(), Value::String(errno_name(*e)));
            }
            Outcome::Unimplemented(u) => {
                m.insert("unimplemented".into(), Value::String(u.what().to_owned()));
            }
        }
        Value::Object(m)
    }
}

/// Field access with reasons that name the field, for results read back from JSON.
fn field<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a Value, String> {
    o.get(key).ok_or_else(|| format!("missing \"{key}\""))
}

fn uint(o: &Map<String, Value>, key: &str, max: u64) -> Result<u64, String> {
    field(o, key)?
        .as_u64()
        .filter(|v| *v <= max)
        .ok_or_else(|| format!("\"{key}\" must be an integer up to {max}"))
}

fn bytes(o: &Map<String, Value>, key: &str) -> Result<Vec<u8>, String> {
    let s = field(o, key)?
        .as_str()
        .ok_or_else(|| format!("\"{key}\" must be a hex string"))?;
    hex::decode(s).map_err(|e| format!("\"{key}\" is not hex: {e}"))
}

fn addr(o: &Map<String, Value>) -> Result<Addr, String> {
    Ok(Addr {
        pid: uint(o, "pid", u32::MAX as u64)? as u32,
        groups: uint(o, "groups", u32::MAX as u64)? as u32,
    })
}

impl OpResult {
    /// Read a result line of the exchange output.
    pub fn from_json(v: &Value) -> Result<OpResult, String> {
        let o = v
            .as_object()
            .ok_or_else(|| format!("a result must be an object, found {v}"))?;
        let name = field(o, "op")?.as_str().ok_or("\"op\" must be a string")?;
        let op = OpKind::from_name(name).ok_or_else(|| format!("unknown op \"{name}\""))?;
        let sock = match (op, o.get("sock")) {
            (OpKind::Sleep, None) => String::new(),
            _ => field(o, "sock")?
                .as_str()
                .ok_or("\"sock\" must be a string")?
                .to_owned(),
        };
        let outcome = if let Some(e) = o.get("errno") {
            let e = e.as_str().ok_or("\"errno\" must be a string")?;
            let errno = Errno::from_name(e)
                .or_else(|| e.parse().ok().map(Errno))
                .ok_or_else(|| format!("unknown errno \"{e}\""))?;
            Outcome::Errno(errno)
        } else if let Some(u) = o.get("unimplemented") {
            let u = u.as_str().ok_or("\"unimplemented\" must be a string")?;
            Outcome::Unimplemented(Unimplemented::new(u.to_owned()))
        } else {
            let ret = uint(o, "ret", usize::MAX as u64)? as usize;
            let data = match op {
                OpKind::GetSockName | OpKind::GetPeerName => OpData::Address(addr(o)?),
                OpKind::GetSockOpt => OpData::SockOpt {
                    bytes: bytes(o, "hex")?,
                    len: uint(o, "len", usize::MAX as u64)? as usize,
                },
                OpKind::Recv => OpData::Recv {
                    bytes: bytes(o, "hex")?,
                    msg_flags: field(o, "msg_flags")?
                        .as_i64()
                        .and_then(|f| i32::try_from(f).ok())
                        .ok_or("\"msg_flags\" must be a 32-bit integer")?,
                    from: addr(
                        field(o, "from")?
                            .as_object()
                            .ok_or("\"from\" must be an object")?,
                    )?,
                },
                _ => OpData::None,
            };
            Outcome::Ok { ret, data }
        };
        Ok(OpResult { op, sock, outcome })
    }

    /// The bytes a successful recv copied.
    pub fn recv_bytes(&self) -> Option<&[u8]> {
        match self.data()? {
            OpData::Recv { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// The bytes a successful recv copied, to change (the harness's own tests plant wrong
    /// answers this way).
    pub fn recv_bytes_mut(&mut self) -> Option<&mut Vec<u8>> {
        match &mut self.outcome {
            Outcome::Ok {
                data: OpData::Recv { bytes, .. },
                ..
            } => Some(bytes),
            _ => None,
        }
    }
}

/// The first line of the exchange output: who answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// `"kernel"` or `"model"`.
    pub backend: String,
    /// `uname -r`, or the model's profile release.
    pub kernel: String,
    /// The caller's tgid.
    pub tgid: u32,
}

impl From<BackendInfo> for Header {
    fn from(i: BackendInfo) -> Header {
        Header {
            backend: i.backend.to_owned(),
            kernel: i.kernel,
            tgid: i.tgid,
        }
    }
}

impl Header {
    /// The header line.
    pub fn to_json(&self) -> Value {
        json!({"backend": self.backend, "kernel": self.kernel, "tgid": self.tgid})
    }

    /// Read the header line.
    pub fn from_json(v: &Value) -> Result<Header, String> {
        let o = v
            .as_object()
            .ok_or_else(|| format!("the header must be an object, found {v}"))?;
        let text = |key: &str| -> Result<String, String> {
            field(o, key)?
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("\"{key}\" must be a string"))
        };
        Ok(Header {
            backend: text("backend")?,
            kernel: text("kernel")?,
            tgid: uint(o, "tgid", u32::MAX as u64)? as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_round_trips_through_the_exchange_format() {
        let lines = [
            r#"{"op":"socket","sock":"a","ret":3}"#,
            r#"{"op":"getsockname","sock":"a","ret":0,"pid":4242,"groups":1}"#,
            r#"{"op":"getsockopt","sock":"a","ret":0,"hex":"01000000","len":4}"#,
            r#"{"op":"recv","sock":"a","ret":20,"hex":"14000000030002000100000000000000","msg_flags":32,"from":{"pid":0,"groups":0}}"#,
            r#"{"op":"bind","sock":"a","errno":"EADDRINUSE"}"#,
            r#"{"op":"send","sock":"a","errno":"531"}"#,
            r#"{"op":"send","sock":"a","unimplemented":"sock_diag"}"#,
            r#"{"op":"sleep","ret":0}"#,
            r#"{"backend":"model","kernel":"6.18.44","tgid":1000}"#,
        ];
        for l in &lines[..8] {
            let v: Value = serde_json::from_str(l).unwrap();
            let r = OpResult::from_json(&v).unwrap();
            assert_eq!(r.to_json().to_string(), *l);
        }
        let h = Header::from_json(&serde_json::from_str(lines[8]).unwrap()).unwrap();
        assert_eq!(h.to_json().to_string(), lines[8]);
        for bad in [
            r#"{"op":"fly","sock":"a","ret":0}"#,
            r#"{"op":"recv","sock":"a","ret":0}"#,
            r#"{"op":"bind","sock":"a","errno":"ENOTANERRNO"}"#,
            r#"[]"#,
        ] {
            assert!(OpResult::from_json(&serde_json::from_str(bad).unwrap()).is_err());
        }
    }
}
