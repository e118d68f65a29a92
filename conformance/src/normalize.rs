//! The named normalizations of the design, and nothing else: symbolic portids and the volatile
//! fields of one table ([`VOLATILE_FIELDS`], kept in the wire catalogue with its reasons).
//!
//! - the backend's tgid becomes `"tgid"`;
//! - an autobind rover portid, checked to lie in [-2^31, -4097] as an s32, becomes `"rover1"`,
//!   `"rover2"`, ... in order of first appearance.
//!
//! They are replaced wherever a portid appears: getsockname/getpeername `pid`, recv `from.pid`,
//! and the `nlmsg_pid` of every netlink message inside a received datagram (which is decoded
//! into its messages so differences read per field). Any other value, including a portid
//! outside those ranges, is left as it is, so a wrong portid still shows as a difference.
//! Every masked byte is counted.

use std::ops::Range;

use nltwin_wire::catalogue::decode;
use nltwin_wire::nlmsg::{self, Lenient};
use serde_json::{json, Map, Value};

use crate::results::{Addr, DataFields, OpData, OpResult, Outcome};

pub use nltwin_wire::catalogue::{MaskWhen, VolatileField, VOLATILE_FIELDS};

/// A portid after normalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Portid {
    /// The caller's tgid: `"tgid"`.
    Tgid,
    /// The n-th autobind rover portid of the run (from 1): `"rover<n>"`.
    Rover(usize),
    /// Any other value, as it is.
    Other(u32),
}

impl Portid {
    /// As the normalized results write it: the symbol, or the number.
    pub fn to_json(self) -> Value {
        match self {
            Portid::Tgid => Value::String("tgid".into()),
            Portid::Rover(n) => Value::String(format!("rover{n}")),
            Portid::Other(p) => json!(p),
        }
    }
}

/// A socket address after normalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NormAddr {
    /// The portid, symbolic where the normalizations say.
    pub pid: Portid,
    /// The groups, as they are.
    pub groups: u32,
}

/// Bytes with some ranges masked: masked bytes read as zero and compare equal whatever they
/// were; two values are equal when the same bytes are masked and the others are equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Masked {
    bytes: Vec<u8>,
    /// Sorted, merged, non-empty ranges.
    masked: Vec<Range<usize>>,
}

impl Masked {
    /// `bytes` with `ranges` masked.
    pub fn new(mut bytes: Vec<u8>, ranges: &[Range<usize>]) -> Masked {
        let mut rs: Vec<Range<usize>> = ranges
            .iter()
            .map(|r| r.start.min(bytes.len())..r.end.min(bytes.len()))
            .filter(|r| !r.is_empty())
            .collect();
        rs.sort_by_key(|r| r.start);
        let mut masked: Vec<Range<usize>> = Vec::new();
        for r in rs {
            match masked.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => masked.push(r),
            }
        }
        for r in &masked {
            bytes[r.clone()].fill(0);
        }
        Masked { bytes, masked }
    }

    /// The bytes, masked ones zero.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether byte `i` is masked.
    pub fn is_masked(&self, i: usize) -> bool {
        self.masked.iter().any(|r| r.contains(&i))
    }

    /// Hex, masked bytes written `xx`.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(self.bytes.len() * 2);
        for (i, b) in self.bytes.iter().enumerate() {
            if self.is_masked(i) {
                s.push_str("xx");
            } else {
                s.push_str(&format!("{b:02x}"));
            }
        }
        s
    }
}

/// One netlink message of a received datagram, normalized.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NormMessage {
    /// The header as written.
    pub header: nlmsg::Repr,
    /// `nlmsg_pid`, symbolic where the normalizations say (the header's own is not compared).
    pub pid: Portid,
    /// The payload after the header (the bytes present), volatile fields masked.
    pub payload: Masked,
    /// When the datagram held fewer bytes than `nlmsg_len`: how many it held.
    pub truncated_to: Option<usize>,
}

impl NormMessage {
    /// The message's bytes as the catalogue reads them: the header (pid zero) and the payload
    /// (masked bytes zero).
    pub fn bytes(&self) -> Vec<u8> {
        let mut b = nlmsg::Repr {
            pid: 0,
            ..self.header
        }
        .to_bytes()
        .to_vec();
        b.extend_from_slice(self.payload.bytes());
        b
    }
}

