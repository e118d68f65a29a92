//! The readable message syntax of traces: a `send` may give `"msg"` (one message) or `"msgs"`
//! (several in one datagram) instead of `"hex"`; they compile to exactly the bytes one would
//! write in hex.
//!
//! ```json
//! {"op":"send","sock":"a","msg":{"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":1,
//!   "ifinfomsg":{"index":0},"attrs":[{"type":"IFLA_IFNAME","str":"lo"}]}}
//! ```
//!
//! A message: `type` (a name such as `RTM_NEWLINK`, `NLMSG_DONE`, `nlctrl`, or a number),
//! `flags` (a list of `NLM_F_*` names without the prefix, or a number), `seq`, `pid`, and an
//! optional `len` that overrides the computed length (for malformed requests). After the
//! header, at most one family header: `ifinfomsg` {`family`,`type`,`index`,`flags`,`change`},
//! `genl` {`cmd` (a number or `CTRL_CMD_*`), `version`}, `rtgenmsg` {`family`} (one byte), or
//! `header_hex`. Then `attrs`, a list of attributes, and `tail_hex`, raw bytes after them.
//!
//! An attribute: `type` (any `IFLA_*`, `IFLA_INFO_*`, `IFLA_INET6_*`, `CTRL_ATTR_*` name,
//! `VETH_INFO_PEER`, `AF_INET`, `AF_INET6`, or a number), `nested_flag` (sets NLA_F_NESTED),
//! an optional `len` override, and one value: `u8`, `u16`, `u32`, `u64`, `s32`, `str` (NUL
//! added), `strn` (no NUL), `hex`, `flag` (no payload) or `nested` (a list of attributes).
//! Everything is native-endian and padded to 4 bytes, as the kernel expects.

use serde_json::{Map, Value};

use crate::names::{attr_number, CTRL_CMD, FLAGS, MSG_TYPES};

type R<T> = Result<T, String>;

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

fn msg_type(v: &Value) -> R<u16> {
    match v {
        Value::String(s) => MSG_TYPES
            .iter()
            .find(|(n, _)| n == s)
            .map(|t| t.1)
            .ok_or_else(|| {
                let known: Vec<&str> = MSG_TYPES.iter().map(|t| t.0).collect();
                format!(
                    "unknown message type \"{s}\" (known: {}, or a number)",
                    known.join(", ")
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
            FLAGS
                .iter()
                .find(|(f, _)| *f == s)
                .map(|f| acc | f.1)
                .ok_or_else(|| format!("unknown flag \"{s}\""))
        }),
        v => v
            .as_u64()
            .filter(|n| *n <= u16::MAX as u64)
            .map(|n| n as u16)
            .ok_or_else(|| format!("\"flags\" must be a list of names or a number, found {v}")),
    }
}

fn pad(b: &mut Vec<u8>) {
    b.resize(b.len().next_multiple_of(4), 0);
}

/// One attribute, padded.
fn attribute(v: &Value) -> R<Vec<u8>> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("an attribute must be an object, found {v}"))?;
    let what = format!("attribute {}", o.get("type").unwrap_or(&Value::Null));
    let ty = match o.get("type") {
        Some(Value::String(s)) => {
            attr_number(s).ok_or_else(|| format!("unknown attribute type \"{s}\""))?
        }
        Some(t) => t
            .as_u64()
            .filter(|n| *n <= 0x3fff)
            .map(|n| n as u16)
            .ok_or_else(|| format!("attribute \"type\" must be a name or 0..16383, found {t}"))?,
        None => return Err("an attribute needs a \"type\"".into()),
    };
    let values = [
        "u8", "u16", "u32", "u64", "s32", "str", "strn", "hex", "flag", "nested",
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
    let payload: Vec<u8> = match key {
        "u8" => (int(o, "u8", 0, 0xff)?.unwrap_or(0) as u8)
            .to_ne_bytes()
            .to_vec(),
        "u16" => (int(o, "u16", 0, 0xffff)?.unwrap_or(0) as u16)
            .to_ne_bytes()
            .to_vec(),
        "u32" => (int(o, "u32", 0, u32::MAX as i64)?.unwrap_or(0) as u32)
            .to_ne_bytes()
            .to_vec(),
        "s32" => (int(o, "s32", i32::MIN as i64, i32::MAX as i64)?.unwrap_or(0) as i32)
            .to_ne_bytes()
            .to_vec(),
        "u64" => o["u64"]
            .as_u64()
            .ok_or_else(|| format!("{what}: \"u64\" must be an unsigned integer"))?
            .to_ne_bytes()
            .to_vec(),
        "str" | "strn" => {
            let s = o[key]
                .as_str()
                .ok_or_else(|| format!("{what}: \"{key}\" must be a string"))?;
            let mut b = s.as_bytes().to_vec();
            if key == "str" {
                b.push(0);
            }
            b
        }
        "hex" => hex_field(o, "hex")?.unwrap_or_default(),
        "flag" => Vec::new(),
        _ => {
            let list = o["nested"]
                .as_array()
                .ok_or_else(|| format!("{what}: \"nested\" must be a list of attributes"))?;
            let mut b = Vec::new();
            for a in list {
                b.extend(attribute(a).map_err(|e| format!("in {what}: {e}"))?);
            }
            b
        }
    };
    check_keys(o, &["type", "nested_flag", "len", key], &what)?;
    let nested_flag = match o.get("nested_flag") {
        None | Some(Value::Bool(false)) => 0,
        Some(Value::Bool(true)) => 0x8000,
        Some(v) => {
            return Err(format!(
                "{what}: \"nested_flag\" must be true or false, found {v}"
            ))
        }
    };
    let len = int(o, "len", 0, 0xffff)?.unwrap_or(4 + payload.len() as i64) as u16;
    let mut b = len.to_ne_bytes().to_vec();
    b.extend_from_slice(&(ty | nested_flag).to_ne_bytes());
    b.extend(payload);
    pad(&mut b);
    Ok(b)
}

