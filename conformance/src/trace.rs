//! Exchange traces: the JSON Lines scenario format of `nltwin exchange` (a public contract,
//! documented in the README) and its parser.
//!
//! The whole input is parsed and checked before anything runs, so a bad line is reported with
//! its file, line number and reason, and no half-run trace is produced.

use std::collections::HashSet;
use std::fmt;

use nltwin::transport::{BindAddr, SockaddrNl};
use serde_json::{Map, Value};

/// One socket operation of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `socket(AF_NETLINK, ty, protocol)`.
    Socket {
        /// The netlink protocol.
        protocol: i32,
        /// The socket type (3 raw, 2 dgram, or any integer for error cases).
        ty: i32,
    },
    /// `bind`.
    Bind(BindAddr),
    /// `connect`.
    Connect(BindAddr),
    /// `getsockname`.
    GetSockName,
    /// `getpeername`.
    GetPeerName,
    /// `setsockopt` with the option bytes (an integer `value` is 4 native-endian bytes).
    SetSockOpt {
        /// Level (270 = SOL_NETLINK, 1 = SOL_SOCKET).
        level: i32,
        /// Option name.
        name: i32,
        /// Option bytes.
        value: Vec<u8>,
    },
    /// `getsockopt` with a buffer of `len` bytes.
    GetSockOpt {
        /// Level.
        level: i32,
        /// Option name.
        name: i32,
        /// The optlen passed in.
        len: usize,
    },
    /// `sendto`.
    Send {
        /// The datagram.
        data: Vec<u8>,
        /// The destination, if given.
        to: Option<SockaddrNl>,
        /// send flags (MSG_DONTWAIT is always added).
        flags: i32,
    },
    /// `recvfrom` with a buffer of `len` bytes.
    Recv {
        /// Buffer length.
        len: usize,
        /// recv flags (MSG_DONTWAIT is always added).
        flags: i32,
    },
    /// `close`.
    Close,
}

impl Op {
    /// The operation's name in the format.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Socket { .. } => "socket",
            Op::Bind(_) => "bind",
            Op::Connect(_) => "connect",
            Op::GetSockName => "getsockname",
            Op::GetPeerName => "getpeername",
            Op::SetSockOpt { .. } => "setsockopt",
            Op::GetSockOpt { .. } => "getsockopt",
            Op::Send { .. } => "send",
            Op::Recv { .. } => "recv",
            Op::Close => "close",
        }
    }
}

/// One line of a trace: which socket, what to do, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number in the input.
    pub line: usize,
    /// The socket's name in the trace.
    pub sock: String,
    /// The operation.
    pub op: Op,
}

/// A parsed trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// The operations, in order.
    pub steps: Vec<Step>,
}

/// A bad input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// Why the line was refused.
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

const OPS: &str =
    "socket, bind, connect, getsockname, getpeername, setsockopt, getsockopt, send, recv, close";

/// Field access with reasons that name the field.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
}

