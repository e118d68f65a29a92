//! The netlink exchanges of a command's processes on the two sides, compared process by
//! process: `nltwin diff --commands` beside its comparison of what the commands print.
//!
//! Processes are matched by command line, in order of start: the n-th process of a command line
//! on the kernel side with the n-th of the same command line on the model side (a process that
//! made no netlink call is not captured and not matched). Each pair's calls are compared in the
//! order the process made them, never across processes (their interleaving is timing): first
//! the requests (a program that asks differently was answered differently before), then the
//! results, normalized.
//!
//! Normalizations, each for a stated reason, applied to the model side's bytes so that the
//! kernel's stay as they were in reports:
//!
//! - **pids.** The two runs' processes have different pids, and a port id derived from a pid
//!   (the kernel's autobind gives the first socket the tgid; libnl and pyroute2 bind
//!   `pid & 0x3fffff | n << 22`) names the process. A model port id whose low 22 bits are a
//!   matched model process's pid (and whose top bit is clear: autobind rovers are negative)
//!   gets the matched kernel process's pid there, wherever a port id appears: bind and connect
//!   addresses, a send's destination, `nlmsg_pid` of sent and received messages and of the
//!   request an error or ack quotes, getsockname, getpeername and a receive's sender. The
//!   harness's own normalization then names each process's own pid `tgid` and rovers `roverN`.
//! - **time-based sequence numbers.** `ip` (libnetlink's `rtnl_open`) starts its sequence at
//!   `time(NULL)`: the runs, seconds apart, number their requests differently. A process whose
//!   first request's sequence number lies within a day of the wall clock at its first call
//!   starts from time; on the model side, a sequence number `s` of such a process (a message it
//!   sent, or one it or another process received whose `nlmsg_pid` is one of its port ids,
//!   quoted requests included) in `[base, base + 2^24)` becomes `s - base + kernel's base`.
//! - **device counters** (`IFLA_STATS`, `IFLA_STATS64`, and IPv6's `IFLA_INET6_STATS` and
//!   `IFLA_INET6_ICMP6STATS` under `IFLA_AF_SPEC`, or under `IFLA_PROTINFO` in an AF_INET6
//!   message) are zeroed on both sides. A device that is
//!   up sends its own traffic (router and neighbour solicitations, MLD reports) on timers with
//!   random delays, so what a command reads depends on the moment it reads: timing, not the
//!   mechanism. Counters stay compared where they are deterministic: the trace suite (whose
//!   scenarios control time) and the command scenarios' printed output (`ip -s link` in a
//!   script that keeps its devices quiet).
//! - **multicast neighbour entries of IPv6's own reports.** A device that is up sends MLD
//!   reports after a random delay; sending one makes a NOARP neighbour entry for the group
//!   (`ff02::16`...) on that device. Whether a neighbour dump meets it depends on that delay, so
//!   an `RTM_NEWNEIGH` whose state is NUD_NOARP and whose destination is multicast (IPv6
//!   `ff00::/8`, IPv4 `224.0.0.0/4`) is dropped from received datagrams on both sides (the
//!   receive's length less by as much), as the pyroute2 command scenario leaves them out of its
//!   output.
//! - **volatile fields and random MAC addresses**: as every other diff
//!   ([`crate::normalize::VOLATILE_FIELDS`]), a MAC counting as set by the scenario when any
//!   process of the kernel side sent it.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::capture::{Call, Process};
use crate::diff::OpDiff;
use crate::normalize::{normalize_with, NormResult};
use crate::results::{Addr, OpData, OpKind, OpResult, Outcome};
use crate::trace::Op;

/// How one matched pair of processes (or an unmatched process) compares.
#[derive(Clone, Debug, PartialEq)]
pub enum ProcessVerdict {
    /// Every call agreed.
    Same,
    /// The process made netlink calls on the kernel side only.
    KernelOnly,
    /// The process made netlink calls on the model side only.
    ModelOnly,
    /// The process asked something else at call `index` (0-based): what it asked on each side
    /// (as trace lines), and the first differences, named.
    Request {
        /// The call.
        index: usize,
        /// The kernel side's request, as a trace line.
        kernel: Value,
        /// The model side's request.
        model: Value,
        /// The first differences, named (a sent datagram read through the catalogue).
        explain: Vec<String>,
    },
    /// Results differ (the requests before them agreed).
    Results(Vec<OpDiff>),
    /// Every call both made agreed, but one side made more.
    Count {
        /// Calls on the kernel side.
        kernel: usize,
        /// Calls on the model side.
        model: usize,
    },
}