/// A received datagram's parts after normalization: its messages, and bytes after them that
/// do not start one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NormPart {
    /// A message.
    Message(NormMessage),
    /// What is left: bytes that cannot start a message.
    Trailing(Vec<u8>),
}

impl NormPart {
    fn to_json(&self) -> Value {
        match self {
            NormPart::Message(m) => {
                let mut v = json!({
                    "len": m.header.length,
                    "type": m.header.msg_type,
                    "flags": format!("{:#x}", m.header.flags),
                    "seq": m.header.seq,
                    "pid": m.pid.to_json(),
                    "payload": m.payload.hex(),
                });
                if let Some(n) = m.truncated_to {
                    v["truncated_to"] = json!(n);
                }
                v
            }
            NormPart::Trailing(b) => json!({"trailing": hex::encode(b)}),
        }
    }
}

/// What a successful operation returns, normalized.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum NormData {
    /// Nothing.
    #[default]
    None,
    /// getsockname / getpeername.
    Address(NormAddr),
    /// getsockopt (compared as it is).
    SockOpt {
        /// The option bytes.
        bytes: Vec<u8>,
        /// The optlen written back.
        len: usize,
    },
    /// recv: the datagram decoded into its messages.
    Recv {
        /// The messages.
        messages: Vec<NormPart>,
        /// `msg_flags`.
        msg_flags: i32,
        /// The sender.
        from: NormAddr,
    },
}

fn norm_addr_json(a: &NormAddr) -> Value {
    json!({"pid": a.pid.to_json(), "groups": a.groups})
}

impl DataFields for NormData {
    fn write_fields(&self, out: &mut Map<String, Value>) {
        match self {
            NormData::None => {}
            NormData::Address(a) => {
                out.insert("pid".into(), a.pid.to_json());
                out.insert("groups".into(), json!(a.groups));
            }
            NormData::SockOpt { bytes, len } => {
                out.insert("hex".into(), Value::String(hex::encode(bytes)));
                out.insert("len".into(), json!(len));
            }
            NormData::Recv {
                messages,
                msg_flags,
                from,
            } => {
                out.insert(
                    "messages".into(),
                    Value::Array(messages.iter().map(NormPart::to_json).collect()),
                );
                out.insert("msg_flags".into(), json!(msg_flags));
                out.insert("from".into(), norm_addr_json(from));
            }
        }
    }
}

/// A result after normalization.
pub type NormResult = OpResult<NormData>;

impl NormResult {
    /// The received messages, if this is a successful recv.
    pub fn messages(&self) -> &[NormPart] {
        match self.data() {
            Some(NormData::Recv { messages, .. }) => messages,
            _ => &[],
        }
    }
}

/// The byte ranges of a message (offsets from its header) that [`VOLATILE_FIELDS`] mask;
/// `set_by_scenario` says whether bytes appear in the scenario's requests.
fn volatile_ranges(
    protocol: u16,
    msg: &[u8],
    set_by_scenario: &dyn Fn(&[u8]) -> bool,
) -> Vec<Range<usize>> {
    let Ok(h) = nlmsg::Repr::parse_bytes(msg) else {
        return Vec::new();
    };
    let protocol = protocol as i32;
    let fields = || {
        VOLATILE_FIELDS
            .iter()
            .filter(move |f| f.applies_to(protocol, h.msg_type))
    };
    if fields().next().is_none() {
        return Vec::new();
    }
    let d = decode(protocol, msg);
    fields()
        .filter_map(|f| f.mask(&d, set_by_scenario))
        .collect()
}

/// Symbol assignment for one trace.
#[derive(Debug)]
struct Symbols {
    tgid: u32,
    rovers: Vec<u32>,
}

impl Symbols {
    fn symbol(&mut self, pid: u32) -> Portid {
        if pid == self.tgid {
            return Portid::Tgid;
        }
        if (pid as i32) <= -4097 {
            let n = match self.rovers.iter().position(|&r| r == pid) {
                Some(i) => i + 1,
                None => {
                    self.rovers.push(pid);
                    self.rovers.len()
                }
            };
            return Portid::Rover(n);
        }
        Portid::Other(pid)
    }

    fn portid(&mut self, pid: u32, masked: &mut usize) -> Portid {
        let p = self.symbol(pid);
        if p != Portid::Other(pid) {
            *masked += 4;
        }
        p
    }

