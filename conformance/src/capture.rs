//! A command's netlink exchange as `nltwin run --capture DIR` captured it (the preloaded
//! `libnltwin_capture.so`, `capture/`): one file per process, `DIR/<pid>.jsonl`, read here into
//! [`Process`]es whose calls are trace operations ([`Step`]) with their results ([`OpResult`]),
//! the shapes the rest of the harness compares and writes.
//!
//! The files' fields are raw (numbers and hex, written by the library without a JSON encoder);
//! the names of the exchange format are given here.

use std::path::{Path, PathBuf};

use nltwin::transport::{BindAddr, Errno, SockaddrNl};
use serde_json::{json, Value};

use crate::results::{Addr, OpData, OpKind, OpResult, Outcome};
use crate::trace::{Op, Step};

/// One call a process made on a netlink socket: what it asked and what it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The request as a trace operation (`line`: the call's line in its capture file).
    pub step: Step,
    /// What the call returned.
    pub result: OpResult,
    /// Monotonic time the call started and ended (ns; one clock for every process).
    pub t0: u64,
    /// See `t0`.
    pub t1: u64,
    /// The socket was first met in this call, not made by this process's `socket` (it came
    /// across `exec`).
    pub inherited: bool,
    /// A `sendmsg`'s control messages (which the exchange format cannot replay).
    pub control: Option<Vec<u8>>,
}

impl Call {
    /// When the call took effect, for putting several processes' calls in one order: a
    /// receive when it returned (what it read was there by then), any other call when it
    /// started (what it did happened after that).
    pub fn when(&self) -> u64 {
        if matches!(self.step.op, Op::Recv { .. }) {
            self.t1
        } else {
            self.t0
        }
    }
}

/// One process of a command, with its netlink calls in the order they completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Its pid.
    pub pid: u32,
    /// Its parent's pid.
    pub ppid: u32,
    /// Its command line.
    pub cmdline: Vec<String>,
    /// When it started (clock ticks after boot, /proc/PID/stat).
    pub start_ticks: u64,
    /// The wall clock (s) at its first netlink call: what `time()` gave a program then.
    pub unix_time: u64,
    /// Its calls.
    pub calls: Vec<Call>,
    /// The capture file.
    pub file: PathBuf,
}

impl Process {
    /// The command line as one string, for people.
    pub fn command(&self) -> String {
        self.cmdline.join(" ")
    }
}

/// A trace operation as its line in the exchange format (the inverse of the trace parser: a
/// `send` is written as `hex`, an integer option as `hex` too).
pub fn step_json(step: &Step) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("op".into(), json!(step.op.name()));
    if !matches!(step.op, Op::Sleep { .. }) {
        v.insert("sock".into(), json!(step.sock));
    }
    let bind = |v: &mut serde_json::Map<String, Value>, a: &BindAddr| {
        v.insert("pid".into(), json!(a.pid));
        v.insert("groups".into(), json!(a.groups));
        if a.family != libc::AF_NETLINK as u16 {
            v.insert("family".into(), json!(a.family));
        }
        if a.addrlen != SockaddrNl::LEN as u32 {
            v.insert("addrlen".into(), json!(a.addrlen));
        }
    };
    match &step.op {
        Op::Socket { protocol, ty } => {
            v.insert("protocol".into(), json!(protocol));
            v.insert(
                "type".into(),
                match ty {
                    3 => json!("raw"),
                    2 => json!("dgram"),
                    t => json!(t),
                },
            );
        }
        Op::Bind(a) | Op::Connect(a) => bind(&mut v, a),
        Op::GetSockName | Op::GetPeerName | Op::Close => {}
        Op::SetSockOpt { level, name, value } => {
            v.insert("level".into(), json!(level));
            v.insert("name".into(), json!(name));
            v.insert("hex".into(), json!(hex::encode(value)));
        }
        Op::GetSockOpt { level, name, len } => {
            v.insert("level".into(), json!(level));
            v.insert("name".into(), json!(name));
            v.insert("len".into(), json!(len));
        }
        Op::Send {
            data, to, flags, ..
        } => {
            v.insert("hex".into(), json!(hex::encode(data)));
            if let Some(t) = to {
                v.insert("to".into(), json!({"pid": t.pid, "groups": t.groups}));
            }
            if *flags != 0 {
                v.insert("flags".into(), json!(flags));
            }
        }
        Op::Recv { len, flags } => {
            v.insert("len".into(), json!(len));
            v.insert("flags".into(), json!(flags));
        }
        Op::Sleep { ms } => {
            v.insert("ms".into(), json!(ms));
        }
    }
    Value::Object(v)
}

