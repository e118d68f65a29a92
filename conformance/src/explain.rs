//! Reading a difference: the first divergences between a kernel and a model result, named.
//!
//! Received datagrams are walked as netlink messages; a message's payload as its family header
//! (`ifinfomsg`, `genlmsghdr`, or an error's code and quoted request) and then its attributes,
//! nests included, so a divergence reads "msg 2 RTM_NEWLINK: IFLA_MTU (offset 0x48): kernel
//! 1500, model 1400" instead of two hex walls. Masked bytes (`xx`) are equal on both sides by
//! construction. Nothing here panics on malformed bytes: what does not parse is compared as
//! bytes.

use serde_json::Value;

/// Names of message types, by protocol.
fn msg_type_name(protocol: u16, ty: u64) -> String {
    let generic = match ty {
        1 => Some("NLMSG_NOOP"),
        2 => Some("NLMSG_ERROR"),
        3 => Some("NLMSG_DONE"),
        4 => Some("NLMSG_OVERRUN"),
        _ => None,
    };
    let specific = match (protocol, ty) {
        (0, 16) => Some("RTM_NEWLINK"),
        (0, 17) => Some("RTM_DELLINK"),
        (0, 18) => Some("RTM_GETLINK"),
        (0, 19) => Some("RTM_SETLINK"),
        (16, 16) => Some("nlctrl"),
        _ => None,
    };
    generic
        .or(specific)
        .map_or_else(|| format!("type {ty}"), str::to_string)
}

/// The attribute space of a nest, for naming.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    Ifla,
    LinkInfo,
    AfSpec,
    Inet,
    Inet6,
    Ctrl,
    CtrlOps,
    ErrTlv,
    Unknown,
}

use crate::names::{CTRL, ERR_TLV, IFLA, INET6, LINKINFO};

/// The attribute's name and the space of its contents (for nests).
fn attr_name(space: Space, ty: u16) -> (String, Space) {
    let table = |t: &[&str]| t.get(ty as usize).map(|s| s.to_string());
    let (name, inner) = match space {
        Space::Ifla => (
            table(IFLA),
            match ty {
                18 => Space::LinkInfo,
                26 => Space::AfSpec,
                _ => Space::Unknown,
            },
        ),
        Space::LinkInfo => (table(LINKINFO), Space::Unknown),
        Space::AfSpec => match ty {
            2 => (Some("AF_INET".into()), Space::Inet),
            10 => (Some("AF_INET6".into()), Space::Inet6),
            _ => (None, Space::Unknown),
        },
        Space::Inet => (
            (ty == 1).then(|| "IFLA_INET_CONF".to_string()),
            Space::Unknown,
        ),
        Space::Inet6 => (table(INET6), Space::Unknown),
        Space::Ctrl => (
            table(CTRL),
            if matches!(ty, 6 | 7) {
                Space::CtrlOps
            } else {
                Space::Unknown
            },
        ),
        Space::ErrTlv => (table(ERR_TLV), Space::Unknown),
        Space::CtrlOps | Space::Unknown => (None, Space::Unknown),
    };
    (name.unwrap_or_else(|| format!("attr {ty}")), inner)
}

/// Hex with `xx` for masked bytes, decoded; masked bytes read as 0 (they are equal on both
/// sides).
fn unhex(s: &str) -> Vec<u8> {
    s.as_bytes()
        .chunks(2)
        .map(|c| {
            std::str::from_utf8(c)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0)
        })
        .collect()
}

/// A value for people: a small integer, a printable string, or hex.
fn show(b: &[u8]) -> String {
    match b.len() {
        1 => return b[0].to_string(),
        2 => return u16::from_ne_bytes([b[0], b[1]]).to_string(),
        4 => return u32::from_ne_bytes([b[0], b[1], b[2], b[3]]).to_string(),
        _ => {}
    }
    let text = b.strip_suffix(&[0]).unwrap_or(b);
    if !text.is_empty() && text.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        return format!("{:?}", String::from_utf8_lossy(text));
    }
    let h = hex::encode(b);
    if h.len() > 48 {
        format!("{}... ({} bytes)", &h[..48], b.len())
    } else {
        h
    }
}

