//! The named normalizations of the design, and nothing else: symbolic portids.
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

/// Volatile fields masked by attribute path, with the reason for each. Empty until the model
/// produces attributes that need it; the table is the only place such masks may be added.
pub const VOLATILE_FIELDS: &[(&str, &str)] = &[];

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

/// Decode a received datagram into its messages with symbolic pids.
fn decode_datagram(bytes: &[u8], syms: &mut Symbols, masked: &mut usize) -> Value {
    let mut msgs = Vec::new();
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let h = &bytes[at..];
        let len = u32::from_ne_bytes(h[0..4].try_into().unwrap()) as usize;
        if len < 16 || at + len > bytes.len() {
            break;
        }
        let pid = u32::from_ne_bytes(h[12..16].try_into().unwrap());
        msgs.push(json!({
            "len": len,
            "type": u16::from_ne_bytes([h[4], h[5]]),
            "flags": format!("{:#x}", u16::from_ne_bytes([h[6], h[7]])),
            "seq": u32::from_ne_bytes(h[8..12].try_into().unwrap()),
            "pid": syms.pid_value(pid, masked),
            "payload": hex::encode(&h[16..len]),
        }));
        at += (len + 3) & !3;
    }
    if at < bytes.len() {
        msgs.push(json!({"trailing": hex::encode(&bytes[at.min(bytes.len())..])}));
    }
    Value::Array(msgs)
}

/// Apply the named normalizations to the results of a run whose caller had `tgid`.
pub fn normalize(tgid: u32, results: &[Value]) -> Normalized {
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
                        n.insert(
                            "messages".into(),
                            decode_datagram(&bytes, &mut syms, &mut masked),
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
    fn a_wrong_portid_outside_the_ranges_still_differs() {
        let r = |pid: u32| {
            normalize(
                1234,
                &[json!({"op":"getsockname","sock":"a","ret":0,"pid":pid,"groups":0})],
            )
        };
        // -4096 is just above the rover range; 1235 is not the tgid.
        assert_ne!(r(1234).results, r(1235).results);
        assert_ne!(r(1234).results, r((-4096i32) as u32).results);
        assert_eq!(r((-4096i32) as u32).bytes_masked, 0);
    }
}