/// One process of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessReport {
    /// Its command line.
    pub command: String,
    /// Its pid on the kernel side, if it ran there.
    pub kernel_pid: Option<u32>,
    /// Its pid on the model side.
    pub model_pid: Option<u32>,
    /// Its calls on each side.
    pub calls: (usize, usize),
    /// Same, or what differs.
    pub verdict: ProcessVerdict,
}

impl ProcessReport {
    /// Whether the process agrees.
    pub fn same(&self) -> bool {
        self.verdict == ProcessVerdict::Same
    }

    /// The process for people: `ip link add ... (kernel pid 12, model pid 34)`.
    pub fn name(&self) -> String {
        let pid = |p: Option<u32>| p.map_or_else(|| "-".to_owned(), |p| p.to_string());
        format!(
            "{} (kernel pid {}, model pid {})",
            self.command,
            pid(self.kernel_pid),
            pid(self.model_pid)
        )
    }

    /// The report as JSON.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "command": self.command,
            "kernel_pid": self.kernel_pid,
            "model_pid": self.model_pid,
            "calls": {"kernel": self.calls.0, "model": self.calls.1},
            "verdict": if self.same() { "same" } else { "differ" },
        });
        match &self.verdict {
            ProcessVerdict::Same => {}
            ProcessVerdict::KernelOnly => {
                v["difference"] = json!("made netlink calls on the kernel side only")
            }
            ProcessVerdict::ModelOnly => {
                v["difference"] = json!("made netlink calls on the model side only")
            }
            ProcessVerdict::Request {
                index,
                kernel,
                model,
                explain,
            } => {
                v["difference"] = json!({
                    "request": index + 1,
                    "kernel": kernel,
                    "model": model,
                    "explain": explain,
                })
            }
            ProcessVerdict::Results(d) => {
                v["difference"] = json!({
                    "results": d.iter().map(|o| json!({
                        "call": o.index + 1,
                        "explain": crate::explain::explain(o.protocol, &o.kernel, &o.model),
                        "kernel": o.kernel.to_json(),
                        "model": o.model.to_json(),
                    })).collect::<Vec<_>>(),
                })
            }
            ProcessVerdict::Count { kernel, model } => {
                v["difference"] = json!({"calls": {"kernel": kernel, "model": model}})
            }
        }
        v
    }

    /// The report as text: nothing when same, else the process and what differs (kernel
    /// `<`, model `>`).
    pub fn render(&self) -> String {
        let name = self.name();
        match &self.verdict {
            ProcessVerdict::Same => String::new(),
            ProcessVerdict::KernelOnly => {
                format!("  process {name}: made netlink calls on the kernel side only\n")
            }
            ProcessVerdict::ModelOnly => {
                format!("  process {name}: made netlink calls on the model side only\n")
            }
            ProcessVerdict::Request {
                index,
                kernel,
                model,
                explain,
            } => {
                // A request's whole hex is in the JSON; here its start is enough to see it.
                let cut = |v: &Value| {
                    let t = v.to_string();
                    match t.char_indices().nth(240) {
                        Some((i, _)) => format!("{}...", &t[..i]),
                        None => t,
                    }
                };
                let mut s = format!(
                    "  process {name}: call {} asks differently\n    < {}\n    > {}\n",
                    index + 1,
                    cut(kernel),
                    cut(model)
                );
                for l in explain {
                    s += &format!("    {l}\n");
                }
                s
            }
            ProcessVerdict::Results(d) => {
                let mut s = format!(
                    "  process {name}: {} of its calls answered differently\n",
                    d.len()
                );
                for o in d.iter().take(5) {
                    let op = o.kernel.op.name();
                    s += &format!("    call {} ({op} on {}):\n", o.index + 1, o.kernel.sock);
                    for l in crate::explain::explain(o.protocol, &o.kernel, &o.model) {
                        s += &format!("      {l}\n");
                    }
                }
                if d.len() > 5 {
                    s += "      ...\n";
                }
                s
            }
            ProcessVerdict::Count { kernel, model } => format!(
                "  process {name}: made {kernel} netlink calls on the kernel side, {model} on the \
                 model side (the first {} agree)\n",
                kernel.min(model)
            ),
        }
    }
}

/// Each kernel process's model partner: by command line, in order of start.
fn pair(kernel: &[Process], model: &[Process]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut taken = vec![false; model.len()];
    let mut out = Vec::new();
    for (i, k) in kernel.iter().enumerate() {
        let m = model
            .iter()
            .enumerate()
            .position(|(j, m)| !taken[j] && m.cmdline == k.cmdline);
        if let Some(j) = m {
            taken[j] = true;
        }
        out.push((Some(i), m));
    }
    for (j, t) in taken.iter().enumerate() {
        if !t {
            out.push((None, Some(j)));
        }
    }
    out
}