/// The attributes of `b` as (type, payload range); stops at the first malformed one.
fn attrs(b: &[u8]) -> Vec<(u16, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= b.len() {
        let len = u16::from_ne_bytes([b[at], b[at + 1]]) as usize;
        let ty = u16::from_ne_bytes([b[at + 2], b[at + 3]]) & 0x3fff;
        if len < 4 || at + len > b.len() {
            break;
        }
        out.push((ty, at + 4..at + len));
        at += (len + 3) & !3;
    }
    out
}

/// The first difference between two attribute streams, as "PATH (offset 0x..): kernel X,
/// model Y"; `base` is the streams' offset in the datagram.
fn attr_diff(space: Space, k: &[u8], m: &[u8], base: usize, path: &str) -> Option<String> {
    let (ka, ma) = (attrs(k), attrs(m));
    for i in 0..ka.len().max(ma.len()) {
        match (ka.get(i), ma.get(i)) {
            (Some((kt, kr)), Some((mt, mr))) => {
                let (kname, inner) = attr_name(space, *kt);
                if kt != mt {
                    let (mname, _) = attr_name(space, *mt);
                    return Some(format!(
                        "{path}{kname} / {mname} (offset {:#x}): the kernel has {kname} where \
                         the model has {mname}",
                        base + kr.start - 4
                    ));
                }
                let (kp, mp) = (&k[kr.clone()], &m[mr.clone()]);
                if kp == mp {
                    continue;
                }
                if inner != Space::Unknown && kp.len() >= 4 && mp.len() >= 4 {
                    let sub = format!("{path}{kname}/");
                    if let Some(d) = attr_diff(inner, kp, mp, base + kr.start, &sub) {
                        return Some(d);
                    }
                }
                let detail = if kp.len() == mp.len() && kp.len() > 8 {
                    let at = kp.iter().zip(mp).position(|(a, b)| a != b).unwrap_or(0);
                    let w = |b: &[u8]| show(&b[at..(at + 4).min(b.len())]);
                    format!(
                        "{path}{kname} (offset {:#x}, byte {at} of {}): kernel {}, model {}",
                        base + kr.start + at,
                        kp.len(),
                        w(kp),
                        w(mp)
                    )
                } else {
                    format!(
                        "{path}{kname} (offset {:#x}): kernel {}, model {}",
                        base + kr.start,
                        show(kp),
                        show(mp)
                    )
                };
                return Some(detail);
            }
            (Some((kt, kr)), None) => {
                return Some(format!(
                    "{path}{} (offset {:#x}): only the kernel sent it",
                    attr_name(space, *kt).0,
                    base + kr.start - 4
                ))
            }
            (None, Some((mt, mr))) => {
                return Some(format!(
                    "{path}{} (offset {:#x}): only the model sent it",
                    attr_name(space, *mt).0,
                    base + mr.start - 4
                ))
            }
            (None, None) => break,
        }
    }
    None
}

/// The first difference inside two messages' payloads (at datagram offset `base`).
fn payload_diff(protocol: u16, ty: u64, k: &[u8], m: &[u8], base: usize) -> String {
    let (hdr, space) = match (protocol, ty) {
        (_, 2) => (4 + 16, Space::Unknown),
        (0, 16..=19) => (16, Space::Ifla),
        (16, t) if t >= 16 => (4, Space::Ctrl),
        _ => (0, Space::Unknown),
    };
    if ty == 2 && k.len() >= 4 && m.len() >= 4 && k[..4] != m[..4] {
        let e = |b: &[u8]| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
        return format!("error code: kernel {}, model {}", e(k), e(m));
    }
    let h = hdr.min(k.len()).min(m.len());
    if k[..h] != m[..h] {
        let at = k.iter().zip(m).position(|(a, b)| a != b).unwrap_or(0);
        let what = match (protocol, ty, at) {
            (0, 16..=19, 0) => "ifi_family",
            (0, 16..=19, 2..=3) => "ifi_type",
            (0, 16..=19, 4..=7) => "ifi_index",
            (0, 16..=19, 8..=11) => "ifi_flags",
            (0, 16..=19, 12..=15) => "ifi_change",
            (_, 2, _) => "the quoted request",
            _ => "family header",
        };
        return format!(
            "{what} (offset {:#x}): kernel {}, model {}",
            base + at,
            hex::encode(&k[at..(at + 4).min(h)]),
            hex::encode(&m[at..(at + 4).min(h)])
        );
    }
    if ty == 2 {
        // The ext-ack TLVs follow the quoted request, whose length is in its own header.
        let quoted = |b: &[u8]| {
            b.get(4..8)
                .map_or(0, |l| u32::from_ne_bytes([l[0], l[1], l[2], l[3]]) as usize)
        };
        let (kq, mq) = (quoted(k).max(16), quoted(m).max(16));
        if let (Some(kt), Some(mt)) = (k.get(4 + kq..), m.get(4 + mq..)) {
            if let Some(d) = attr_diff(Space::ErrTlv, kt, mt, base + 4 + kq, "") {
                return d;
            }
        }
    }
    if let Some(d) = attr_diff(space, &k[h..], &m[h..], base + h, "") {
        return d;
    }
    let at = k.iter().zip(m).position(|(a, b)| a != b);
    match at {
        Some(at) => format!("payload byte {at} (offset {:#x})", base + at),
        None => format!("payload length: kernel {}, model {}", k.len(), m.len()),
    }
}

