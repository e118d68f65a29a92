//! Exchange traces: the JSON Lines scenario format of `nltwin exchange` (a public contract,
//! documented in the README) and its parser.
//!
//! The whole input is parsed and checked before anything runs, so a bad line is reported with
//! its file, line number and reason, and no half-run trace is produced: [`Trace::parse`] holds
//! it; [`TraceReader`] checks it line by line, which `nltwin exchange` does once to check a
//! file and again to run it as it reads.

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
        /// Messages whose type is a generic netlink family, by name: the runner writes the
        /// backend's id for it before sending.
        genl_families: Vec<crate::compose::GenlFamilyRef>,
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
    /// Let time pass (`nanosleep`; the model's clock advances). No socket.
    Sleep {
        /// Milliseconds.
        ms: u64,
    },
}

/// The longest sleep a trace may ask for: ten minutes.
pub const MAX_SLEEP_MS: u64 = 600_000;

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
            Op::Sleep { .. } => "sleep",
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
    /// What the scenario needs of the kernel it runs on (its `requires` lines).
    pub needs: Needs,
}

/// What a scenario states it needs of a kernel, from its `{"requires":{...}}` lines (merged
/// when there are several): a scenario whose needs a kernel, a recording or a profile lacks is
/// skipped there with the reason, never passed. `exchange` runs such a trace regardless.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The oldest release series the behaviour exists in (`"release":"6.18"`).
    pub release: Option<(u32, u32)>,
    /// Config options that must be set, `=y` or `=m` (`"config":["CONFIG_BRIDGE_VLAN_FILTERING"]`;
    /// only options recordings keep, [`crate::facts::RECORDED_CONFIG`]).
    pub config: Vec<String>,
    /// Generic netlink families a fresh namespace must see (`"genl_families":["ethtool"]`).
    pub genl_families: Vec<String>,
    /// Link kinds the kernel must create (`"link_kinds":["ifb"]`), besides those the
    /// scenario's requests create, which are read off the trace ([`crate::requires`]).
    pub link_kinds: Vec<String>,
    /// Why, for the skip reason (`"why":"..."`).
    pub why: Option<String>,
}

impl Needs {
    /// Whether the scenario states any need.
    pub fn is_empty(&self) -> bool {
        self.release.is_none()
            && self.config.is_empty()
            && self.genl_families.is_empty()
            && self.link_kinds.is_empty()
    }

