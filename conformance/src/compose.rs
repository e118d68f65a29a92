//! The readable message syntax of traces: a `send` may give `"msg"` (one message) or `"msgs"`
//! (several in one datagram) instead of `"hex"`; they compile to exactly the bytes one would
//! write in hex.
//!
//! ```json
//! {"op":"send","sock":"a","msg":{"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":1,
//!   "ifinfomsg":{"index":0},"attrs":[{"type":"IFLA_IFNAME","str":"lo"}]}}
//! ```
//!
//! A message: `type` (a name such as `RTM_NEWLINK`, `NLMSG_DONE`, `nlctrl`, a number, or
//! `{"genl_family":"IOAM6"}`: the id the kernel gave that generic netlink family, resolved when
//! the trace runs, see [`GenlFamilyRef`]),
//! `flags` (a list of `NLM_F_*` names without the prefix, or a number), `seq`, `pid`, and an
//! optional `len` that overrides the computed length (for malformed requests). After the
//! header, at most one family header: `ifinfomsg` {`family`,`type`,`index`,`flags`,`change`},
//! `ifaddrmsg` {`family`,`prefixlen`,`flags`,`scope`,`index`},
//! `rtmsg` {`family`,`dst_len`,`src_len`,`tos`,`table`,`protocol`,`scope`,`type`,`flags`},
//! `ndmsg` {`family`,`ifindex`,`state`,`flags`,`type`} (neighbours),
//! `genl` {`cmd` (a number or `CTRL_CMD_*`), `version`, `reserved`}, `rtgenmsg` {`family`} (one
//! byte), `fib_rule_hdr` {`family`, `dst_len`, `src_len`, `tos`, `table`, `res1`, `res2`,
//! `action`, `flags`} (routing rules), `nhmsg` {`family`, `scope`, `protocol`, `resvd`,
//! `flags`} (nexthop objects), or
//! `header_hex`. Then `attrs`, a list of attributes, and `tail_hex`, raw bytes after them.
//!
//! An attribute: `type` (any `IFLA_*`, `IFLA_INFO_*`, `IFLA_INET6_*`, `CTRL_ATTR_*` name,
//! `VETH_INFO_PEER`, `AF_INET`, `AF_INET6`, or a number), `nested_flag` (sets NLA_F_NESTED),
//! an optional `len` override, and one value: `u8`, `u16`, `u32`, `u64`, `s32`, `str` (NUL
//! added), `strn` (no NUL), `hex`, `flag` (no payload) or `nested` (a list of attributes).
//! Everything is native-endian and padded to 4 bytes, as the kernel expects.

use nltwin_wire::builder::{self, NlBuf};
use nltwin_wire::catalogue::{attr_by_name, message_type_by_name, message_type_names};
use nltwin_wire::uapi::genetlink::CtrlCmd;
use nltwin_wire::uapi::netlink::{NlmFlags, NLA_F_NESTED};
use nltwin_wire::{
    fib_rule_hdr, genlmsghdr, ifaddrmsg, ifinfomsg, ndmsg, nhmsg, nla, rtgenmsg, rtmsg,
};
use serde_json::{Map, Value};

type R<T> = Result<T, String>;

/// A message whose type is a generic netlink family named in the trace: family ids are
/// allocated at registration and differ between kernel builds, so the runner asks the backend
/// for the id and writes it at `offset` (the message's `nlmsg_type`) before the datagram is
/// sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenlFamilyRef {
    /// Where the message's type field is in the datagram.
    pub offset: usize,
    /// The family's name.
    pub name: String,
}

/// An unlimited buffer never runs out of room.
const ROOM: &str = "an unlimited buffer has room";

fn int(o: &Map<String, Value>, key: &str, min: i64, max: i64) -> R<Option<i64>> {
    match o.get(key) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Some(n) => Err(format!("\"{key}\" is {n}, outside {min}..={max}")),
            None => Err(format!("\"{key}\" must be an integer, found {v}")),
        },
    }
}