/// The first divergences between a kernel and a model result (both normalized), each a line.
pub fn explain(protocol: u16, kernel: &Value, model: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(ko), Some(mo)) = (kernel.as_object(), model.as_object()) else {
        return out;
    };
    for (key, kv) in ko {
        if key == "messages" {
            continue;
        }
        let mv = mo.get(key).unwrap_or(&Value::Null);
        if kv != mv {
            out.push(format!("{key}: kernel {kv}, model {mv}"));
        }
    }
    for (key, mv) in mo {
        if !ko.contains_key(key) {
            out.push(format!("{key}: kernel (none), model {mv}"));
        }
    }
    let empty = Vec::new();
    let km = ko
        .get("messages")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mm = mo
        .get("messages")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if km.len() != mm.len() {
        out.push(format!("messages: kernel {}, model {}", km.len(), mm.len()));
    }
    let mut base = 0usize;
    for (i, (k, m)) in km.iter().zip(mm).enumerate() {
        if k == m {
            base += k["len"].as_u64().unwrap_or(0).next_multiple_of(4) as usize;
            continue;
        }
        let ty = k["type"].as_u64().unwrap_or(0);
        let label = format!("msg {} {}", i + 1, msg_type_name(protocol, ty));
        for f in ["len", "type", "flags", "seq", "pid"] {
            if k[f] != m[f] {
                out.push(format!("{label}: {f}: kernel {}, model {}", k[f], m[f]));
            }
        }
        if k["type"] == m["type"] && k["payload"] != m["payload"] {
            let kp = unhex(k["payload"].as_str().unwrap_or(""));
            let mp = unhex(m["payload"].as_str().unwrap_or(""));
            out.push(format!(
                "{label}: {}",
                payload_diff(protocol, ty, &kp, &mp, base + 16)
            ));
        }
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn link_payload(mtu: u32) -> String {
        let mut p = vec![0u8; 16];
        p.extend_from_slice(&[7, 0, 3, 0, b'l', b'o', 0, 0]);
        p.extend_from_slice(&[8, 0, 4, 0]);
        p.extend_from_slice(&mtu.to_ne_bytes());
        hex::encode(p)
    }

    #[test]
    fn an_attribute_difference_is_named_with_its_offset_and_values() {
        let rec = |mtu| {
            json!({"op":"recv","ret":44,"messages":[{"len":44,"type":16,"flags":"0x2","seq":1,
                   "pid":"tgid","payload":link_payload(mtu)}]})
        };
        let lines = explain(0, &rec(1500), &rec(1400));
        assert_eq!(
            lines,
            vec!["msg 1 RTM_NEWLINK: IFLA_MTU (offset 0x2c): kernel 1500, model 1400"]
        );
    }

    #[test]
    fn top_level_fields_and_garbage_do_not_panic() {
        let k = json!({"op":"recv","errno":"EAGAIN"});
        let m = json!({"op":"recv","ret":20,"messages":[{"len":20,"type":3,"payload":"zz"}]});
        let lines = explain(0, &k, &m);
        assert!(lines
            .iter()
            .any(|l| l.starts_with("errno: kernel \"EAGAIN\", model null")));
        assert!(lines.iter().any(|l| l == "messages: kernel 0, model 1"));
        for junk in ["", "0", "ffff", "0800ffff0100", "04000100"] {
            let a = json!({"messages":[{"len":36,"type":16,"payload":junk}]});
            let b = json!({"messages":[{"len":36,"type":16,"payload":"00"}]});
            let _ = explain(0, &a, &b);
            let _ = explain(16, &a, &b);
        }
    }
}