    /// Read one `requires` object into these needs.
    fn add(&mut self, v: &Value) -> Result<(), String> {
        let Value::Object(o) = v else {
            return Err(format!("\"requires\" must be an object, found {v}"));
        };
        check_keys(
            o,
            &["release", "config", "genl_families", "link_kinds", "why"],
        )
        .map_err(|e| format!("in \"requires\": {e}"))?;
        let names = |key: &str| -> Result<Vec<String>, String> {
            match o.get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| match x {
                        Value::String(s) if !s.is_empty() => Ok(s.clone()),
                        _ => Err(format!(
                            "\"requires\".\"{key}\" must be a list of names, found {x}"
                        )),
                    })
                    .collect(),
                Some(x) => Err(format!(
                    "\"requires\".\"{key}\" must be a list of names, found {x}"
                )),
            }
        };
        if let Some(r) = o.get("release") {
            let text = r.as_str().ok_or_else(|| {
                format!("\"requires\".\"release\" must be a string like \"6.18\", found {r}")
            })?;
            let series = nltwin::model::profile::parse_series(text)
                .filter(|_| text.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .ok_or_else(|| {
                    format!("\"requires\".\"release\" \"{text}\": give a series like \"6.18\"")
                })?;
            self.release = Some(self.release.map_or(series, |old| old.max(series)));
        }
        for c in names("config")? {
            if !crate::facts::RECORDED_CONFIG.contains(&c.as_str()) {
                return Err(format!(
                    "\"requires\".\"config\": {c} is not an option recordings keep \
                     (add it to RECORDED_CONFIG in conformance/src/facts.rs, then re-record)"
                ));
            }
            self.config.push(c);
        }
        self.genl_families.extend(names("genl_families")?);
        self.link_kinds.extend(names("link_kinds")?);
        if let Some(w) = o.get("why") {
            let w = w
                .as_str()
                .ok_or_else(|| format!("\"requires\".\"why\" must be a string, found {w}"))?;
            self.why = Some(match self.why.take() {
                Some(old) => format!("{old}; {w}"),
                None => w.to_owned(),
            });
        }
        Ok(())
    }
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
    "socket, bind, connect, getsockname, getpeername, setsockopt, getsockopt, send, recv, close, \
     sleep";

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
    let f = Fields { obj };
    if name == "sleep" {
        // Time passes for everyone: no socket.
        let ms = f.req_int("ms", 0, MAX_SLEEP_MS as i64)? as u64;
        check_keys(obj, &["op", "ms"])?;
        return Ok((String::new(), Op::Sleep { ms }));
    }
    let sock = match obj.get("sock") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(v) => return Err(format!("\"sock\" must be a non-empty string, found {v}")),
        None => return Err("missing \"sock\"".into()),
    };
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
            let (data, genl_families) = match (f.hex("hex")?, msg.is_some() || msgs.is_some()) {
                (Some(h), false) => (h, Vec::new()),
                (None, true) => crate::compose::datagram_with_families(msg, msgs)?,
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
                Op::Send {
                    data,
                    to,
                    flags,
                    genl_families,
                },
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

/// Reads a trace one line at a time, checking each as [`Trace::parse`] does (a socket is
/// opened before it is used and not twice), so a trace of any length can run as it is read.
/// `requires` lines are collected into [`TraceReader::needs`]. After the first error it yields
/// nothing more.
pub struct TraceReader<R> {
    input: R,
    line: usize,
    open: HashSet<String>,
    needs: Needs,
    buf: String,
    failed: bool,
}

impl<R: std::io::BufRead> TraceReader<R> {
    /// Read operations from `input`.
    pub fn new(input: R) -> Self {
        TraceReader {
            input,
            line: 0,
            open: HashSet::new(),
            needs: Needs::default(),
            buf: String::new(),
            failed: false,
        }
    }

    /// The `requires` lines read so far, merged.
    pub fn needs(&self) -> &Needs {
        &self.needs
    }

    /// The next line holding an operation (blank and `requires` lines are consumed on the way),
    /// or `None` at the end.
    fn next_step(&mut self) -> Result<Option<Step>, ParseError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let line = self.line;
            let err = |reason: String| ParseError { line, reason };
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return Ok(None),
                Ok(_) => {}
                Err(e) => return Err(err(format!("cannot read: {e}"))),
            }
            let raw = self.buf.strip_suffix('\n').unwrap_or(&self.buf);
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(raw).map_err(|e| err(format!("not JSON: {e}")))?;
            let Value::Object(obj) = v else {
                return Err(err(format!("expected a JSON object, found {v}")));
            };
            if let Some(r) = obj.get("requires") {
                if obj.len() > 1 {
                    return Err(err(
                        "a \"requires\" line holds nothing else (it is not an operation)".into(),
                    ));
                }
                self.needs.add(r).map_err(err)?;
                continue;
            }
            let (sock, op) = parse_op(&obj).map_err(err)?;
            match op {
                Op::Sleep { .. } => {}
                Op::Socket { .. } if self.open.contains(&sock) => {
                    return Err(err(format!(
                        "socket \"{sock}\" is already open (close it first)"
                    )));
                }
                Op::Socket { .. } => {
                    self.open.insert(sock.clone());
                }
                _ if !self.open.contains(&sock) => {
                    return Err(err(format!(
                        "no socket \"{sock}\" is open here (create it with a socket op)"
                    )));
                }
                Op::Close => {
                    self.open.remove(&sock);
                }
                _ => {}
            }
            return Ok(Some(Step { line, sock, op }));
        }
    }
}

impl<R: std::io::BufRead> Iterator for TraceReader<R> {
    type Item = Result<Step, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = self.next_step().transpose();
        self.failed = matches!(r, Some(Err(_)));
        r
    }
}

impl Trace {
    /// Parse a whole trace. Blank lines are skipped; every other line must be one operation
    /// or a `requires` line.
    pub fn parse(text: &str) -> Result<Trace, ParseError> {
        let mut reader = TraceReader::new(text.as_bytes());
        let steps = reader.by_ref().collect::<Result<Vec<_>, _>>()?;
        Ok(Trace {
            steps,
            needs: reader.needs,
        })
    }