impl Fields<'_> {
    fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
        match self.obj.get(key) {
            None => Ok(None),
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                Some(n) => Err(format!("\"{key}\" is {n}, outside {min}..={max}")),
                None => Err(format!("\"{key}\" must be an integer, found {v}")),
            },
        }
    }

    fn req_int(&self, key: &str, min: i64, max: i64) -> Result<i64, String> {
        self.int(key, min, max)?
            .ok_or_else(|| format!("missing \"{key}\""))
    }

    fn hex(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        match self.obj.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => hex::decode(s)
                .map(Some)
                .map_err(|e| format!("\"{key}\" is not hex: {e}")),
            Some(v) => Err(format!("\"{key}\" must be a hex string, found {v}")),
        }
    }

    fn addr(&self, key: &str) -> Result<Option<SockaddrNl>, String> {
        match self.obj.get(key) {
            None => Ok(None),
            Some(Value::Object(o)) => {
                let f = Fields { obj: o };
                let pid = f.int("pid", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
                let groups = f.int("groups", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
                check_keys(o, &["pid", "groups"]).map_err(|e| format!("in \"{key}\": {e}"))?;
                Ok(Some(SockaddrNl::new(pid, groups)))
            }
            Some(v) => Err(format!(
                "\"{key}\" must be an object {{\"pid\",\"groups\"}}, found {v}"
            )),
        }
    }

    fn bind_addr(&self) -> Result<BindAddr, String> {
        let mut a = BindAddr::new(
            self.int("pid", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            self.int("groups", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
        );
        if let Some(f) = self.int("family", 0, u16::MAX as i64)? {
            a.family = f as u16;
        }
        if let Some(l) = self.int("addrlen", 0, 128)? {
            a.addrlen = l as u32;
        }
        Ok(a)
    }
}

fn check_keys(o: &Map<String, Value>, allowed: &[&str]) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown field \"{k}\" (allowed: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn parse_op(obj: &Map<String, Value>) -> Result<(String, Op), String> {
    let name = match obj.get("op") {
        Some(Value::String(s)) => s.as_str(),
        Some(v) => return Err(format!("\"op\" must be a string, found {v}")),
        None => return Err("missing \"op\"".into()),
    };
    let sock = match obj.get("sock") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(v) => return Err(format!("\"sock\" must be a non-empty string, found {v}")),
        None => return Err("missing \"sock\"".into()),
    };
    let f = Fields { obj };
    let i32_range = (i32::MIN as i64, i32::MAX as i64);
    let (op, keys): (Op, &[&str]) = match name {
        "socket" => {
            let ty = match obj.get("type") {
                Some(Value::String(s)) if s == "raw" => 3,
                Some(Value::String(s)) if s == "dgram" => 2,
                Some(Value::String(s)) => {
                    return Err(format!(
                        "\"type\" \"{s}\": use \"raw\", \"dgram\" or an integer"
                    ))
                }
                Some(_) => f.req_int("type", i32_range.0, i32_range.1)? as i32,
                None => return Err("missing \"type\"".into()),
            };
            let protocol = f.req_int("protocol", i32_range.0, i32_range.1)? as i32;
            (Op::Socket { protocol, ty }, &["protocol", "type"])
        }
        "bind" => (
            Op::Bind(f.bind_addr()?),
            &["pid", "groups", "family", "addrlen"],
        ),
        "connect" => (
            Op::Connect(f.bind_addr()?),
            &["pid", "groups", "family", "addrlen"],
        ),
        "getsockname" => (Op::GetSockName, &[]),
        "getpeername" => (Op::GetPeerName, &[]),
        "setsockopt" => {
            let level = f.req_int("level", i32_range.0, i32_range.1)? as i32;
            let name = f.req_int("name", i32_range.0, i32_range.1)? as i32;
            let value = match (f.int("value", i32_range.0, u32::MAX as i64)?, f.hex("hex")?) {
                (Some(v), None) => (v as u32).to_ne_bytes().to_vec(),
                (None, Some(h)) => h,
                (Some(_), Some(_)) => return Err("give \"value\" or \"hex\", not both".into()),
                (None, None) => {
                    return Err("missing \"value\" (an integer) or \"hex\" (raw bytes)".into())
                }
            };
            (
                Op::SetSockOpt { level, name, value },
                &["level", "name", "value", "hex"],
            )
        }
        "getsockopt" => {
            let level = f.req_int("level", i32_range.0, i32_range.1)? as i32;
            let name = f.req_int("name", i32_range.0, i32_range.1)? as i32;
            let len = f.req_int("len", 0, 1 << 16)? as usize;
            (
                Op::GetSockOpt { level, name, len },
                &["level", "name", "len"],
            )
        }
        "send" => {
            let (msg, msgs) = (obj.get("msg"), obj.get("msgs"));
            let data = match (f.hex("hex")?, msg.is_some() || msgs.is_some()) {
                (Some(h), false) => h,
                (None, true) => crate::compose::datagram(msg, msgs)?,
                (Some(_), true) => return Err("give \"hex\" or \"msg\"/\"msgs\", not both".into()),
                (None, false) => {
                    return Err(
                        "missing the datagram: \"hex\", or \"msg\" / \"msgs\" (readable messages)"
                            .into(),
                    )
                }
            };
            let to = f.addr("to")?;
            let flags = f.int("flags", i32_range.0, i32_range.1)?.unwrap_or(0) as i32;
            (
                Op::Send { data, to, flags },
                &["hex", "msg", "msgs", "to", "flags"],
            )
        }
        "recv" => {
            let len = f.req_int("len", 0, 1 << 24)? as usize;
            let flags = f.int("flags", i32_range.0, i32_range.1)?.unwrap_or(0) as i32;
            (Op::Recv { len, flags }, &["len", "flags"])
        }
        "close" => (Op::Close, &[]),
        other => return Err(format!("unknown op \"{other}\" (one of: {OPS})")),
    };
    let mut allowed = vec!["op", "sock"];
    allowed.extend_from_slice(keys);
    check_keys(obj, &allowed)?;
    Ok((sock, op))
}

impl Trace {
    /// Parse a whole trace. Blank lines are skipped; every other line must be one operation.
    pub fn parse(text: &str) -> Result<Trace, ParseError> {
        let mut steps = Vec::new();
        let mut open: HashSet<String> = HashSet::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |reason: String| ParseError { line, reason };
            if raw.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(raw).map_err(|e| err(format!("not JSON: {e}")))?;
            let Value::Object(obj) = v else {
                return Err(err(format!("expected a JSON object, found {v}")));
            };
            let (sock, op) = parse_op(&obj).map_err(err)?;
            match op {
                Op::Socket { .. } if open.contains(&sock) => {
                    return Err(err(format!(
                        "socket \"{sock}\" is already open (close it first)"
                    )));
                }
                Op::Socket { .. } => {
                    open.insert(sock.clone());
                }
                _ if !open.contains(&sock) => {
                    return Err(err(format!(
                        "no socket \"{sock}\" is open here (create it with a socket op)"
                    )));
                }
                Op::Close => {
                    open.remove(&sock);
                }
                _ => {}
            }
            steps.push(Step { line, sock, op });
        }
        Ok(Trace { steps })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(text: &str) -> ParseError {
        Trace::parse(text).unwrap_err()
    }

    #[test]
    fn parses_every_op() {
        let t = Trace::parse(concat!(
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#,
            "\n",
            r#"{"op":"bind","sock":"a","pid":0,"groups":1,"addrlen":11}"#,
            "\n\n",
            r#"{"op":"connect","sock":"a","pid":0,"groups":0}"#,
            "\n",
            r#"{"op":"getsockname","sock":"a"}"#,
            "\n",
            r#"{"op":"getpeername","sock":"a"}"#,
            "\n",
            r#"{"op":"setsockopt","sock":"a","level":270,"name":11,"value":1}"#,
            "\n",
            r#"{"op":"getsockopt","sock":"a","level":270,"name":9,"len":8}"#,
            "\n",
            r#"{"op":"send","sock":"a","hex":"0102","to":{"pid":5,"groups":0}}"#,
            "\n",
            r#"{"op":"recv","sock":"a","len":32768,"flags":2}"#,
            "\n",
            r#"{"op":"close","sock":"a"}"#,
            "\n",
        ))
        .unwrap();
        assert_eq!(t.steps.len(), 10);
        assert_eq!(t.steps[1].line, 2);
        assert_eq!(t.steps[2].line, 4);
        assert_eq!(
            t.steps[1].op,
            Op::Bind(BindAddr {
                addrlen: 11,
                ..BindAddr::new(0, 1)
            })
        );
        assert_eq!(
            t.steps[5].op,
            Op::SetSockOpt {
                level: 270,
                name: 11,
                value: 1u32.to_ne_bytes().to_vec()
            }
        );
        assert_eq!(
            t.steps[7].op,
            Op::Send {
                data: vec![1, 2],
                to: Some(SockaddrNl::new(5, 0)),
                flags: 0
            }
        );
    }

    #[test]
    fn every_malformed_class_names_its_line() {
        let s = r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#;
        let cases = [
            ("not json", "not JSON"),
            ("[1]", "expected a JSON object"),
            (r#"{"sock":"a"}"#, "missing \"op\""),
            (r#"{"op":"bind"}"#, "missing \"sock\""),
            (r#"{"op":"fly","sock":"a"}"#, "unknown op"),
            (r#"{"op":"recv","sock":"a"}"#, "missing \"len\""),
            (
                r#"{"op":"recv","sock":"a","len":"big"}"#,
                "must be an integer",
            ),
            (r#"{"op":"recv","sock":"a","len":-1}"#, "outside"),
            (r#"{"op":"send","sock":"a","hex":"zz"}"#, "not hex"),
            (r#"{"op":"send","sock":"a","hex":"abc"}"#, "not hex"),
            (
                r#"{"op":"send","sock":"a"}"#,
                "missing the datagram: \"hex\"",
            ),
            (
                r#"{"op":"send","sock":"a","hex":"00","to":5}"#,
                "must be an object",
            ),
            (r#"{"op":"close","sock":"b"}"#, "no socket \"b\""),
            (s, "already open"),
            (
                r#"{"op":"bind","sock":"a","pid":0,"colour":1}"#,
                "unknown field \"colour\"",
            ),
            (
                r#"{"op":"setsockopt","sock":"a","level":270,"name":1}"#,
                "missing \"value\"",
            ),
            (
                r#"{"op":"socket","sock":"c","protocol":0,"type":"stream"}"#,
                "\"type\" \"stream\"",
            ),
        ];
        for (line, why) in cases {
            let e = bad(&format!("{s}\n\n{line}\n"));
            assert_eq!(e.line, 3, "{line}");
            assert!(e.reason.contains(why), "{line}: {}", e.reason);
        }
    }
}