fn check_keys(o: &Map<String, Value>, allowed: &[&str], what: &str) -> R<()> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{what}: unknown field \"{k}\" (allowed: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn hex_field(o: &Map<String, Value>, key: &str) -> R<Option<Vec<u8>>> {
    match o.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => hex::decode(s)
            .map(Some)
            .map_err(|e| format!("\"{key}\" is not hex: {e}")),
        Some(v) => Err(format!("\"{key}\" must be a hex string, found {v}")),
    }
}

/// A message type: a name, a number, or a generic netlink family to resolve (0 until then).
fn msg_type(v: &Value) -> R<(u16, Option<String>)> {
    if let Value::Object(o) = v {
        check_keys(o, &["genl_family"], "message type")?;
        let name = o
            .get("genl_family")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() < 16)
            .ok_or("a message type object is {\"genl_family\": NAME} with a family name of 1 to 15 bytes")?;
        return Ok((0, Some(name.to_owned())));
    }
    msg_type_number(v).map(|t| (t, None))
}

fn msg_type_number(v: &Value) -> R<u16> {
    match v {
        Value::String(s) => message_type_by_name(s).ok_or_else(|| {
            format!(
                "unknown message type \"{s}\" (known: {}, or a number)",
                message_type_names()
            )
        }),
        v => v
            .as_u64()
            .filter(|n| *n <= u16::MAX as u64)
            .map(|n| n as u16)
            .ok_or_else(|| format!("\"type\" must be a name or a number up to 65535, found {v}")),
    }
}

fn msg_flags(v: &Value) -> R<u16> {
    match v {
        Value::Array(names) => names.iter().try_fold(0u16, |acc, n| {
            let s = n
                .as_str()
                .ok_or_else(|| format!("a flag must be a name, found {n}"))?;
            let s = s.strip_prefix("NLM_F_").unwrap_or(s);
            NlmFlags::from_name(&format!("NLM_F_{s}"))
                .map(|f| acc | f)
                .ok_or_else(|| format!("unknown flag \"{s}\""))
        }),
        v => v
            .as_u64()
            .filter(|n| *n <= u16::MAX as u64)
            .map(|n| n as u16)
            .ok_or_else(|| format!("\"flags\" must be a list of names or a number, found {v}")),
    }
}