/// The low 22 bits of a port id that libnl, pyroute2 and autobind's tgid derive from a pid.
const PID_BITS: u32 = 0x3f_ffff;

/// What the model side's numbers become: pids, and time-based sequence bases.
struct Rewrite {
    /// Model pid (its low 22 bits) -> kernel pid, for matched processes.
    pids: HashMap<u32, u32>,
    /// Model port id -> (model base, kernel base), for the sockets of matched processes that
    /// number from time (a socket whose port id is unknown is keyed by its process's pid).
    seqs: HashMap<u32, (u32, u32)>,
}

impl Rewrite {
    /// A model port id as the kernel side would have it.
    fn portid(&self, v: u32) -> u32 {
        if v == 0 || v & 0x8000_0000 != 0 {
            return v;
        }
        match self.pids.get(&(v & PID_BITS)) {
            Some(&k) => (v & !PID_BITS) | (k & PID_BITS),
            None => v,
        }
    }

    /// A sequence number of the socket with model port id `owner` as the kernel side would
    /// have it.
    fn seq(&self, owner: u32, s: u32) -> u32 {
        match self.seqs.get(&owner) {
            Some(&(m, k)) if s.wrapping_sub(m) < 1 << 24 => s.wrapping_sub(m).wrapping_add(k),
            _ => s,
        }
    }

    /// Rewrite the messages of a datagram: `sender` (the sending socket's key) owns those
    /// whose port id is 0.
    fn datagram(&self, b: &mut [u8], sender: Option<u32>) {
        let mut off = 0;
        while off + 16 <= b.len() {
            let len = rd(b, off) as usize;
            let pid = rd(b, off + 12);
            let owner = if pid == 0 { sender } else { Some(pid) };
            self.header(b, off, sender);
            let ty = u16::from_ne_bytes([b[off + 4], b[off + 5]]);
            // NLMSG_ERROR (an error or ack) quotes the request's header after its errno: the
            // request of the socket the error went to.
            if ty == 2 && off + 36 <= b.len() && len >= 36 {
                self.header(b, off + 20, owner);
            }
            if len < 16 {
                break;
            }
            off += (len + 3) & !3;
        }
    }

    /// One nlmsghdr at `off`: its seq (by its owner) and its port id.
    fn header(&self, b: &mut [u8], off: usize, sender: Option<u32>) {
        let pid = rd(b, off + 12);
        let owner = if pid == 0 { sender } else { Some(pid) };
        if let Some(o) = owner {
            wr(b, off + 8, self.seq(o, rd(b, off + 8)));
        }
        wr(b, off + 12, self.portid(pid));
    }

    fn addr(&self, a: &mut Addr) {
        a.pid = self.portid(a.pid);
    }

    /// One of model process `p`'s calls, rewritten (`ports`: its sockets' keys).
    fn call(&self, p: &Process, ports: &HashMap<String, u32>, c: &Call) -> (Op, OpResult) {
        let mut op = c.step.op.clone();
        let key = ports.get(&c.step.sock).copied().unwrap_or(p.pid);
        match &mut op {
            Op::Bind(a) | Op::Connect(a) => a.pid = self.portid(a.pid),
            Op::Send { data, to, .. } => {
                if let Some(t) = to {
                    t.pid = self.portid(t.pid);
                }
                self.datagram(data, Some(key));
            }
            _ => {}
        }
        let mut r = c.result.clone();
        if let Outcome::Ok { data, .. } = &mut r.outcome {
            match data {
                OpData::Address(a) => self.addr(a),
                OpData::Recv { bytes, from, .. } => {
                    self.addr(from);
                    // A message with no port id (the kernel's own, unsolicited) answers
                    // nobody's request.
                    self.datagram(bytes, None);
                }
                _ => {}
            }
        }
        (op, r)
    }
}

/// Each socket's port id as its process learnt it (getsockname), or bound explicitly.
fn ports(p: &Process) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for c in &p.calls {
        let port = match (&c.step.op, c.result.data()) {
            (Op::GetSockName, Some(OpData::Address(a))) => a.pid,
            (Op::Bind(a), Some(_)) => a.pid,
            _ => 0,
        };
        if port != 0 {
            out.insert(c.step.sock.clone(), port);
        }
    }
    out
}

/// The sequence number each socket's numbering starts from, when it comes from the clock: the
/// first sent message's on it whose number lies within a day of the wall clock at the
/// process's first call.
fn time_bases(p: &Process) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for c in &p.calls {
        if let Op::Send { data, .. } = &c.step.op {
            if data.len() >= 16 && !out.contains_key(&c.step.sock) {
                let seq = rd(data, 8);
                if u64::from(seq).abs_diff(p.unix_time) <= 86_400 {
                    out.insert(c.step.sock.clone(), seq);
                }
            }
        }
    }
    out
}

