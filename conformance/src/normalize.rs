//! The named normalizations of the design, and nothing else: symbolic portids and the volatile
//! fields of one table ([`VOLATILE_FIELDS`]).
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

use serde_json::{json, Map, Value};

/// A field whose value legitimately differs between two runs, masked by attribute path.
#[derive(Clone, Debug)]
pub struct VolatileField {
    /// The netlink protocol of the receiving socket.
    pub protocol: u16,
    /// The message type.
    pub msg_type: u16,
    /// The fixed header before the attributes (e.g. 16 for `ifinfomsg`).
    pub hdrlen: usize,
    /// Attribute types from the top level down (flags ignored).
    pub path: &'static [u16],
    /// The masked bytes within the innermost attribute's payload.
    pub bytes: std::ops::Range<usize>,
    /// A readable name for the report.
    pub name: &'static str,
    /// Why it varies.
    pub reason: &'static str,
    /// When the field is masked.
    pub when: MaskWhen,
}

/// When a [`VolatileField`] is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskWhen {
    /// Always.
    Always,
    /// When the bytes are a random MAC the scenario did not set: a locally administered
    /// unicast address (what `eth_random_addr` makes) that appears in none of its requests.
    RandomMac,
    /// When the value is not zero: a running timer's time left (a stopped timer reads 0 and
    /// is compared).
    Nonzero,
}

/// Every volatile field the harness masks: the only place such masks may be added.
pub const VOLATILE_FIELDS: &[VolatileField] = &[VolatileField {
    protocol: 0,
    msg_type: 16,
    hdrlen: 16,
    path: &[26, 10, 5],
    bytes: 4..12,
    name: "RTM_NEWLINK IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CACHEINFO tstamp+reachable_time",
    reason:
        "tstamp is the device's creation time since boot; reachable_time is randomised per device",
    when: MaskWhen::Always,
},
VolatileField {
    protocol: 0,
    msg_type: 16,
    hdrlen: 16,
    path: &[1],
    bytes: 0..6,
    name: "RTM_NEWLINK IFLA_ADDRESS chosen at random",
    reason: "a device created without an address gets a random one (eth_hw_addr_random)",
    when: MaskWhen::RandomMac,
},
VolatileField {
    protocol: 0,
    msg_type: 17,
    hdrlen: 16,
    path: &[1],
    bytes: 0..6,
    name: "RTM_DELLINK IFLA_ADDRESS chosen at random",
    reason: "a device created without an address gets a random one (eth_hw_addr_random)",
    when: MaskWhen::RandomMac,
},
VolatileField {
    protocol: 0,
    msg_type: 16,
    hdrlen: 16,
    path: &[18, 2, 19],
    bytes: 0..8,
    name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_GC_TIMER while running",
    reason: "the time left until a running bridge's next garbage collection",
    when: MaskWhen::Nonzero,
},
VolatileField {
    protocol: 0,
    msg_type: 16,
    hdrlen: 16,
    path: &[18, 5, 22],
    bytes: 0..8,
    name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_FORWARD_DELAY_TIMER while running",
    reason: "the time left on a bridge port's forward delay timer",
    when: MaskWhen::Nonzero,
},
VolatileField {
    protocol: 0,
    msg_type: 16,
    hdrlen: 16,
    path: &[12, 22],
    bytes: 0..8,
    name: "PF_BRIDGE RTM_NEWLINK IFLA_PROTINFO/IFLA_BRPORT_FORWARD_DELAY_TIMER while running",
    reason: "the time left on a bridge port's forward delay timer",
    when: MaskWhen::Nonzero,
}];

/// A random MAC: locally administered and unicast, as `eth_random_addr` makes them.
fn looks_random_mac(b: &[u8]) -> bool {
    b.len() == 6 && b[0] & 0x02 != 0 && b[0] & 0x01 == 0
}

/// The payload range of the attribute at `path` inside `attrs` (offsets relative to `attrs`).
/// In a message cut short by MSG_TRUNC the attributes on the path may end early: the range
/// then stops where the bytes do.
fn find_path(attrs: &[u8], path: &[u16]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let mut at = 0;
    while at + 4 <= attrs.len() {
        let len = u16::from_ne_bytes([attrs[at], attrs[at + 1]]) as usize;
        let ty = u16::from_ne_bytes([attrs[at + 2], attrs[at + 3]]) & 0x3fff;
        if len < 4 || (at + len > attrs.len() && ty != *first) {
            return None;
        }
        if ty == *first {
            let inner = at + 4..(at + len).min(attrs.len());
            if rest.is_empty() {
                return Some(inner);
            }
            let sub = find_path(&attrs[inner.clone()], rest)?;
            return Some(inner.start + sub.start..inner.start + sub.end);
        }
        at += (len + 3) & !3;
    }
    None
}