    fn addr(&mut self, a: Addr, masked: &mut usize) -> NormAddr {
        NormAddr {
            pid: self.portid(a.pid, masked),
            groups: a.groups,
        }
    }
}

/// A trace after normalization.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalized {
    /// One normalized result per operation.
    pub results: Vec<NormResult>,
    /// Bytes of received data compared (datagram bytes and addresses).
    pub bytes_compared: usize,
    /// Of those, bytes replaced by symbols.
    pub bytes_masked: usize,
}

/// Decode a received datagram into its messages with symbolic pids and volatile fields
/// masked. A message cut short by a small receive buffer is decoded as far as it goes.
fn decode_datagram(
    protocol: u16,
    bytes: &[u8],
    syms: &mut Symbols,
    masked: &mut usize,
    set_by_scenario: &dyn Fn(&[u8]) -> bool,
) -> Vec<NormPart> {
    let mut walk = Lenient::new(bytes);
    let mut parts = Vec::new();
    for m in walk.by_ref() {
        // A truncated message is masked over the bytes both sides have.
        let vol = volatile_ranges(protocol, m.bytes, set_by_scenario);
        *masked += vol.iter().map(|r| r.len()).sum::<usize>();
        let vol: Vec<_> = vol
            .into_iter()
            .map(|r| r.start - nlmsg::HEADER_LEN..r.end - nlmsg::HEADER_LEN)
            .collect();
        parts.push(NormPart::Message(NormMessage {
            header: nlmsg::Repr { pid: 0, ..m.header },
            pid: syms.portid(m.header.pid, masked),
            payload: Masked::new(m.payload().to_vec(), &vol),
            truncated_to: m.is_truncated().then_some(m.bytes.len()),
        }));
    }
    if !walk.rest().is_empty() {
        parts.push(NormPart::Trailing(walk.rest().to_vec()));
    }
    parts
}

/// Apply the named normalizations to the results of a run whose caller had `tgid`;
/// `protocol_of` gives each socket's netlink protocol (for volatile fields). Every address
/// counts as set by the scenario (see [`normalize_with`]).
pub fn normalize(tgid: u32, results: &[OpResult], protocol_of: &dyn Fn(&str) -> u16) -> Normalized {
    normalize_with(tgid, results, protocol_of, &|_| true)
}

/// The bytes a scenario sent, for [`normalize_with`]: whether a value appears in them.
pub fn sent_by_scenario(trace: &crate::trace::Trace) -> impl Fn(&[u8]) -> bool {
    let sent: Vec<Vec<u8>> = trace
        .steps
        .iter()
        .filter_map(|s| match &s.op {
            crate::trace::Op::Send { data, .. } => Some(data.clone()),
            _ => None,
        })
        .collect();
    move |v: &[u8]| !v.is_empty() && sent.iter().any(|d| d.windows(v.len()).any(|w| w == v))
}