/// Read every process's capture in `dir`, ordered by start (then pid).
pub fn load_dir(dir: &Path) -> Result<Vec<Process>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let p = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            out.push(load_file(&p)?);
        }
    }
    out.sort_by_key(|p| (p.start_ticks, p.pid));
    Ok(out)
}

/// Read one process's capture file.
pub fn load_file(path: &Path) -> Result<Process, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let at = |n: usize, why: String| format!("{}:{}: {why}", path.display(), n + 1);
    let (n, first) = lines
        .next()
        .ok_or_else(|| format!("{}: empty capture file", path.display()))?;
    let h: Value = serde_json::from_str(first).map_err(|e| at(n, e.to_string()))?;
    let u = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64);
    let pid = u(&h, "process").ok_or_else(|| at(n, "no \"process\" header".into()))? as u32;
    let cmdline_bytes = bytes(&h, "cmdline").map_err(|e| at(n, e))?;
    let cmdline = cmdline_bytes
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let mut calls = Vec::new();
    for (n, l) in lines {
        // A process killed in the middle of a line leaves it cut short: the calls before it
        // stand, the cut one is dropped (it never completed as far as the capture knows).
        let Ok(v) = serde_json::from_str::<Value>(l) else {
            if n + 1 == text.lines().count() {
                break;
            }
            return Err(at(n, "not a JSON object".into()));
        };
        calls.push(call(&v, n + 1).map_err(|e| at(n, e))?);
    }
    Ok(Process {
        pid,
        ppid: u(&h, "ppid").unwrap_or(0) as u32,
        cmdline,
        start_ticks: u(&h, "start_ticks").unwrap_or(0),
        unix_time: u(&h, "unix_time").unwrap_or(0),
        calls,
        file: path.to_owned(),
    })
}

/// The bytes of hex field `k` (empty when absent).
fn bytes(v: &Value, k: &str) -> Result<Vec<u8>, String> {
    match v.get(k) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => hex::decode(s).map_err(|e| format!("\"{k}\": {e}")),
        Some(x) => Err(format!("\"{k}\" must be hex, found {x}")),
    }
}

fn int(v: &Value, k: &str) -> Result<i64, String> {
    v.get(k)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("no integer \"{k}\""))
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    let mut a = [0u8; 4];
    for (i, x) in a.iter_mut().enumerate() {
        *x = b.get(o + i).copied().unwrap_or(0);
    }
    u32::from_ne_bytes(a)
}

/// A `sockaddr_nl` from its bytes (zero where short).
fn sockaddr(b: &[u8]) -> SockaddrNl {
    SockaddrNl {
        family: u16::from_ne_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]),
        pid: u32_at(b, 4),
        groups: u32_at(b, 8),
    }
}

fn addr(b: &[u8]) -> Addr {
    let s = sockaddr(b);
    Addr {
        pid: s.pid,
        groups: s.groups,
    }
}