/// The byte ranges of a message (offsets from its header) that [`VOLATILE_FIELDS`] mask;
/// `set_by_scenario` says whether bytes appear in the scenario's requests.
fn volatile_ranges(
    protocol: u16,
    msg: &[u8],
    set_by_scenario: &dyn Fn(&[u8]) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let ty = u16::from_ne_bytes([msg[4], msg[5]]);
    VOLATILE_FIELDS
        .iter()
        .filter(|f| f.protocol == protocol && f.msg_type == ty && msg.len() >= 16 + f.hdrlen)
        .filter_map(|f| {
            let base = 16 + f.hdrlen;
            let r = find_path(&msg[base..], f.path)?;
            let (s, e) = (base + r.start + f.bytes.start, base + r.start + f.bytes.end);
            let e = e.min(base + r.end);
            let masked = match f.when {
                MaskWhen::Always => true,
                MaskWhen::RandomMac => {
                    let v = &msg[base + r.start..base + r.end];
                    looks_random_mac(v) && !set_by_scenario(v)
                }
                MaskWhen::Nonzero => msg[s..e.min(msg.len())].iter().any(|&b| b != 0),
            };
            (masked && s < e).then_some(s..e)
        })
        .collect()
}

/// Symbol assignment for one trace.
#[derive(Debug)]
struct Symbols {
    tgid: u32,
    rovers: Vec<u32>,
}

impl Symbols {
    fn symbol(&mut self, pid: u32) -> Option<String> {
        if pid == self.tgid {
            return Some("tgid".into());
        }
        if (pid as i32) <= -4097 {
            let n = match self.rovers.iter().position(|&r| r == pid) {
                Some(i) => i + 1,
                None => {
                    self.rovers.push(pid);
                    self.rovers.len()
                }
            };
            return Some(format!("rover{n}"));
        }
        None
    }

    fn pid_value(&mut self, pid: u32, masked: &mut usize) -> Value {
        match self.symbol(pid) {
            Some(s) => {
                *masked += 4;
                Value::String(s)
            }
            None => json!(pid),
        }
    }
}

/// A trace after normalization.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalized {
    /// One normalized result per operation.
    pub results: Vec<Value>,
    /// Bytes of received data compared (datagram bytes and addresses).
    pub bytes_compared: usize,
    /// Of those, bytes replaced by symbols.
    pub bytes_masked: usize,
}

/// Hex of `bytes`, with the `masked` ranges written as `xx`.
fn masked_hex(bytes: &[u8], masked: &[std::ops::Range<usize>]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for (i, b) in bytes.iter().enumerate() {
        if masked.iter().any(|r| r.contains(&i)) {
            s.push_str("xx");
        } else {
            s.push_str(&format!("{b:02x}"));
        }
    }
    s
}

/// Decode a received datagram into its messages with symbolic pids and volatile fields
/// masked. A message cut short by a small receive buffer is decoded as far as it goes.
fn decode_datagram(
    protocol: u16,
    bytes: &[u8],
    syms: &mut Symbols,
    masked: &mut usize,
    set_by_scenario: &dyn Fn(&[u8]) -> bool,
) -> Value {
    let mut msgs = Vec::new();
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let h = &bytes[at..];
        let len = u32::from_ne_bytes(h[0..4].try_into().unwrap()) as usize;
        if len < 16 {
            break;
        }
        let avail = len.min(h.len());
        let msg = &h[..avail];
        let pid = u32::from_ne_bytes(h[12..16].try_into().unwrap());
        // A truncated message is masked over the bytes both sides have.
        let vol: Vec<_> = volatile_ranges(protocol, msg, set_by_scenario);
        *masked += vol.iter().map(|r| r.len()).sum::<usize>();
        let vol: Vec<_> = vol.into_iter().map(|r| r.start - 16..r.end - 16).collect();
        let mut m = json!({
            "len": len,
            "type": u16::from_ne_bytes([h[4], h[5]]),
            "flags": format!("{:#x}", u16::from_ne_bytes([h[6], h[7]])),
            "seq": u32::from_ne_bytes(h[8..12].try_into().unwrap()),
            "pid": syms.pid_value(pid, masked),
            "payload": masked_hex(&msg[16..], &vol),
        });
        if avail < len {
            m["truncated_to"] = json!(avail);
        }
        msgs.push(m);
        at += (len + 3) & !3;
    }
    if at < bytes.len() {
        msgs.push(json!({"trailing": hex::encode(&bytes[at.min(bytes.len())..])}));
    }
    Value::Array(msgs)
}

