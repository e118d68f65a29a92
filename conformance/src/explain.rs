//! Reading a difference: the first divergences between a kernel and a model result, named.
//!
//! Received messages are read through the catalogue ([`nltwin_wire::catalogue::decode`]): a
//! message's family header by its named fields, an error's code, quoted request and extended
//! ack, and its attributes, nests included, so a divergence reads "msg 2 RTM_NEWLINK: IFLA_MTU
//! (offset 0x48): kernel 1500, model 1400" instead of two hex walls. Masked bytes are equal on
//! both sides by construction (they read as zero). Nothing here panics on malformed bytes:
//! what does not decode is compared as bytes.

use nltwin_wire::catalogue::{decode, native_uint, Decoded, DecodedAttr, FamilyHeader};
use nltwin_wire::nlmsg;
use nltwin_wire::uapi::netlink::nlmsg_align;
use serde_json::Value;

use crate::normalize::{NormPart, NormResult};

/// A value for people: a small integer, a printable string, or hex.
fn show(b: &[u8]) -> String {
    if b.is_empty() {
        return "(empty)".into();
    }
    if matches!(b.len(), 1 | 2 | 4) {
        if let Some(v) = native_uint(b) {
            return v.to_string();
        }
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

/// An attribute's name, or `attr N`.
fn name(a: &DecodedAttr<'_>) -> String {
    a.name
        .map_or_else(|| format!("attr {}", a.kind), str::to_owned)
}

/// The first difference between two attribute lists, as "PATH (offset 0x..): kernel X, model
/// Y"; `base` is the message's offset in the datagram.
fn attr_diff(
    k: &[DecodedAttr<'_>],
    m: &[DecodedAttr<'_>],
    base: usize,
    path: &str,
) -> Option<String> {
    for i in 0..k.len().max(m.len()) {
        match (k.get(i), m.get(i)) {
            (Some(ka), Some(ma)) => {
                let kname = name(ka);
                if ka.kind != ma.kind {
                    let mname = name(ma);
                    return Some(format!(
                        "{path}{kname} / {mname} (offset {:#x}): the kernel has {kname} where \
                         the model has {mname}",
                        base + ka.offset
                    ));
                }
                let (kp, mp) = (ka.payload, ma.payload);
                if kp == mp {
                    if ka.length != ma.length {
                        // The same bytes, one cut short by a length that says more.
                        return Some(format!(
                            "{path}{kname} (offset {:#x}): nla_len: kernel {}, model {}",
                            base + ka.offset,
                            ka.length,
                            ma.length
                        ));
                    }
                    continue;
                }
                if let (Some(kc), Some(mc)) = (&ka.children, &ma.children) {
                    if kp.len() >= 4 && mp.len() >= 4 {
                        let sub = format!("{path}{kname}/");
                        if let Some(d) = attr_diff(kc, mc, base, &sub) {
                            return Some(d);
                        }
                    }
                }
                let start = base + ka.payload_offset();
                let detail = if kp.len() == mp.len() && kp.len() > 8 {
                    let at = kp.iter().zip(mp).position(|(a, b)| a != b).unwrap_or(0);
                    let w = |b: &[u8]| show(&b[at..(at + 4).min(b.len())]);
                    format!(
                        "{path}{kname} (offset {:#x}, byte {at} of {}): kernel {}, model {}",
                        start + at,
                        kp.len(),
                        w(kp),
                        w(mp)
                    )
                } else if show(kp) == show(mp) {
                    // Values that read the same (a string with and without its NUL).
                    format!(
                        "{path}{kname} (offset {start:#x}): kernel {} ({} bytes), model {} ({} \
                         bytes)",
                        show(kp),
                        kp.len(),
                        show(mp),
                        mp.len()
                    )
                } else {
                    format!(
                        "{path}{kname} (offset {start:#x}): kernel {}, model {}",
                        show(kp),
                        show(mp)
                    )
                };
                return Some(detail);
            }
            (Some(ka), None) => {
                return Some(format!(
                    "{path}{} (offset {:#x}): only the kernel sent it",
                    name(ka),
                    base + ka.offset
                ))
            }
            (None, Some(ma)) => {
                return Some(format!(
                    "{path}{} (offset {:#x}): only the model sent it",
                    name(ma),
                    base + ma.offset
                ))
            }
            (None, None) => break,
        }
    }
    None
}

/// The first difference between the family headers' bytes, named by the catalogue's fields.
fn header_diff(h: FamilyHeader, k: &[u8], m: &[u8], base: usize) -> Option<String> {
    let n = k.len().min(m.len());
    let at = k[..n].iter().zip(&m[..n]).position(|(a, b)| a != b)?;
    let start = base + nlmsg::HEADER_LEN;
    Some(match h.field_at(at) {
        Some(f) => {
            let r = f.range.start..f.range.end.min(n);
            // Flag words read best in hex.
            let value = |b: &[u8]| match native_uint(b) {
                Some(v) if f.name.ends_with("flags") || f.name.ends_with("change") => {
                    format!("{v:#x}")
                }
                _ => show(b),
            };
            format!(
                "{} (offset {:#x}): kernel {}, model {}",
                f.name,
                start + f.range.start,
                value(&k[r.clone()]),
                value(&m[r])
            )
        }
        None => format!(
            "family header (offset {:#x}): kernel {}, model {}",
            start + at,
            hex::encode(&k[at..(at + 4).min(n)]),
            hex::encode(&m[at..(at + 4).min(n)])
        ),
    })
}

/// The first difference inside two messages of the same type (the message at datagram offset
/// `base`).
fn message_diff(k: &Decoded<'_>, m: &Decoded<'_>, base: usize) -> String {
    if let (Some(ke), Some(me)) = (&k.error, &m.error) {
        if ke.code != me.code {
            return format!("error code: kernel {}, model {}", ke.code, me.code);
        }
    }
    if let Some(d) = header_diff(k.spec.header, k.family_header, m.family_header, base) {
        return d;
    }
    if let (Some(ke), Some(me)) = (&k.error, &m.error) {
        if let Some(d) = attr_diff(&ke.ext_ack, &me.ext_ack, base, "") {
            return d;
        }
        if ke.quoted_payload != me.quoted_payload {
            let at = ke
                .quoted_payload
                .iter()
                .zip(me.quoted_payload)
                .position(|(a, b)| a != b)
                .unwrap_or(ke.quoted_payload.len().min(me.quoted_payload.len()));
            let start = nlmsg::HEADER_LEN + FamilyHeader::NlMsgErr.len();
            return format!(
                "the quoted request's payload (offset {:#x}, byte {at})",
                base + start + at
            );
        }
    }
    if let Some(d) = attr_diff(&k.attrs, &m.attrs, base, "") {
        return d;
    }
    let (kp, mp) = (
        k.bytes.get(nlmsg::HEADER_LEN..).unwrap_or(&[]),
        m.bytes.get(nlmsg::HEADER_LEN..).unwrap_or(&[]),
    );
    match kp.iter().zip(mp).position(|(a, b)| a != b) {
        Some(at) => format!(
            "payload byte {at} (offset {:#x})",
            base + nlmsg::HEADER_LEN + at
        ),
        None => format!("payload length: kernel {}, model {}", kp.len(), mp.len()),
    }
}

/// The JSON fields of a result, for the lines that name a differing field by its key.
fn fields(r: &NormResult) -> serde_json::Map<String, Value> {
    match r.to_json() {
        Value::Object(o) => o,
        _ => serde_json::Map::new(),
    }
}

/// The first divergences between a kernel and a model result (both normalized), each a line;
/// `protocol` is the socket's, for reading its messages.
pub fn explain(protocol: u16, kernel: &NormResult, model: &NormResult) -> Vec<String> {
    let mut out = Vec::new();
    let (ko, mo) = (fields(kernel), fields(model));
    for (key, kv) in &ko {
        if key == "messages" {
            continue;
        }
        let mv = mo.get(key).unwrap_or(&Value::Null);
        if kv != mv {
            out.push(format!("{key}: kernel {kv}, model {mv}"));
        }
    }
    for (key, mv) in &mo {
        if !ko.contains_key(key) {
            out.push(format!("{key}: kernel (none), model {mv}"));
        }
    }
    let (km, mm) = (kernel.messages(), model.messages());
    if km.len() != mm.len() {
        out.push(format!("messages: kernel {}, model {}", km.len(), mm.len()));
    }
    let mut base = 0usize;
    for (i, (k, m)) in km.iter().zip(mm).enumerate() {
        if k == m {
            if let NormPart::Message(k) = k {
                base += nlmsg_align(k.header.length as usize);
            }
            continue;
        }
        let (k, m) = match (k, m) {
            (NormPart::Message(k), NormPart::Message(m)) => (k, m),
            (NormPart::Trailing(k), NormPart::Trailing(m)) => {
                out.push(format!(
                    "msg {}: bytes that are not a message (offset {base:#x}): kernel {}, model {}",
                    i + 1,
                    show(k),
                    show(m)
                ));
                break;
            }
            (NormPart::Message(msg), NormPart::Trailing(t))
            | (NormPart::Trailing(t), NormPart::Message(msg)) => {
                let (with, without) = match k {
                    NormPart::Message(_) => ("kernel", "model"),
                    NormPart::Trailing(_) => ("model", "kernel"),
                };
                out.push(format!(
                    "msg {} (offset {base:#x}): the {with} sent {} ({} bytes), the {without} {} \
                     bytes that are not a message",
                    i + 1,
                    nltwin_wire::catalogue::message(protocol as i32, msg.header.msg_type),
                    msg.header.length,
                    t.len()
                ));
                break;
            }
        };
        let (kb, mb) = (k.bytes(), m.bytes());
        let (kd, md) = (decode(protocol as i32, &kb), decode(protocol as i32, &mb));
        let label = format!("msg {} {}", i + 1, kd.spec);
        let (kh, mh) = (&k.header, &m.header);
        let header_fields = [
            (
                "len",
                kh.length != mh.length,
                kh.length.to_string(),
                mh.length.to_string(),
            ),
            (
                "type",
                kh.msg_type != mh.msg_type,
                kh.msg_type.to_string(),
                mh.msg_type.to_string(),
            ),
            (
                "flags",
                kh.flags != mh.flags,
                format!("\"{:#x}\"", kh.flags),
                format!("\"{:#x}\"", mh.flags),
            ),
            (
                "seq",
                kh.seq != mh.seq,
                kh.seq.to_string(),
                mh.seq.to_string(),
            ),
        ];
        for (f, differs, kv, mv) in header_fields {
            if differs {
                out.push(format!("{label}: {f}: kernel {kv}, model {mv}"));
            }
        }
        if k.pid != m.pid {
            out.push(format!(
                "{label}: pid: kernel {}, model {}",
                k.pid.to_json(),
                m.pid.to_json()
            ));
        }
        if kh.msg_type == mh.msg_type
            && (k.payload != m.payload || k.truncated_to != m.truncated_to)
        {
            if k.payload != m.payload {
                out.push(format!("{label}: {}", message_diff(&kd, &md, base)));
            } else {
                out.push(format!(
                    "{label}: cut short: kernel {:?}, model {:?}",
                    k.truncated_to, m.truncated_to
                ));
            }
        }
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Masked, NormData, NormMessage, Portid};
    use crate::results::{OpKind, OpResult, Outcome};
    use nltwin::transport::Errno;
    use nltwin_wire::builder::MessageBuilder;
    use nltwin_wire::uapi::if_link::{IFLA_IFNAME, IFLA_MTU};
    use nltwin_wire::uapi::netlink::{NLMSG_DONE, NLM_F_MULTI};
    use nltwin_wire::uapi::rtnetlink::RTM_NEWLINK;

    fn recv(messages: Vec<NormPart>) -> NormResult {
        OpResult {
            op: OpKind::Recv,
            sock: "a".into(),
            outcome: Outcome::Ok {
                ret: 44,
                data: NormData::Recv {
                    messages,
                    msg_flags: 0,
                    from: crate::normalize::NormAddr {
                        pid: Portid::Other(0),
                        groups: 0,
                    },
                },
            },
        }
    }

    fn message(bytes: &[u8]) -> NormPart {
        let h = nlmsg::Repr::parse_bytes(bytes).unwrap();
        NormPart::Message(NormMessage {
            header: nlmsg::Repr { pid: 0, ..h },
            pid: Portid::Tgid,
            payload: Masked::new(bytes[16..].to_vec(), &[]),
            truncated_to: None,
        })
    }

    fn link(mtu: u32) -> Vec<u8> {
        MessageBuilder::new(RTM_NEWLINK, NLM_F_MULTI, 1, 0)
            .header(&[0; 16])
            .str(IFLA_IFNAME, "lo")
            .u32(IFLA_MTU, mtu)
            .build()
    }

    #[test]
    fn an_attribute_difference_is_named_with_its_offset_and_values() {
        let rec = |mtu| recv(vec![message(&link(mtu))]);
        let lines = explain(0, &rec(1500), &rec(1400));
        assert_eq!(
            lines,
            vec!["msg 1 RTM_NEWLINK: IFLA_MTU (offset 0x2c): kernel 1500, model 1400"]
        );
    }

    #[test]
    fn top_level_fields_and_garbage_do_not_panic() {
        let k = OpResult {
            op: OpKind::Recv,
            sock: "a".into(),
            outcome: Outcome::Errno(Errno::EAGAIN),
        };
        let done = MessageBuilder::new(NLMSG_DONE, 0, 0, 0).build();
        let m = recv(vec![message(&done)]);
        let lines = explain(0, &k, &m);
        assert!(lines
            .iter()
            .any(|l| l.starts_with("errno: kernel \"EAGAIN\", model null")));
        assert!(lines.iter().any(|l| l == "messages: kernel 0, model 1"));
        for junk in [
            &[][..],
            &[0],
            &[0xff, 0xff],
            &[8, 0, 0xff, 0xff, 1, 0],
            &[4, 0, 1, 0],
        ] {
            let with = |payload: &[u8]| {
                let mut b = MessageBuilder::new(RTM_NEWLINK, 0, 0, 0)
                    .payload(payload)
                    .build();
                b.truncate(16 + payload.len());
                recv(vec![NormPart::Message(NormMessage {
                    header: nlmsg::Repr {
                        length: 36,
                        ..nlmsg::Repr::parse_bytes(&b).unwrap()
                    },
                    pid: Portid::Tgid,
                    payload: Masked::new(payload.to_vec(), &[]),
                    truncated_to: None,
                })])
            };
            let (a, b) = (with(junk), with(&[0]));
            let _ = explain(0, &a, &b);
            let _ = explain(16, &a, &b);
        }
    }

    #[test]
    fn header_fields_errors_and_nests_are_named() {
        let rec = |b: Vec<u8>| recv(vec![message(&b)]);
        let with_index = |i: i32| {
            let h = nltwin_wire::ifinfomsg::Repr {
                index: i,
                ..Default::default()
            };
            MessageBuilder::new(RTM_NEWLINK, 0, 0, 0)
                .header(&h.to_bytes())
                .build()
        };
        assert_eq!(
            explain(0, &rec(with_index(1)), &rec(with_index(2))),
            ["msg 1 RTM_NEWLINK: ifi_index (offset 0x14): kernel 1, model 2"]
        );
        // Two errors as the model answers them: no such device, and a bad request.
        let trace = crate::trace::Trace::parse(concat!(
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#, "\n",
            r#"{"op":"send","sock":"a","msg":{"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":1,"ifinfomsg":{"index":99}}}"#, "\n",
            r#"{"op":"recv","sock":"a","len":4096}"#, "\n",
            r#"{"op":"send","sock":"a","msg":{"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":1,"ifinfomsg":{"index":-1}}}"#, "\n",
            r#"{"op":"recv","sock":"a","len":4096}"#, "\n",
        ))
        .unwrap();
        let run = crate::exchange::run_model(&trace);
        let n = crate::normalize::normalize(run.header.tgid, &run.results, &|_| 0);
        let lines = explain(0, &n.results[2], &n.results[4]);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("msg 1 NLMSG_ERROR: error code: kernel -19, model -"),
            "{lines:?}"
        );
    }
}