    /// A digest of the operations (SHA-256 of one canonical line per operation): the same
    /// for the same operations whatever their spelling (hex or readable messages, key order,
    /// blank or `requires` lines), so a recording can tell whether a scenario changed since.
    pub fn ops_digest(&self) -> String {
        use std::fmt::Write as _;
        let mut text = String::new();
        let addr = |a: &BindAddr| format!("{} {} {} {}", a.family, a.pid, a.groups, a.addrlen);
        for s in &self.steps {
            let _ = write!(text, "{} {}", s.op.name(), s.sock);
            let _ = match &s.op {
                Op::Socket { protocol, ty } => write!(text, " {protocol} {ty}"),
                Op::Bind(a) | Op::Connect(a) => write!(text, " {}", addr(a)),
                Op::GetSockName | Op::GetPeerName | Op::Close => Ok(()),
                Op::SetSockOpt { level, name, value } => {
                    write!(text, " {level} {name} {}", hex::encode(value))
                }
                Op::GetSockOpt { level, name, len } => write!(text, " {level} {name} {len}"),
                Op::Send {
                    data,
                    to,
                    flags,
                    genl_families,
                } => write!(
                    text,
                    " {} {} {flags}{}",
                    hex::encode(data),
                    to.map_or("-".to_owned(), |t| format!(
                        "{} {} {}",
                        t.family, t.pid, t.groups
                    )),
                    genl_families
                        .iter()
                        .map(|r| format!(" genl_family@{}={}", r.offset, r.name))
                        .collect::<String>()
                ),
                Op::Recv { len, flags } => write!(text, " {len} {flags}"),
                Op::Sleep { ms } => write!(text, " {ms}"),
            };
            text.push('\n');
        }
        crate::facts::sha256_hex(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(text: &str) -> ParseError {
        Trace::parse(text).unwrap_err()
    }

    #[test]
    fn the_reader_yields_each_step_as_read_and_stops_at_the_first_error() {
        let text = concat!(
            "{\"op\":\"socket\",\"sock\":\"a\",\"protocol\":0,\"type\":\"raw\"}\r\n",
            "\n",
            "{\"requires\":{\"release\":\"6.7\"}}\n",
            "{\"op\":\"getsockname\",\"sock\":\"a\"}\n",
            "{\"op\":\"close\",\"sock\":\"b\"}\n",
            "{\"op\":\"close\",\"sock\":\"a\"}"
        );
        let mut r = TraceReader::new(text.as_bytes());
        let first = r.next().unwrap().unwrap();
        assert_eq!((first.line, first.op.name()), (1, "socket"));
        let second = r.next().unwrap().unwrap();
        assert_eq!((second.line, second.op.name()), (4, "getsockname"));
        assert_eq!(r.needs().release, Some((6, 7)));
        let e = r.next().unwrap().unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.reason.contains("no socket \"b\""), "{}", e.reason);
        // Nothing after an error, though the next line is good.
        assert!(r.next().is_none());
        // The whole parse agrees: same steps up to the error, same error.
        assert_eq!(Trace::parse(text).unwrap_err(), e);
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
                flags: 0,
                genl_families: Vec::new(),
            }
        );
    }

    #[test]
    fn sleep_takes_milliseconds_and_no_socket() {
        let t = Trace::parse(concat!(
            r#"{"op":"sleep","ms":1100}"#,
            "\n",
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#,
            "\n",
            r#"{"op":"sleep","ms":0}"#,
        ))
        .unwrap();
        assert_eq!(t.steps[0].op, Op::Sleep { ms: 1100 });
        assert_eq!(t.steps[0].sock, "");
        assert_eq!(t.steps[2].op, Op::Sleep { ms: 0 });
        let other = Trace::parse(r#"{"op":"sleep","ms":1000}"#).unwrap();
        assert_ne!(
            other.ops_digest(),
            Trace::parse(r#"{"op":"sleep","ms":1100}"#)
                .unwrap()
                .ops_digest()
        );
    }

    #[test]
    fn requires_lines_state_needs_and_leave_the_ops_and_their_digest_alone() {
        let s = r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#;
        let plain = Trace::parse(s).unwrap();
        let t = Trace::parse(&format!(
            "{}\n{s}\n{}\n",
            r#"{"requires":{"release":"6.12","genl_families":["ethtool"],"why":"new in 6.12"}}"#,
            r#"{"requires":{"release":"6.18","config":["CONFIG_BRIDGE_VLAN_FILTERING"],"link_kinds":["ifb"]}}"#,
        ))
        .unwrap();
        assert_eq!(t.steps.len(), 1);
        assert_eq!(t.steps[0].line, 2);
        assert_eq!(t.needs.release, Some((6, 18)));
        assert_eq!(t.needs.genl_families, ["ethtool"]);
        assert_eq!(t.needs.config, ["CONFIG_BRIDGE_VLAN_FILTERING"]);
        assert_eq!(t.needs.link_kinds, ["ifb"]);
        assert_eq!(t.needs.why.as_deref(), Some("new in 6.12"));
        assert!(plain.needs.is_empty());
        assert_eq!(t.ops_digest(), plain.ops_digest());
        let hex = Trace::parse(r#"{"sock":"a","type":3,"op":"socket","protocol":0}"#).unwrap();
        assert_eq!(hex.ops_digest(), plain.ops_digest());
        let other = Trace::parse(r#"{"op":"socket","sock":"a","protocol":16,"type":"raw"}"#);
        assert_ne!(other.unwrap().ops_digest(), plain.ops_digest());
        for (bad, why) in [
            (r#"{"requires":{"release":6}}"#, "must be a string"),
            (r#"{"requires":{"release":"six"}}"#, "give a series"),
            (
                r#"{"requires":{"config":["CONFIG_NOPE"]}}"#,
                "recordings keep",
            ),
            (r#"{"requires":{"colour":1}}"#, "unknown field"),
            (r#"{"requires":{"genl_families":"x"}}"#, "list of names"),
            (r#"{"requires":{},"op":"close"}"#, "nothing else"),
        ] {
            let e = Trace::parse(&format!("{s}\n{bad}\n")).unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
            assert!(e.reason.contains(why), "{bad}: {}", e.reason);
        }
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
            (r#"{"op":"sleep"}"#, "missing \"ms\""),
            (r#"{"op":"sleep","ms":-1}"#, "outside"),
            (r#"{"op":"sleep","ms":600001}"#, "outside"),
            (
                r#"{"op":"sleep","sock":"a","ms":1}"#,
                "unknown field \"sock\"",
            ),
        ];
        for (line, why) in cases {
            let e = bad(&format!("{s}\n\n{line}\n"));
            assert_eq!(e.line, 3, "{line}");
            assert!(e.reason.contains(why), "{line}: {}", e.reason);
        }
    }
}