/// One attribute, appended (padded) to `out`.
fn attribute(v: &Value, out: &mut NlBuf) -> R<()> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("an attribute must be an object, found {v}"))?;
    let what = format!("attribute {}", o.get("type").unwrap_or(&Value::Null));
    let ty = match o.get("type") {
        Some(Value::String(s)) => {
            attr_by_name(s).ok_or_else(|| format!("unknown attribute type \"{s}\""))?
        }
        Some(t) => t
            .as_u64()
            .filter(|n| *n <= 0x3fff)
            .map(|n| n as u16)
            .ok_or_else(|| format!("attribute \"type\" must be a name or 0..16383, found {t}"))?,
        None => return Err("an attribute needs a \"type\"".into()),
    };
    let values = [
        "u8", "u16", "u32", "u64", "s32", "str", "strn", "hex", "ip", "flag", "nested",
    ];
    let given: Vec<&str> = values
        .iter()
        .copied()
        .filter(|k| o.contains_key(*k))
        .collect();
    if given.len() != 1 {
        return Err(format!(
            "{what}: give exactly one value ({}), found {}",
            values.join(", "),
            given.len()
        ));
    }
    let key = given[0];
    let payload = match key {
        "u8" => Payload::U8(int(o, "u8", 0, 0xff)?.unwrap_or(0) as u8),
        "u16" => Payload::U16(int(o, "u16", 0, 0xffff)?.unwrap_or(0) as u16),
        "u32" => Payload::U32(int(o, "u32", 0, u32::MAX as i64)?.unwrap_or(0) as u32),
        "s32" => Payload::S32(int(o, "s32", i32::MIN as i64, i32::MAX as i64)?.unwrap_or(0) as i32),
        "u64" => Payload::U64(
            o["u64"]
                .as_u64()
                .ok_or_else(|| format!("{what}: \"u64\" must be an unsigned integer"))?,
        ),
        "str" | "strn" => {
            let s = o[key]
                .as_str()
                .ok_or_else(|| format!("{what}: \"{key}\" must be a string"))?;
            if key == "str" {
                Payload::Str(s.to_owned())
            } else {
                Payload::Bytes(s.as_bytes().to_vec())
            }
        }
        "hex" => Payload::Bytes(hex_field(o, "hex")?.unwrap_or_default()),
        "ip" => {
            let s = o["ip"]
                .as_str()
                .ok_or_else(|| format!("{what}: \"ip\" must be an address string"))?;
            match s.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(a)) => Payload::Bytes(a.octets().to_vec()),
                Ok(std::net::IpAddr::V6(a)) => Payload::Bytes(a.octets().to_vec()),
                Err(_) => {
                    return Err(format!(
                        "{what}: \"ip\" must be an IPv4 or IPv6 address, found \"{s}\""
                    ))
                }
            }
        }
        "flag" => Payload::Flag,
        _ => {
            let list = o["nested"]
                .as_array()
                .ok_or_else(|| format!("{what}: \"nested\" must be a list of attributes"))?;
            let mut inner = NlBuf::unlimited();
            for a in list {
                attribute(a, &mut inner).map_err(|e| format!("in {what}: {e}"))?;
            }
            Payload::Bytes(inner.into_vec())
        }
    };
    check_keys(o, &["type", "nested_flag", "len", key], &what)?;
    let nested_flag = match o.get("nested_flag") {
        None | Some(Value::Bool(false)) => 0,
        Some(Value::Bool(true)) => NLA_F_NESTED,
        Some(v) => {
            return Err(format!(
                "{what}: \"nested_flag\" must be true or false, found {v}"
            ))
        }
    };
    let len = int(o, "len", 0, 0xffff)?.map(|l| l as u16);
    let raw = ty | nested_flag;
    let at = out.len();
    match payload {
        Payload::U8(v) => out.nla_put_u8(raw, v),
        Payload::U16(v) => out.nla_put_u16(raw, v),
        Payload::U32(v) => out.nla_put_u32(raw, v),
        Payload::S32(v) => out.nla_put_s32(raw, v),
        Payload::U64(v) => out.nla_put_u64(raw, v),
        Payload::Str(s) => out.nla_put_string(raw, s),
        Payload::Bytes(b) => out.nla_put(raw, &b),
        Payload::Flag => out.nla_put_flag(raw),
    }
    .expect(ROOM);
    if let Some(len) = len {
        nla::Packet::new_unchecked(&mut out.as_mut_slice()[at..]).set_length(len);
    }
    Ok(())
}

/// An attribute's value, checked before anything is written.
enum Payload {
    U8(u8),
    U16(u16),
    U32(u32),
    S32(i32),
    U64(u64),
    /// With its NUL.
    Str(String),
    Bytes(Vec<u8>),
    Flag,
}

/// One message, compiled (not padded at its end).
pub fn message(v: &Value) -> R<Vec<u8>> {
    message_with_family(v).map(|(bytes, _)| bytes)
}