/// `IFLA_STATS`, `IFLA_STATS64`, `IFLA_AF_SPEC`, `IFLA_PROTINFO`; under AF_INET6 (in
/// IFLA_AF_SPEC, or an AF_INET6 message's IFLA_PROTINFO), `IFLA_INET6_STATS` and
/// `IFLA_INET6_ICMP6STATS`.
const IFLA_STATS: u16 = 7;
const IFLA_STATS64: u16 = 23;
const IFLA_AF_SPEC: u16 = 26;
const IFLA_PROTINFO: u16 = 12;
const AF_INET6: u16 = 10;
const IFLA_INET6_STATS: u16 = 3;
const IFLA_INET6_ICMP6STATS: u16 = 6;

/// Zero the device counters of every RTM_NEWLINK message of a received datagram (see the
/// module's normalizations: what they read is timing).
fn zero_counters(b: &mut [u8]) {
    let mut off = 0;
    while off + 16 <= b.len() {
        let len = rd(b, off) as usize;
        if len < 16 {
            break;
        }
        let end = (off + len).min(b.len());
        let ty = u16::from_ne_bytes([b[off + 4], b[off + 5]]);
        // RTM_NEWLINK, after its 16-byte ifinfomsg. An AF_INET6 one (inet6_fill_ifinfo's
        // answer to an AF_INET6 dump) carries IPv6's statistics in IFLA_PROTINFO.
        if ty == 16 && off + 32 <= end {
            let top = if b[off + 16] == AF_INET6 as u8 {
                &[IFLA_PROTINFO][..]
            } else {
                &[][..]
            };
            zero_attrs(&mut b[off + 32..end], &[], top);
        }
        off += (len + 3) & !3;
    }
}

/// Zero the counter attributes among `b`'s attributes (`path`: the nests they are in;
/// `inet6_nests`: top-level nests that hold IPv6's statistics directly).
fn zero_attrs(b: &mut [u8], path: &[u16], inet6_nests: &[u16]) {
    let mut off = 0;
    while off + 4 <= b.len() {
        let len = u16::from_ne_bytes([b[off], b[off + 1]]) as usize;
        let kind = u16::from_ne_bytes([b[off + 2], b[off + 3]]) & 0x3fff;
        if len < 4 {
            break;
        }
        let end = (off + len).min(b.len());
        let inet6 = match path {
            [IFLA_AF_SPEC, AF_INET6] => true,
            [p] => inet6_nests.contains(p),
            _ => false,
        };
        let counters = match path {
            [] => kind == IFLA_STATS || kind == IFLA_STATS64,
            _ => inet6 && (kind == IFLA_INET6_STATS || kind == IFLA_INET6_ICMP6STATS),
        };
        if counters {
            b[off + 4..end].fill(0);
        } else if path.is_empty() && (kind == IFLA_AF_SPEC || inet6_nests.contains(&kind))
            || path == [IFLA_AF_SPEC] && kind == AF_INET6
        {
            let mut sub = path.to_vec();
            sub.push(kind);
            zero_attrs(&mut b[off + 4..end], &sub, inet6_nests);
        }
        off += (len + 3) & !3;
    }
}

/// Whether the message at the start of `m` (a whole message) is a multicast NOARP neighbour
/// entry: RTM_NEWNEIGH, ndm_state NUD_NOARP, NDA_DST multicast.
fn multicast_noarp_neighbour(m: &[u8]) -> bool {
    const RTM_NEWNEIGH: u16 = 28;
    const NUD_NOARP: u16 = 0x40;
    const NDA_DST: u16 = 1;
    if m.len() < 28 || u16::from_ne_bytes([m[4], m[5]]) != RTM_NEWNEIGH {
        return false;
    }
    // ndmsg: family, pad, pad, ifindex (4), state (2), flags, type.
    if u16::from_ne_bytes([m[24], m[25]]) != NUD_NOARP {
        return false;
    }
    let mut off = 28;
    while off + 4 <= m.len() {
        let len = u16::from_ne_bytes([m[off], m[off + 1]]) as usize;
        let kind = u16::from_ne_bytes([m[off + 2], m[off + 3]]) & 0x3fff;
        if len < 4 || off + len > m.len() {
            return false;
        }
        if kind == NDA_DST {
            let v = &m[off + 4..off + len];
            return match v.len() {
                16 => v[0] == 0xff,
                4 => v[0] & 0xf0 == 0xe0,
                _ => false,
            };
        }
        off += (len + 3) & !3;
    }
    false
}