/// One call line.
fn call(v: &Value, line: usize) -> Result<Call, String> {
    let name = v
        .get("op")
        .and_then(Value::as_str)
        .ok_or("no \"op\"")?
        .to_owned();
    let sock = v
        .get("sock")
        .and_then(Value::as_str)
        .ok_or("no \"sock\"")?
        .to_owned();
    let op = match name.as_str() {
        "socket" => Op::Socket {
            protocol: int(v, "protocol")? as i32,
            ty: int(v, "type")? as i32 & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK),
        },
        "bind" | "connect" => {
            let a = bytes(v, "addr")?;
            let s = sockaddr(&a);
            let b = BindAddr {
                family: s.family,
                pid: s.pid,
                groups: s.groups,
                addrlen: a.len() as u32,
            };
            if name == "bind" {
                Op::Bind(b)
            } else {
                Op::Connect(b)
            }
        }
        "getsockname" => Op::GetSockName,
        "getpeername" => Op::GetPeerName,
        "setsockopt" => Op::SetSockOpt {
            level: int(v, "level")? as i32,
            name: int(v, "name")? as i32,
            value: bytes(v, "hex")?,
        },
        "getsockopt" => Op::GetSockOpt {
            level: int(v, "level")? as i32,
            name: int(v, "name")? as i32,
            len: int(v, "len")? as usize,
        },
        "send" => Op::Send {
            data: bytes(v, "hex")?,
            to: v
                .get("to")
                .map(|_| bytes(v, "to"))
                .transpose()?
                .map(|b| sockaddr(&b)),
            flags: int(v, "flags")? as i32,
            genl_families: Vec::new(),
        },
        "recv" => Op::Recv {
            len: int(v, "len")? as usize,
            flags: int(v, "flags")? as i32,
        },
        "close" => Op::Close,
        other => return Err(format!("unknown call \"{other}\"")),
    };
    let kind = OpKind::of(&op);
    let ret = int(v, "ret")?;
    let outcome = if ret < 0 {
        Outcome::Errno(Errno(int(v, "errno")? as i32))
    } else {
        let data = match kind {
            OpKind::GetSockName | OpKind::GetPeerName => OpData::Address(addr(&bytes(v, "out")?)),
            OpKind::GetSockOpt => OpData::SockOpt {
                bytes: bytes(v, "out")?,
                len: int(v, "outlen").unwrap_or(0) as usize,
            },
            OpKind::Recv => OpData::Recv {
                bytes: bytes(v, "out")?,
                msg_flags: int(v, "msg_flags").unwrap_or(0) as i32,
                from: addr(&bytes(v, "from")?),
            },
            _ => OpData::None,
        };
        Outcome::Ok {
            ret: ret as usize,
            data,
        }
    };
    Ok(Call {
        step: Step {
            line,
            sock: sock.clone(),
            op,
        },
        result: OpResult {
            op: kind,
            sock,
            outcome,
        },
        t0: v.get("t0").and_then(Value::as_u64).unwrap_or(0),
        t1: v.get("t1").and_then(Value::as_u64).unwrap_or(0),
        inherited: v.get("inherited").is_some(),
        control: v.get("control").map(|_| bytes(v, "control")).transpose()?,
    })
}

/// A command's capture as one trace: what [`to_trace`] made of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    /// The trace's lines, in the exchange format.
    pub lines: Vec<Value>,
    /// What could not go into it, and why.
    pub notes: Vec<String>,
}

/// The smallest pause between two calls that becomes a `sleep` in [`to_trace`] (ms): shorter
/// ones are a program's own running time, longer ones a wait the kernel's timers (link watch,
/// IPv6 bring-up) may have used.
pub const SLEEP_GAP_MS: u64 = 100;