/// [`normalize`], with `set_by_scenario` telling which values the scenario itself sent (a
/// random MAC is masked only when it is not one of them).
pub fn normalize_with(
    tgid: u32,
    results: &[OpResult],
    protocol_of: &dyn Fn(&str) -> u16,
    set_by_scenario: &dyn Fn(&[u8]) -> bool,
) -> Normalized {
    let mut syms = Symbols {
        tgid,
        rovers: Vec::new(),
    };
    let (mut compared, mut masked) = (0, 0);
    let out = results
        .iter()
        .map(|r| {
            let outcome = match &r.outcome {
                Outcome::Ok { ret, data } => Outcome::Ok {
                    ret: *ret,
                    data: match data {
                        OpData::None => NormData::None,
                        OpData::Address(a) => {
                            compared += 4;
                            NormData::Address(syms.addr(*a, &mut masked))
                        }
                        OpData::SockOpt { bytes, len } => {
                            compared += bytes.len();
                            NormData::SockOpt {
                                bytes: bytes.clone(),
                                len: *len,
                            }
                        }
                        OpData::Recv {
                            bytes,
                            msg_flags,
                            from,
                        } => {
                            compared += bytes.len();
                            let messages = decode_datagram(
                                protocol_of(&r.sock),
                                bytes,
                                &mut syms,
                                &mut masked,
                                set_by_scenario,
                            );
                            compared += 8;
                            NormData::Recv {
                                messages,
                                msg_flags: *msg_flags,
                                from: syms.addr(*from, &mut masked),
                            }
                        }
                    },
                },
                Outcome::Errno(e) => Outcome::Errno(*e),
                Outcome::Unimplemented(u) => Outcome::Unimplemented(u.clone()),
            };
            OpResult {
                op: r.op,
                sock: r.sock.clone(),
                outcome,
            }
        })
        .collect();
    Normalized {
        results: out,
        bytes_compared: compared,
        bytes_masked: masked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nltwin_wire::builder::MessageBuilder;
    use nltwin_wire::catalogue::decode;
    use nltwin_wire::uapi::if_link::*;
    use nltwin_wire::uapi::netlink::{NETLINK_ROUTE, NLMSG_DONE, NLM_F_MULTI};
    use nltwin_wire::uapi::rtnetlink::RTM_NEWLINK;
    use nltwin_wire::uapi::socket::{AF_INET6, PF_BRIDGE};

    /// Results as the exchange format writes them.
    fn results(lines: &[Value]) -> Vec<OpResult> {
        lines
            .iter()
            .map(|v| OpResult::from_json(v).unwrap())
            .collect()
    }

    fn msg_hex(pid: u32) -> String {
        // NLMSG_DONE with its error code 0.
        hex::encode(
            MessageBuilder::new(NLMSG_DONE, NLM_F_MULTI, 1, pid)
                .payload(&[0; 4])
                .build(),
        )
    }

    /// Where the payload of the attribute at `path` starts in `msg`.
    fn payload_at(msg: &[u8], path: &[u16]) -> usize {
        decode(NETLINK_ROUTE, msg)
            .find_path(path)
            .unwrap()
            .payload_offset()
    }

    #[test]
    fn tgid_and_rovers_become_symbols_consistently() {
        let rover_a = (-5000i32) as u32;
        let rover_b = (-2_000_000_000i32) as u32;
        let run = |tgid: u32, a: u32, b: u32| {
            normalize(
                tgid,
                &results(&[
                    json!({"op":"getsockname","sock":"a","ret":0,"pid":tgid,"groups":0}),
                    json!({"op":"getsockname","sock":"b","ret":0,"pid":a,"groups":0}),
                    json!({"op":"getsockname","sock":"c","ret":0,"pid":b,"groups":0}),
                    json!({"op":"recv","sock":"b","ret":20,"hex":msg_hex(a),"msg_flags":0,"from":{"pid":0,"groups":0}}),
                ]),
                &|_| 0,
            )
        };
        let kernel = run(1234, rover_a, rover_b);
        let model = run(1000, (-4097i32) as u32, (-7_000_000i32) as u32);
        assert_eq!(kernel.results, model.results);
        assert_eq!(kernel.results[1].to_json()["pid"], "rover1");
        assert_eq!(kernel.results[3].to_json()["messages"][0]["pid"], "rover1");
        assert_eq!(kernel.bytes_masked, 16);
        assert_eq!(kernel.bytes_compared, 12 + 20 + 8);
    }

    fn rec(b: &[u8]) -> OpResult {
        OpResult::from_json(&json!({"op":"recv","sock":"r","ret":b.len(),"hex":hex::encode(b),"msg_flags":0,"from":{"pid":0,"groups":0}})).unwrap()
    }

    #[test]
    fn volatile_cacheinfo_is_masked_by_path_and_nothing_else() {
        // lo as the kernel sent it, and a copy with other cacheinfo values and another MTU.
        let lo = include_bytes!("../../wire/tests/data/lo.bin").to_vec();
        let mut other = lo.clone();
        let ci = payload_at(&lo, &[IFLA_AF_SPEC, AF_INET6 as u16, IFLA_INET6_CACHEINFO]);
        other[ci + 4..ci + 12].copy_from_slice(&[9; 8]);
        let route = |_: &str| 0;
        let (a, b) = (
            normalize(1, &[rec(&lo)], &route),
            normalize(1, &[rec(&other)], &route),
        );
        assert_eq!(a.results, b.results);
        assert_eq!(a.bytes_masked, 8);
        // The same bytes on a GENERIC socket are not a link message: not masked.
        let generic = |_: &str| 16;
        assert_ne!(
            normalize(1, &[rec(&lo)], &generic).results,
            normalize(1, &[rec(&other)], &generic).results
        );
        // A different MTU is still a difference.
        let mtu = payload_at(&lo, &[IFLA_MTU]);
        let mut mtu_changed = lo.clone();
        mtu_changed[mtu] ^= 1;
        assert_ne!(
            a.results,
            normalize(1, &[rec(&mtu_changed)], &route).results
        );
    }

    #[test]
    fn a_wrong_portid_outside_the_ranges_still_differs() {
        let r = |pid: u32| {
            normalize(
                1234,
                &results(&[json!({"op":"getsockname","sock":"a","ret":0,"pid":pid,"groups":0})]),
                &|_| 0,
            )
        };
        // -4096 is just above the rover range; 1235 is not the tgid.
        assert_ne!(r(1234).results, r(1235).results);
        assert_ne!(r(1234).results, r((-4096i32) as u32).results);
        assert_eq!(r((-4096i32) as u32).bytes_masked, 0);
    }

    #[test]
    fn random_macs_are_masked_only_when_the_scenario_did_not_set_them() {
        let lo = include_bytes!("../../wire/tests/data/lo.bin").to_vec();
        let at = payload_at(&lo, &[IFLA_ADDRESS]);
        let with = |mac: [u8; 6]| {
            let mut m = lo.clone();
            m[at..at + 6].copy_from_slice(&mac);
            rec(&m)
        };
        let route = |_: &str| 0;
        let (r1, r2) = (
            [0x7e, 0x78, 0xa7, 0x90, 0xb6, 0xce],
            [0xbe, 0x5d, 0xc3, 0xcf, 0xb8, 0xca],
        );
        let unset = |_: &[u8]| false;
        let n = |mac, set: &dyn Fn(&[u8]) -> bool| normalize_with(1, &[with(mac)], &route, set);
        // Two random addresses nobody asked for: masked, 6 bytes more than the cacheinfo.
        assert_eq!(n(r1, &unset).results, n(r2, &unset).results);
        assert_eq!(n(r1, &unset).bytes_masked, 8 + 6);
        // One the scenario set is compared.
        let set_r1 = |v: &[u8]| v == r1;
        assert_ne!(n(r1, &set_r1).results, n(r2, &set_r1).results);
        // A universally administered or multicast address is not random: compared.
        let universal = [0x00, 0x5d, 0xc3, 0xcf, 0xb8, 0xca];
        let multicast = [0x03, 0x5d, 0xc3, 0xcf, 0xb8, 0xca];
        assert_ne!(n(r1, &unset).results, n(universal, &unset).results);
        assert_ne!(n(r1, &unset).results, n(multicast, &unset).results);
        // `normalize` counts every address as set.
        assert_ne!(
            normalize(1, &[with(r1)], &route).results,
            normalize(1, &[with(r2)], &route).results
        );
    }

    #[test]
    fn running_timers_are_masked_stopped_ones_compared() {
        // A PF_BRIDGE RTM_NEWLINK whose IFLA_PROTINFO holds IFLA_BRPORT_FORWARD_DELAY_TIMER.
        let with = |ticks: u64| {
            let hdr = nltwin_wire::ifinfomsg::Repr {
                family: PF_BRIDGE,
                ..Default::default()
            };
            rec(&MessageBuilder::new(RTM_NEWLINK, 0, 0, 0)
                .header(&hdr.to_bytes())
                .nest_flagged(IFLA_PROTINFO, |b| {
                    b.u64(IFLA_BRPORT_FORWARD_DELAY_TIMER, ticks)
                })
                .build())
        };
        let n = |ticks| normalize(1, &[with(ticks)], &|_| 0);
        assert_eq!(n(1500).results, n(1499).results, "a running timer: masked");
        assert_eq!(n(1500).bytes_masked, 8);
        assert_ne!(
            n(0).results,
            n(1500).results,
            "stopped against running: compared"
        );
        assert_eq!(n(0).bytes_masked, 0);
    }

    #[test]
    fn masks_are_canonical() {
        let a = Masked::new(vec![1, 2, 3, 4, 5], &[1..3, 2..4, 7..9]);
        let b = Masked::new(vec![1, 9, 9, 9, 5], &[1..2, 2..4]);
        assert_eq!(a, b);
        assert_eq!(a.hex(), "01xxxxxx05");
        assert_ne!(a, Masked::new(vec![1, 0, 0, 0, 5], &[]));
    }
}