/// One message, compiled, and the generic netlink family its type names, if it does.
fn message_with_family(v: &Value) -> R<(Vec<u8>, Option<String>)> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("a message must be an object, found {v}"))?;
    let (ty, family) = msg_type(o.get("type").ok_or("a message needs a \"type\"")?)?;
    let flags = o.get("flags").map(msg_flags).transpose()?.unwrap_or(0);
    let seq = int(o, "seq", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
    let pid = int(o, "pid", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
    let mut b = NlBuf::unlimited();
    let at = b.nlmsg_put(pid, seq, ty, 0, flags).expect(ROOM);
    let headers = [
        "ifinfomsg",
        "ifaddrmsg",
        "rtmsg",
        "ndmsg",
        "genl",
        "rtgenmsg",
        "fib_rule_hdr",
        "nhmsg",
        "header_hex",
    ];
    let given: Vec<&str> = headers
        .iter()
        .copied()
        .filter(|k| o.contains_key(*k))
        .collect();
    if given.len() > 1 {
        return Err(format!(
            "give at most one family header, found {}",
            given.join(" and ")
        ));
    }
    let header: Vec<u8> = match given.first().copied() {
        Some("ifinfomsg") => {
            let h = o["ifinfomsg"]
                .as_object()
                .ok_or("\"ifinfomsg\" must be an object")?;
            check_keys(
                h,
                &["family", "type", "index", "flags", "change"],
                "ifinfomsg",
            )?;
            ifinfomsg::Repr {
                family: int(h, "family", 0, 255)?.unwrap_or(0) as u8,
                link_type: int(h, "type", 0, 0xffff)?.unwrap_or(0) as u16,
                index: int(h, "index", i32::MIN as i64, i32::MAX as i64)?.unwrap_or(0) as i32,
                flags: int(h, "flags", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
                change: int(h, "change", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            }
            .to_bytes()
            .to_vec()
        }
        Some("ifaddrmsg") => {
            let h = o["ifaddrmsg"]
                .as_object()
                .ok_or("\"ifaddrmsg\" must be an object")?;
            check_keys(
                h,
                &["family", "prefixlen", "flags", "scope", "index"],
                "ifaddrmsg",
            )?;
            ifaddrmsg::Repr {
                family: int(h, "family", 0, 255)?.unwrap_or(0) as u8,
                prefixlen: int(h, "prefixlen", 0, 255)?.unwrap_or(0) as u8,
                flags: int(h, "flags", 0, 255)?.unwrap_or(0) as u8,
                scope: int(h, "scope", 0, 255)?.unwrap_or(0) as u8,
                index: int(h, "index", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            }
            .to_bytes()
            .to_vec()
        }
        Some("rtmsg") => {
            let h = o["rtmsg"]
                .as_object()
                .ok_or("\"rtmsg\" must be an object")?;
            let fields = [
                "family", "dst_len", "src_len", "tos", "table", "protocol", "scope", "type",
            ];
            let mut keys = fields.to_vec();
            keys.push("flags");
            check_keys(h, &keys, "rtmsg")?;
            let mut b = [0u8; 8];
            for (i, f) in fields.iter().enumerate() {
                b[i] = int(h, f, 0, 255)?.unwrap_or(0) as u8;
            }
            rtmsg::Repr {
                family: b[0],
                dst_len: b[1],
                src_len: b[2],
                tos: b[3],
                table: b[4],
                protocol: b[5],
                scope: b[6],
                route_type: b[7],
                flags: int(h, "flags", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            }
            .to_bytes()
            .to_vec()
        }
        Some("ndmsg") => {
            let h = o["ndmsg"]
                .as_object()
                .ok_or("\"ndmsg\" must be an object")?;
            check_keys(h, &["family", "ifindex", "state", "flags", "type"], "ndmsg")?;
            ndmsg::Repr {
                family: int(h, "family", 0, 255)?.unwrap_or(0) as u8,
                ifindex: int(h, "ifindex", i32::MIN as i64, i32::MAX as i64)?.unwrap_or(0) as i32,
                state: int(h, "state", 0, 0xffff)?.unwrap_or(0) as u16,
                flags: int(h, "flags", 0, 255)?.unwrap_or(0) as u8,
                ndm_type: int(h, "type", 0, 255)?.unwrap_or(0) as u8,
            }
            .to_bytes()
            .to_vec()
        }
        Some("nhmsg") => {
            let h = o["nhmsg"]
                .as_object()
                .ok_or("\"nhmsg\" must be an object")?;
            check_keys(
                h,
                &["family", "scope", "protocol", "resvd", "flags"],
                "nhmsg",
            )?;
            nhmsg::Repr {
                family: int(h, "family", 0, 255)?.unwrap_or(0) as u8,
                scope: int(h, "scope", 0, 255)?.unwrap_or(0) as u8,
                protocol: int(h, "protocol", 0, 255)?.unwrap_or(0) as u8,
                resvd: int(h, "resvd", 0, 255)?.unwrap_or(0) as u8,
                flags: int(h, "flags", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            }
            .to_bytes()
            .to_vec()
        }
        Some("genl") => {
            let h = o["genl"].as_object().ok_or("\"genl\" must be an object")?;
            check_keys(h, &["cmd", "version", "reserved"], "genl")?;
            let cmd = match h.get("cmd") {
                Some(Value::String(s)) => CtrlCmd::from_name(s)
                    .map(u8::from)
                    .ok_or_else(|| format!("unknown genl command \"{s}\""))?,
                Some(_) => int(h, "cmd", 0, 255)?.unwrap_or(0) as u8,
                None => return Err("\"genl\" needs a \"cmd\"".into()),
            };
            genlmsghdr::Repr {
                cmd,
                version: int(h, "version", 0, 255)?.unwrap_or(1) as u8,
                reserved: int(h, "reserved", 0, 0xffff)?.unwrap_or(0) as u16,
            }
            .to_bytes()
            .to_vec()
        }
        Some("rtgenmsg") => {
            let h = o["rtgenmsg"]
                .as_object()
                .ok_or("\"rtgenmsg\" must be an object")?;
            check_keys(h, &["family"], "rtgenmsg")?;
            rtgenmsg::Repr {
                family: int(h, "family", 0, 255)?.unwrap_or(0) as u8,
            }
            .to_bytes()
            .to_vec()
        }
        Some("fib_rule_hdr") => {
            let h = o["fib_rule_hdr"]
                .as_object()
                .ok_or("\"fib_rule_hdr\" must be an object")?;
            let fields = [
                "family", "dst_len", "src_len", "tos", "table", "res1", "res2", "action",
            ];
            let mut keys = fields.to_vec();
            keys.push("flags");
            check_keys(h, &keys, "fib_rule_hdr")?;
            let mut b = [0u8; 8];
            for (i, f) in fields.iter().enumerate() {
                b[i] = int(h, f, 0, 255)?.unwrap_or(0) as u8;
            }
            fib_rule_hdr::Repr {
                family: b[0],
                dst_len: b[1],
                src_len: b[2],
                tos: b[3],
                table: b[4],
                res1: b[5],
                res2: b[6],
                action: b[7],
                flags: int(h, "flags", 0, u32::MAX as i64)?.unwrap_or(0) as u32,
            }
            .to_bytes()
            .to_vec()
        }
        Some(_) => hex_field(o, "header_hex")?.unwrap_or_default(),
        None => Vec::new(),
    };
    b.put_data(&header).expect(ROOM);
    if let Some(list) = o.get("attrs") {
        let list = list.as_array().ok_or("\"attrs\" must be a list")?;
        b.align().expect(ROOM);
        for a in list {
            attribute(a, &mut b)?;
        }
    }
    b.put_data(&hex_field(o, "tail_hex")?.unwrap_or_default())
        .expect(ROOM);
    let mut allowed = vec!["type", "flags", "seq", "pid", "len", "attrs", "tail_hex"];
    allowed.extend(headers);
    check_keys(o, &allowed, "message")?;
    match int(o, "len", 0, u32::MAX as i64)? {
        Some(len) => b.nlmsg_mut(at).set_length(len as u32),
        None => b.nlmsg_end(at),
    }
    Ok((b.into_vec(), family))
}

/// A datagram from `"msg"` (one message) or `"msgs"` (each but the last padded to 4 bytes).
pub fn datagram(msg: Option<&Value>, msgs: Option<&Value>) -> R<Vec<u8>> {
    datagram_with_families(msg, msgs).map(|(bytes, _)| bytes)
}

/// [`datagram`], and where its messages name generic netlink families to resolve.
pub fn datagram_with_families(
    msg: Option<&Value>,
    msgs: Option<&Value>,
) -> R<(Vec<u8>, Vec<GenlFamilyRef>)> {
    /// Where `nlmsg_type` sits in a message.
    const TYPE_OFFSET: usize = 4;
    let compiled: Vec<(Vec<u8>, Option<String>)> = match (msg, msgs) {
        (Some(m), None) => {
            vec![message_with_family(m).map_err(|e| format!("in \"msg\": {e}"))?]
        }
        (None, Some(Value::Array(list))) => list
            .iter()
            .enumerate()
            .map(|(i, m)| message_with_family(m).map_err(|e| format!("in \"msgs\"[{i}]: {e}")))
            .collect::<R<_>>()?,
        (None, Some(v)) => return Err(format!("\"msgs\" must be a list of messages, found {v}")),
        _ => return Err("give \"msg\" or \"msgs\", not both".into()),
    };
    let mut refs = Vec::new();
    let mut at = 0;
    for (bytes, family) in &compiled {
        at = nltwin_wire::uapi::netlink::nlmsg_align(at);
        if let Some(name) = family {
            refs.push(GenlFamilyRef {
                offset: at + TYPE_OFFSET,
                name: name.clone(),
            });
        }
        at += bytes.len();
    }
    let bytes = builder::datagram(compiled.into_iter().map(|(b, _)| b));
    Ok((bytes, refs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_getlink_by_name_compiles_to_the_hand_written_bytes() {
        let m = json!({"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":3,
                       "ifinfomsg":{"index":0},"attrs":[{"type":"IFLA_IFNAME","str":"lo"}]});
        assert_eq!(
            hex::encode(message(&m).unwrap()),
            "2800000012000500030000000000000000000000000000000000000000000000070003006c6f0000"
        );
    }

    #[test]
    fn nlctrl_getfamily_and_a_nested_veth_peer() {
        let m = json!({"type":"nlctrl","flags":["REQUEST"],"seq":1,
                       "genl":{"cmd":"CTRL_CMD_GETFAMILY","version":1},
                       "attrs":[{"type":"CTRL_ATTR_FAMILY_NAME","str":"nlctrl"}]});
        assert_eq!(
            hex::encode(message(&m).unwrap()),
            "2000000010000100010000000000000003010000".to_owned() + "0b0002006e6c6374726c0000"
        );
        let v = json!({"type":"IFLA_LINKINFO","nested":[
            {"type":"IFLA_INFO_KIND","str":"veth"},
            {"type":"IFLA_INFO_DATA","nested":[{"type":"VETH_INFO_PEER","hex":"00"}]}]});
        let mut b = NlBuf::unlimited();
        attribute(&v, &mut b).unwrap();
        assert_eq!(
            hex::encode(b.as_slice()),
            "1c001200090001007665746800000000".to_owned() + "0c000200" + "050001000000" + "0000"
        );
    }

    #[test]
    fn mistakes_are_named() {
        let e = |v: Value| message(&v).unwrap_err();
        assert!(e(json!({"type":"RTM_GETLIN"})).contains("unknown message type \"RTM_GETLIN\""));
        assert!(e(json!({"type":18,"flags":["REQEST"]})).contains("unknown flag \"REQEST\""));
        assert!(e(json!({"type":18,"attrs":[{"type":"IFLA_MTU"}]})).contains("exactly one value"));
        assert!(e(json!({"type":18,"attrs":[{"type":"IFLA_MTU","u32":-1}]})).contains("outside"));
        assert!(e(json!({"type":18,"ifinfomsg":{},"genl":{"cmd":1}})).contains("at most one"));
        assert!(e(json!({"type":18,"colour":1})).contains("unknown field \"colour\""));
    }
}