/// A received datagram without its multicast NOARP neighbour entries: the bytes and how many
/// were taken out.
fn without_multicast_neighbours(b: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(b.len());
    let mut off = 0;
    while off + 16 <= b.len() {
        let len = rd(b, off) as usize;
        if len < 16 || off + len > b.len() {
            break;
        }
        let next = ((off + len + 3) & !3).min(b.len());
        if !multicast_noarp_neighbour(&b[off..off + len]) {
            out.extend_from_slice(&b[off..next]);
        }
        off = next;
    }
    out.extend_from_slice(&b[off.min(b.len())..]);
    let removed = b.len() - out.len();
    (out, removed)
}

/// A result with the timing normalizations applied: device counters zeroed, multicast
/// neighbour entries of IPv6's own reports dropped.
fn without_counters(mut r: OpResult) -> OpResult {
    if let Outcome::Ok {
        ret,
        data: OpData::Recv { bytes, .. },
    } = &mut r.outcome
    {
        zero_counters(bytes);
        let (kept, removed) = without_multicast_neighbours(bytes);
        if removed > 0 {
            *bytes = kept;
            *ret = ret.saturating_sub(removed);
        }
    }
    r
}

fn rd(b: &[u8], o: usize) -> u32 {
    u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

fn wr(b: &mut [u8], o: usize, v: u32) {
    b[o..o + 4].copy_from_slice(&v.to_ne_bytes());
}

/// The netlink protocol of each socket of a process.
fn protocols(p: &Process) -> HashMap<String, u16> {
    p.calls
        .iter()
        .filter_map(|c| match c.step.op {
            Op::Socket { protocol, .. } => Some((c.step.sock.clone(), protocol as u16)),
            _ => None,
        })
        .collect()
}

/// A sent datagram as a received one, so that the catalogue's reading of received
/// differences names what differs in a request too.
fn as_received(sock: &str, data: &[u8]) -> OpResult {
    OpResult {
        op: OpKind::Recv,
        sock: sock.to_owned(),
        outcome: Outcome::Ok {
            ret: data.len(),
            data: OpData::Recv {
                bytes: data.to_vec(),
                msg_flags: 0,
                from: Addr::default(),
            },
        },
    }
}

/// Compare the captured exchanges of a command's processes, kernel side against model side.
pub fn compare(kernel: &[Process], model: &[Process]) -> Vec<ProcessReport> {
    let pairs = pair(kernel, model);
    let mut rw = Rewrite {
        pids: HashMap::new(),
        seqs: HashMap::new(),
    };
    for (k, m) in &pairs {
        if let (Some(k), Some(m)) = (k, m) {
            let (k, m) = (&kernel[*k], &model[*m]);
            rw.pids.insert(m.pid & PID_BITS, k.pid);
            let (kb, mb, mports) = (time_bases(k), time_bases(m), ports(m));
            for (sock, mbase) in mb {
                if let Some(&kbase) = kb.get(&sock) {
                    let key = mports.get(&sock).copied().unwrap_or(m.pid);
                    rw.seqs.insert(key, (mbase, kbase));
                }
            }
        }
    }
    // A MAC counts as the scenario's when any process of the kernel side sent it.
    let sent: Vec<Vec<u8>> = kernel
        .iter()
        .flat_map(|p| &p.calls)
        .filter_map(|c| match &c.step.op {
            Op::Send { data, .. } => Some(data.clone()),
            _ => None,
        })
        .collect();
    let set = |v: &[u8]| !v.is_empty() && sent.iter().any(|d| d.windows(v.len()).any(|w| w == v));
    pairs
        .into_iter()
        .map(
            |(k, m)| match (k.map(|i| &kernel[i]), m.map(|j| &model[j])) {
                (Some(k), Some(m)) => compare_pair(k, m, &rw, &set),
                (Some(k), None) => ProcessReport {
                    command: k.command(),
                    kernel_pid: Some(k.pid),
                    model_pid: None,
                    calls: (k.calls.len(), 0),
                    verdict: ProcessVerdict::KernelOnly,
                },
                (None, Some(m)) => ProcessReport {
                    command: m.command(),
                    kernel_pid: None,
                    model_pid: Some(m.pid),
                    calls: (0, m.calls.len()),
                    verdict: ProcessVerdict::ModelOnly,
                },
                (None, None) => unreachable!("a pair has a side"),
            },
        )
        .collect()
}

/// The model side's calls in the kernel side's order (indices into `model`), where the two
/// differ only by a receive and the next request on the same socket coming in the other order.
/// A program that reads on an event loop (pyroute2's asyncio core) reads a request's ack
/// whenever its loop gets there, which may be after it has sent its next request; the receive
/// reads what was queued before either way (a socket's queue is first in, first out), so the
/// order says nothing about the kernel. Any other difference of order stays.
fn late_receives_in_kernel_order(kernel: &[Call], model: &[Call]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.len()).collect();
    let kind = |c: &Call| match c.step.op {
        Op::Send { .. } => Some(true),
        Op::Recv { .. } => Some(false),
        _ => None,
    };
    let mut i = 0;
    while i + 1 < kernel.len().min(model.len()) {
        let (k0, k1) = (&kernel[i], &kernel[i + 1]);
        let (m0, m1) = (&model[order[i]], &model[order[i + 1]]);
        let swapped = kind(k0).is_some()
            && kind(k1).is_some()
            && kind(k0) != kind(k1)
            && kind(k0) == kind(m1)
            && kind(k1) == kind(m0)
            && [&k1.step.sock, &m0.step.sock, &m1.step.sock]
                .iter()
                .all(|s| **s == k0.step.sock);
        if swapped {
            order.swap(i, i + 1);
            i += 2;
        } else {
            i += 1;
        }
    }
    order
}