/// The requests of a command's processes as one trace, for `nltwin record --command`: every
/// call of every process, in the order the calls took effect ([`Call::when`]; within a
/// process, its own order), each socket named `pN.sM` (the N-th process in order of start, its
/// M-th socket), with a `sleep` where the command paused [`SLEEP_GAP_MS`] or more. A socket a
/// process did not open itself (inherited across `exec`) cannot be replayed and is left out,
/// as are a `sendmsg`'s control messages; both are noted.
pub fn to_trace(procs: &[Process]) -> Merged {
    let mut calls: Vec<(u64, usize, &Call)> = Vec::new();
    let mut notes = Vec::new();
    for (k, p) in procs.iter().enumerate() {
        let inherited: std::collections::HashSet<&str> = p
            .calls
            .iter()
            .filter(|c| c.inherited)
            .map(|c| c.step.sock.as_str())
            .collect();
        for c in &p.calls {
            if inherited.contains(c.step.sock.as_str()) {
                continue;
            }
            calls.push((c.when(), k, c));
        }
        for s in inherited {
            notes.push(format!(
                "process {} ({}): socket {s} came from its parent across exec; its calls are left out",
                p.pid,
                p.command()
            ));
        }
    }
    calls.sort_by_key(|&(t, k, _)| (t, k));
    let mut lines = Vec::new();
    let mut last: Option<u64> = None;
    for (t, k, c) in calls {
        if let Some(prev) = last {
            let ms = t.saturating_sub(prev) / 1_000_000;
            if ms >= SLEEP_GAP_MS {
                lines.push(step_json(&Step {
                    line: 0,
                    sock: String::new(),
                    op: Op::Sleep {
                        ms: ms.min(crate::trace::MAX_SLEEP_MS),
                    },
                }));
            }
        }
        last = Some(t);
        if c.control.is_some() {
            notes.push(format!(
                "process {} ({}): the control messages of a sendmsg on {} are left out (the \
                 exchange format has none)",
                procs[k].pid,
                procs[k].command(),
                c.step.sock
            ));
        }
        let step = Step {
            line: 0,
            sock: format!("p{}.{}", k + 1, c.step.sock),
            op: c.step.op.clone(),
        };
        lines.push(step_json(&step));
    }
    Merged { lines, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_file_reads_into_steps_and_results() {
        let dir = std::env::temp_dir().join(format!("capture-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("42.jsonl");
        std::fs::write(
            &f,
            concat!(
                "{\"process\":42,\"ppid\":1,\"cmdline\":\"6970006c696e6b00\",\"start_ticks\":7,\"unix_time\":1700000000,\"t\":1}\n",
                "{\"op\":\"socket\",\"sock\":\"s1\",\"t0\":1,\"type\":524291,\"protocol\":0,\"t1\":2,\"ret\":3}\n",
                "{\"op\":\"bind\",\"sock\":\"s1\",\"t0\":3,\"addr\":\"100000000000000000000000\",\"t1\":4,\"ret\":0}\n",
                "{\"op\":\"recv\",\"sock\":\"s1\",\"t0\":5,\"len\":100,\"flags\":64,\"t1\":6,\"ret\":-1,\"errno\":11}\n",
                "{\"op\":\"getsockname\",\"sock\":\"s1\",\"t0\":7,\"out\":\"100000002a00000001000000\",\"t1\":8,\"ret\":0}\n",
                "{\"op\":\"send\",\"sock\":\"s1\",\"t0\":9,\"flags\":0,\"hex\":\"1400\"",
            ),
        )
        .unwrap();
        let p = load_file(&f).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!((p.pid, p.ppid, p.command().as_str()), (42, 1, "ip link"));
        // The cut last line (a process killed mid-write) is dropped.
        assert_eq!(p.calls.len(), 4);
        assert_eq!(p.calls[0].step.op, Op::Socket { protocol: 0, ty: 3 });
        assert_eq!(p.calls[1].step.op, Op::Bind(BindAddr::new(0, 0)));
        assert_eq!(p.calls[2].result.outcome, Outcome::Errno(Errno(11)));
        assert_eq!(
            p.calls[2].when(),
            6,
            "a receive takes effect when it returns"
        );
        assert_eq!(
            p.calls[3].result.outcome,
            Outcome::Ok {
                ret: 0,
                data: OpData::Address(Addr { pid: 42, groups: 1 })
            }
        );
    }
}