/// One message, compiled (not padded at its end).
pub fn message(v: &Value) -> R<Vec<u8>> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("a message must be an object, found {v}"))?;
    let ty = msg_type(o.get("type").ok_or("a message needs a \"type\"")?)?;
    let flags = o.get("flags").map(msg_flags).transpose()?.unwrap_or(0);
    let seq = int(o, "seq", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
    let pid = int(o, "pid", 0, u32::MAX as i64)?.unwrap_or(0) as u32;
    let mut body = Vec::new();
    let headers = ["ifinfomsg", "genl", "rtgenmsg", "header_hex"];
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
    match given.first().copied() {
        Some("ifinfomsg") => {
            let h = o["ifinfomsg"]
                .as_object()
                .ok_or("\"ifinfomsg\" must be an object")?;
            check_keys(
                h,
                &["family", "type", "index", "flags", "change"],
                "ifinfomsg",
            )?;
            body.push(int(h, "family", 0, 255)?.unwrap_or(0) as u8);
            body.push(0);
            body.extend((int(h, "type", 0, 0xffff)?.unwrap_or(0) as u16).to_ne_bytes());
            let index = int(h, "index", i32::MIN as i64, i32::MAX as i64)?.unwrap_or(0) as i32;
            body.extend(index.to_ne_bytes());
            for k in ["flags", "change"] {
                body.extend((int(h, k, 0, u32::MAX as i64)?.unwrap_or(0) as u32).to_ne_bytes());
            }
        }
        Some("genl") => {
            let h = o["genl"].as_object().ok_or("\"genl\" must be an object")?;
            check_keys(h, &["cmd", "version"], "genl")?;
            let cmd = match h.get("cmd") {
                Some(Value::String(s)) => CTRL_CMD
                    .iter()
                    .position(|c| c == s)
                    .ok_or_else(|| format!("unknown genl command \"{s}\""))?
                    as u8,
                Some(_) => int(h, "cmd", 0, 255)?.unwrap_or(0) as u8,
                None => return Err("\"genl\" needs a \"cmd\"".into()),
            };
            body.extend([cmd, int(h, "version", 0, 255)?.unwrap_or(1) as u8, 0, 0]);
        }
        Some("rtgenmsg") => {
            let h = o["rtgenmsg"]
                .as_object()
                .ok_or("\"rtgenmsg\" must be an object")?;
            check_keys(h, &["family"], "rtgenmsg")?;
            body.push(int(h, "family", 0, 255)?.unwrap_or(0) as u8);
        }
        Some(_) => body.extend(hex_field(o, "header_hex")?.unwrap_or_default()),
        None => {}
    }
    if let Some(list) = o.get("attrs") {
        let list = list.as_array().ok_or("\"attrs\" must be a list")?;
        pad(&mut body);
        for a in list {
            body.extend(attribute(a)?);
        }
    }
    body.extend(hex_field(o, "tail_hex")?.unwrap_or_default());
    let mut allowed = vec!["type", "flags", "seq", "pid", "len", "attrs", "tail_hex"];
    allowed.extend(headers);
    check_keys(o, &allowed, "message")?;
    let len = int(o, "len", 0, u32::MAX as i64)?.unwrap_or(16 + body.len() as i64) as u32;
    let mut b = len.to_ne_bytes().to_vec();
    b.extend(ty.to_ne_bytes());
    b.extend(flags.to_ne_bytes());
    b.extend(seq.to_ne_bytes());
    b.extend(pid.to_ne_bytes());
    b.extend(body);
    Ok(b)
}

/// A datagram from `"msg"` (one message) or `"msgs"` (each but the last padded to 4 bytes).
pub fn datagram(msg: Option<&Value>, msgs: Option<&Value>) -> R<Vec<u8>> {
    match (msg, msgs) {
        (Some(m), None) => message(m).map_err(|e| format!("in \"msg\": {e}")),
        (None, Some(Value::Array(list))) => {
            let mut out = Vec::new();
            for (i, m) in list.iter().enumerate() {
                pad(&mut out);
                out.extend(message(m).map_err(|e| format!("in \"msgs\"[{i}]: {e}"))?);
            }
            Ok(out)
        }
        (None, Some(v)) => Err(format!("\"msgs\" must be a list of messages, found {v}")),
        _ => Err("give \"msg\" or \"msgs\", not both".into()),
    }
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
        assert_eq!(
            hex::encode(attribute(&v).unwrap()),
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