/// One matched pair.
fn compare_pair(
    k: &Process,
    m: &Process,
    rw: &Rewrite,
    set: &dyn Fn(&[u8]) -> bool,
) -> ProcessReport {
    let report = |verdict| ProcessReport {
        command: k.command(),
        kernel_pid: Some(k.pid),
        model_pid: Some(m.pid),
        calls: (k.calls.len(), m.calls.len()),
        verdict,
    };
    let mports = ports(m);
    let order = late_receives_in_kernel_order(&k.calls, &m.calls);
    let mcalls: Vec<(Op, OpResult)> = order
        .iter()
        .map(|&j| rw.call(m, &mports, &m.calls[j]))
        .collect();
    let msteps: Vec<&crate::trace::Step> = order.iter().map(|&j| &m.calls[j].step).collect();
    let protos = protocols(k);
    let protocol_of = |s: &str| protos.get(s).copied().unwrap_or(0);
    // The requests, up to the first that differs.
    let agreed = k.calls.len().min(mcalls.len());
    for (i, (kc, (mop, _))) in k.calls.iter().zip(&mcalls).enumerate() {
        let same_sock = kc.step.sock == msteps[i].sock;
        let mut explain = Vec::new();
        if let (Op::Send { data: kd, .. }, Op::Send { data: md, .. }) = (&kc.step.op, mop) {
            // A request is read as a reply is, with the same normalizations: a program may
            // send back what it was given (`ip addr flush` returns each address as dumped,
            // its cache timestamps included).
            let kn = normalize_with(k.pid, &[as_received(&kc.step.sock, kd)], &protocol_of, set);
            let mn = normalize_with(k.pid, &[as_received(&kc.step.sock, md)], &protocol_of, set);
            let strip = |o: &Op| match o {
                Op::Send { to, flags, .. } => (*to, *flags),
                _ => unreachable!("a send"),
            };
            if same_sock && kn.results == mn.results && strip(&kc.step.op) == strip(mop) {
                continue;
            }
            explain =
                crate::explain::explain(protocol_of(&kc.step.sock), &kn.results[0], &mn.results[0])
                    .into_iter()
                    .map(|l| format!("sent {l}"))
                    .collect();
        } else if kc.step.op == *mop && same_sock {
            continue;
        }
        if explain.is_empty() {
            explain.push("the calls differ (see the two lines)".to_owned());
        }
        let mstep = crate::trace::Step {
            line: msteps[i].line,
            sock: msteps[i].sock.clone(),
            op: mop.clone(),
        };
        return report(ProcessVerdict::Request {
            index: i,
            kernel: crate::capture::step_json(&kc.step),
            model: crate::capture::step_json(&mstep),
            explain,
        });
    }
    let kres: Vec<OpResult> = k.calls[..agreed]
        .iter()
        .map(|c| without_counters(c.result.clone()))
        .collect();
    let mres: Vec<OpResult> = mcalls[..agreed]
        .iter()
        .map(|(_, r)| without_counters(r.clone()))
        .collect();
    let kn = normalize_with(k.pid, &kres, &protocol_of, set);
    // The model's pids are the kernel's by now: its own is the kernel process's tgid.
    let mn = normalize_with(k.pid, &mres, &protocol_of, set);
    let diffs: Vec<OpDiff> = kn
        .results
        .into_iter()
        .zip(mn.results)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(
            |(i, (kernel, model)): (usize, (NormResult, NormResult))| OpDiff {
                index: i,
                line: k.calls[i].step.line,
                protocol: protocol_of(&kernel.sock),
                kernel,
                model,
            },
        )
        .collect();
    if !diffs.is_empty() {
        return report(ProcessVerdict::Results(diffs));
    }
    if k.calls.len() != m.calls.len() {
        return report(ProcessVerdict::Count {
            kernel: k.calls.len(),
            model: m.calls.len(),
        });
    }
    report(ProcessVerdict::Same)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Step;
    use nltwin::transport::{BindAddr, Errno};

    const T: u64 = 1_700_000_000;

    fn hdr(len: u32, ty: u16, flags: u16, seq: u32, pid: u32) -> Vec<u8> {
        let mut b = len.to_ne_bytes().to_vec();
        b.extend_from_slice(&ty.to_ne_bytes());
        b.extend_from_slice(&flags.to_ne_bytes());
        b.extend_from_slice(&seq.to_ne_bytes());
        b.extend_from_slice(&pid.to_ne_bytes());
        b
    }

    /// An RTM_GETLINK request (seq from the clock) and the ack the kernel gives it.
    fn request(seq: u32) -> Vec<u8> {
        let mut b = hdr(32, 18, 0x5, seq, 0);
        b.extend_from_slice(&[0; 16]);
        b
    }

    fn ack(seq: u32, port: u32, errno: i32) -> Vec<u8> {
        let mut b = hdr(36, 2, 0x100, seq, port);
        b.extend_from_slice(&(-errno).to_ne_bytes());
        b.extend_from_slice(&hdr(32, 18, 0x5, seq, 0));
        b
    }

    fn call(i: usize, op: Op, outcome: Outcome<OpData>) -> Call {
        let kind = OpKind::of(&op);
        Call {
            step: Step {
                line: i + 2,
                sock: "s1".into(),
                op,
            },
            result: OpResult {
                op: kind,
                sock: "s1".into(),
                outcome,
            },
            t0: i as u64,
            t1: i as u64,
            inherited: false,
            control: None,
        }
    }

    /// `ip`-like: a socket, bound, its port learnt, one request (numbered from the clock at
    /// `now`), its ack (`errno` 0) read.
    fn process(pid: u32, now: u64, errno: i32) -> Process {
        let ok = |data| Outcome::Ok { ret: 0, data };
        let seq = now as u32;
        let reply = ack(seq, pid, errno);
        Process {
            pid,
            ppid: 1,
            cmdline: vec!["ip".into(), "link".into()],
            start_ticks: 5,
            unix_time: now,
            file: Default::default(),
            calls: vec![
                call(0, Op::Socket { protocol: 0, ty: 3 }, ok(OpData::None)),
                call(1, Op::Bind(BindAddr::new(0, 0)), ok(OpData::None)),
                call(
                    2,
                    Op::GetSockName,
                    ok(OpData::Address(Addr { pid, groups: 0 })),
                ),
                call(
                    3,
                    Op::Send {
                        data: request(seq),
                        to: None,
                        flags: 0,
                        genl_families: vec![],
                    },
                    Outcome::Ok {
                        ret: 32,
                        data: OpData::None,
                    },
                ),
                call(
                    4,
                    Op::Recv {
                        len: 8192,
                        flags: 0,
                    },
                    Outcome::Ok {
                        ret: reply.len(),
                        data: OpData::Recv {
                            bytes: reply,
                            msg_flags: 0,
                            from: Addr::default(),
                        },
                    },
                ),
            ],
        }
    }

    #[test]
    fn other_pids_and_clock_sequence_numbers_are_the_same_exchange() {
        // The model's run came 3 s later, as another pid: its requests and replies carry
        // another port id and sequence numbers, and still agree.
        let r = compare(&[process(100, T, 0)], &[process(4321, T + 3, 0)]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].verdict, ProcessVerdict::Same, "{}", r[0].render());
        assert_eq!(r[0].calls, (5, 5));
    }

    #[test]
    fn a_different_answer_is_reported_with_its_process_call_and_field() {
        let r = compare(&[process(100, T, 0)], &[process(4321, T + 3, 22)]);
        let ProcessVerdict::Results(d) = &r[0].verdict else {
            panic!("{:?}", r[0].verdict);
        };
        assert_eq!((d.len(), d[0].index), (1, 4));
        let text = r[0].render();
        assert!(
            text.contains("process ip link (kernel pid 100, model pid 4321)"),
            "{text}"
        );
        assert!(text.contains("call 5 (recv on s1)"), "{text}");
        assert!(text.contains("NLMSG_ERROR"), "{text}");
        assert_eq!(r[0].to_json()["difference"]["results"][0]["call"], 5);
    }

    #[test]
    fn a_receive_after_the_next_request_on_its_socket_is_the_same_exchange() {
        // The kernel side read the ack before sending again; the model side's event loop got
        // to it after: the same calls, the same answers.
        let again = |p: &Process| {
            let mut c = p.calls[3].clone();
            c.step.line = 5;
            c
        };
        let mut k = process(100, T, 0);
        k.calls.push(again(&k));
        let mut m = process(4321, T + 3, 0);
        let late = m.calls.pop().expect("the receive");
        m.calls.push(again(&m));
        m.calls.push(late.clone());
        let r = compare(&[k.clone()], &[m]);
        assert_eq!(r[0].verdict, ProcessVerdict::Same, "{}", r[0].render());
        // Two places later is another exchange.
        let mut m = process(4321, T + 3, 0);
        m.calls.pop();
        m.calls.push(again(&m));
        m.calls.push(again(&m));
        m.calls.push(late);
        k.calls.push(again(&k));
        let r = compare(&[k], &[m]);
        assert!(
            matches!(r[0].verdict, ProcessVerdict::Request { index: 4, .. }),
            "{:?}",
            r[0].verdict
        );
    }

    #[test]
    fn a_different_request_is_reported_before_any_answer() {
        let mut m = process(4321, T + 3, 22);
        if let Op::Send { data, .. } = &mut m.calls[3].step.op {
            data[4] = 16; // RTM_NEWLINK, not RTM_GETLINK
        }
        let r = compare(&[process(100, T, 0)], &[m]);
        let ProcessVerdict::Request { index, explain, .. } = &r[0].verdict else {
            panic!("{:?}", r[0].verdict);
        };
        assert_eq!(*index, 3);
        assert!(explain.iter().any(|l| l.contains("type")), "{explain:?}");
    }

    #[test]
    fn processes_are_matched_by_command_line_and_the_unmatched_named() {
        let mut extra = process(4322, T + 3, 0);
        extra.cmdline = vec!["ip".into(), "monitor".into()];
        extra.calls[4].result.outcome = Outcome::Errno(Errno(11));
        let r = compare(&[process(100, T, 0)], &[extra, process(4321, T + 3, 0)]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].verdict, ProcessVerdict::Same);
        assert_eq!(r[1].verdict, ProcessVerdict::ModelOnly);
        assert!(r[1].render().contains("ip monitor"), "{}", r[1].render());
    }

    #[test]
    fn counters_and_multicast_noarp_neighbours_are_timing() {
        // RTM_NEWNEIGH, NUD_NOARP, NDA_DST ff02::16: dropped; a unicast one stays.
        let neigh = |first: u8| {
            let mut b = hdr(48, 28, 2, 0, 0);
            b.extend_from_slice(&[10, 0, 0, 0, 3, 0, 0, 0, 0x40, 0, 0, 0]);
            b.extend_from_slice(&20u16.to_ne_bytes());
            b.extend_from_slice(&1u16.to_ne_bytes());
            let mut a = [0u8; 16];
            a[0] = first;
            a[15] = 0x16;
            b.extend_from_slice(&a);
            b
        };
        let mut d = neigh(0xff);
        d.extend(neigh(0xfe));
        let (kept, removed) = without_multicast_neighbours(&d);
        assert_eq!((kept, removed), (neigh(0xfe), 48));
        // IFLA_STATS64 of an RTM_NEWLINK is zeroed; IFLA_MTU is not.
        let mut link = hdr(16 + 16 + 8 + 12, 16, 0, 0, 0);
        link.extend_from_slice(&[0; 16]);
        link.extend_from_slice(&[8, 0, 4, 0, 0xdc, 5, 0, 0]);
        link.extend_from_slice(&[12, 0, 23, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        zero_counters(&mut link);
        assert_eq!(
            &link[32..],
            &[8, 0, 4, 0, 0xdc, 5, 0, 0, 12, 0, 23, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        // An AF_INET6 RTM_NEWLINK's IFLA_PROTINFO/IFLA_INET6_STATS too; a PF_BRIDGE one's
        // IFLA_PROTINFO (bridge port attributes: type 3 is IFLA_BRPORT_PRIORITY) is left alone.
        for (family, zeroed) in [(10u8, true), (7u8, false)] {
            let mut m = hdr(16 + 16 + 16, 16, 0, 0, 0);
            m.extend_from_slice(&[family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            m.extend_from_slice(&[16, 0, 12, 0x80, 12, 0, 3, 0, 9, 9, 9, 9, 9, 9, 9, 9]);
            zero_counters(&mut m);
            assert_eq!(m[40..48] == [0; 8], zeroed, "family {family}");
        }
    }
}