/// Apply the named normalizations to the results of a run whose caller had `tgid`;
/// `protocol_of` gives each socket's netlink protocol (for volatile fields). Every address
/// counts as set by the scenario (see [`normalize_with`]).
pub fn normalize(tgid: u32, results: &[Value], protocol_of: &dyn Fn(&str) -> u16) -> Normalized {
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
    results: &[Value],
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
            let Value::Object(obj) = r else {
                return r.clone();
            };
            let op = obj.get("op").and_then(Value::as_str).unwrap_or("");
            let mut n = Map::new();
            for (k, v) in obj {
                let v = match (op, k.as_str()) {
                    ("getsockname" | "getpeername", "pid") => {
                        compared += 4;
                        v.as_u64()
                            .map(|p| syms.pid_value(p as u32, &mut masked))
                            .unwrap_or(v.clone())
                    }
                    ("recv", "from") => {
                        compared += 8;
                        let mut f = v.clone();
                        if let Some(p) = v.get("pid").and_then(Value::as_u64) {
                            f["pid"] = syms.pid_value(p as u32, &mut masked);
                        }
                        f
                    }
                    ("recv", "hex") => {
                        let bytes = v
                            .as_str()
                            .and_then(|h| hex::decode(h).ok())
                            .unwrap_or_default();
                        compared += bytes.len();
                        let protocol =
                            protocol_of(obj.get("sock").and_then(Value::as_str).unwrap_or(""));
                        n.insert(
                            "messages".into(),
                            decode_datagram(
                                protocol,
                                &bytes,
                                &mut syms,
                                &mut masked,
                                set_by_scenario,
                            ),
                        );
                        continue;
                    }
                    ("getsockopt", "hex") => {
                        compared += v.as_str().map_or(0, |h| h.len() / 2);
                        v.clone()
                    }
                    _ => v.clone(),
                };
                n.insert(k.clone(), v);
            }
            Value::Object(n)
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

    fn msg_hex(pid: u32) -> String {
        let mut m = 20u32.to_ne_bytes().to_vec();
        m.extend_from_slice(&[3, 0, 2, 0]);
        m.extend_from_slice(&1u32.to_ne_bytes());
        m.extend_from_slice(&pid.to_ne_bytes());
        m.extend_from_slice(&0i32.to_ne_bytes());
        hex::encode(m)
    }

    #[test]
    fn tgid_and_rovers_become_symbols_consistently() {
        let rover_a = (-5000i32) as u32;
        let rover_b = (-2_000_000_000i32) as u32;
        let run = |tgid: u32, a: u32, b: u32| {
            normalize(
                tgid,
                &[
                    json!({"op":"getsockname","sock":"a","ret":0,"pid":tgid,"groups":0}),
                    json!({"op":"getsockname","sock":"b","ret":0,"pid":a,"groups":0}),
                    json!({"op":"getsockname","sock":"c","ret":0,"pid":b,"groups":0}),
                    json!({"op":"recv","sock":"b","ret":20,"hex":msg_hex(a),"msg_flags":0,"from":{"pid":0,"groups":0}}),
                ],
                &|_| 0,
            )
        };
        let kernel = run(1234, rover_a, rover_b);
        let model = run(1000, (-4097i32) as u32, (-7_000_000i32) as u32);
        assert_eq!(kernel.results, model.results);
        assert_eq!(kernel.results[1]["pid"], "rover1");
        assert_eq!(kernel.results[3]["messages"][0]["pid"], "rover1");
        assert_eq!(kernel.bytes_masked, 16);
        assert_eq!(kernel.bytes_compared, 12 + 20 + 8);
    }

    #[test]
    fn volatile_cacheinfo_is_masked_by_path_and_nothing_else() {
        // lo as the kernel sent it, and a copy with other cacheinfo values and another MTU.
        let lo = include_bytes!("../../model/tests/data/lo.bin").to_vec();
        let mut other = lo.clone();
        let ci = 16 + 16 + find_path(&lo[32..], &[26, 10, 5]).unwrap().start;
        other[ci + 4..ci + 12].copy_from_slice(&[9; 8]);
        let rec = |b: &[u8]| json!({"op":"recv","sock":"r","ret":b.len(),"hex":hex::encode(b),"msg_flags":0,"from":{"pid":0,"groups":0}});
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
        let mtu = 16 + 16 + find_path(&lo[32..], &[4]).unwrap().start;
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
                &[json!({"op":"getsockname","sock":"a","ret":0,"pid":pid,"groups":0})],
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
        let lo = include_bytes!("../../model/tests/data/lo.bin").to_vec();
        let at = 16 + 16 + find_path(&lo[32..], &[1]).unwrap().start;
        let with = |mac: [u8; 6]| {
            let mut m = lo.clone();
            m[at..at + 6].copy_from_slice(&mac);
            json!({"op":"recv","sock":"r","ret":m.len(),"hex":hex::encode(m),"msg_flags":0,"from":{"pid":0,"groups":0}})
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
            let mut timer = 12u16.to_ne_bytes().to_vec();
            timer.extend_from_slice(&22u16.to_ne_bytes());
            timer.extend_from_slice(&ticks.to_ne_bytes());
            let mut protinfo = (4 + timer.len() as u16).to_ne_bytes().to_vec();
            protinfo.extend_from_slice(&(12u16 | 0x8000).to_ne_bytes());
            protinfo.extend(timer);
            let mut m = ((32 + protinfo.len()) as u32).to_ne_bytes().to_vec();
            m.extend_from_slice(&16u16.to_ne_bytes());
            m.extend_from_slice(&[0; 10]);
            m.push(7); // AF_BRIDGE
            m.extend_from_slice(&[0; 15]);
            m.extend(protinfo);
            json!({"op":"recv","sock":"r","ret":m.len(),"hex":hex::encode(m),"msg_flags":0,"from":{"pid":0,"groups":0}})
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
}
