//! `nltwin family list|get|policy`: generic netlink families as nlctrl reports them, decoded
//! (text like `genl ctrl get`/`genl ctrl policy`, or JSON as the README documents).

use std::io::Write;

use nltwin::engine::Connection;
use nltwin::requests::family::{Family, FamilyKey, FamilyRequests};
use nltwin::requests::family_info::{op_flag_names, FamilyInfo};
use nltwin::requests::policy::{AttrPolicy, PolicyDump, PolicyRequests};
use nltwin::transport::Backend;
use nltwin::wire::uapi::genetlink::CtrlCmd;
use nltwin::wire::Errno;
use serde_json::{json, Value};

use crate::cli_error::{errno_of, CliError, EXIT_NOT_FOUND};

/// A family named on the command line: a number (decimal or 0x hex) is an id, else a name.
pub fn family_key(s: &str) -> FamilyKey<'_> {
    let id = match s.strip_prefix("0x") {
        Some(h) => u16::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    };
    match id {
        Some(i) => FamilyKey::Id(i),
        None => FamilyKey::Name(s),
    }
}

/// An operation named on the command line: a number (decimal or 0x hex), or one of nlctrl's
/// command names (`CTRL_CMD_GETFAMILY`, `getfamily`).
pub fn op_number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x") {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
    .or_else(|| {
        let up = s.to_ascii_uppercase();
        let full = if up.starts_with("CTRL_CMD_") {
            up
        } else {
            format!("CTRL_CMD_{up}")
        };
        CtrlCmd::from_name(&full).map(|c| u32::from(u8::from(c)))
    })
}

/// One family, looked up, with "not found" named as such.
pub fn get_family<B: Backend>(c: &mut Connection<B>, family: &str) -> Result<Family, CliError> {
    c.family(family_key(family))
        .map_err(|e| match errno_of(&e) {
            Some(Errno::ENOENT) => CliError::new(
                EXIT_NOT_FOUND,
                format!(
                "no generic netlink family \"{family}\" (not registered, or not visible in this \
                 network namespace: `nltwin family list` shows what is)"
            ),
            ),
            _ => CliError::request(&format!("looking up family \"{family}\""), &e),
        })
}

/// A family's JSON object (README, "nltwin family").
pub fn family_json(f: &Family) -> Value {
    let i = f.info();
    json!({
        "id": i.id,
        "name": i.name,
        "version": i.version,
        "hdrsize": i.hdrsize,
        "maxattr": i.maxattr,
        "ops": i.ops.iter().map(|o| json!({
            "id": o.id,
            "flags": op_flag_names(o.flags),
            "flags_raw": o.flags,
        })).collect::<Vec<_>>(),
        "mcast_groups": i.mcast_groups.iter().map(|g| json!({"name": g.name, "id": g.id})).collect::<Vec<_>>(),
        "raw": hex::encode(&f.raw),
    })
}

fn opt_hex<T: std::fmt::LowerHex>(v: Option<T>) -> String {
    v.map(|v| format!("{v:#x}")).unwrap_or_else(|| "?".into())
}

fn opt_dec<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
}

/// A family as text, laid out like `genl ctrl get`.
pub fn write_family(w: &mut impl Write, i: &FamilyInfo) -> std::io::Result<()> {
    writeln!(w, "Name: {}", i.name.as_deref().unwrap_or("?"))?;
    writeln!(
        w,
        "\tID: {}  Version: {}  header size: {}  max attribs: {}",
        opt_hex(i.id),
        opt_hex(i.version),
        opt_dec(i.hdrsize),
        opt_dec(i.maxattr)
    )?;
    if !i.ops.is_empty() {
        writeln!(w, "\tcommands supported:")?;
        for (n, o) in i.ops.iter().enumerate() {
            writeln!(
                w,
                "\t\t#{}:  ID-{:#x}  flags {:#x}: {}",
                n + 1,
                o.id,
                o.flags,
                op_flag_names(o.flags).join(" ")
            )?;
        }
    }
    if !i.mcast_groups.is_empty() {
        writeln!(w, "\tmulticast groups:")?;
        for (n, g) in i.mcast_groups.iter().enumerate() {
            writeln!(w, "\t\t#{}:  ID-{:#x}  name: {}", n + 1, g.id, g.name)?;
        }
    }
    Ok(())
}

/// `nltwin family list` (no name) or `nltwin family get NAME`.
pub fn family<B: Backend>(
    c: &mut Connection<B>,
    name: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let fams = match name {
        None => c
            .families()
            .map_err(|e| CliError::request("listing the families (GETFAMILY dump)", &e))?,
        Some(n) => vec![get_family(c, n)?],
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        let v: Vec<Value> = fams.iter().map(family_json).collect();
        writeln!(out, "{}", Value::Array(v))?;
    } else {
        for (n, f) in fams.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            write_family(&mut out, &f.info())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One attribute's policy as a line, the way `genl ctrl policy` writes it (without its
/// `ID: 0x..` prefix), plus the masks and anything unknown, which it does not show.
pub fn policy_line(a: &AttrPolicy) -> String {
    let mut s = format!(
        "policy[{}]:attr[{}]: type={}",
        a.policy,
        a.attr,
        a.kind_name()
    );
    if let (Some(lo), Some(hi)) = (a.min_value_s, a.max_value_s) {
        s += &format!(" range:[{lo},{hi}]");
    }
    if let (Some(lo), Some(hi)) = (a.min_value_u, a.max_value_u) {
        s += &format!(" range:[{lo},{hi}]");
    }
    if let Some(l) = a.min_length {
        s += &format!(" min len:{l}");
    }
    if let Some(l) = a.max_length {
        s += &format!(" max len:{l}");
    }
    if let Some(p) = a.policy_idx {
        s += &format!(" policy:{p}");
    }
    if let Some(m) = a.policy_maxtype {
        s += &format!(" maxattr:{m}");
    }
    if let Some(m) = a.bitfield32_mask {
        s += &format!(" bitfield32 mask:{m:#x}");
    }
    if let Some(m) = a.mask {
        s += &format!(" mask:{m:#x}");
    }
    for (k, v) in &a.unknown {
        s += &format!(" attr{k}:{}", hex::encode(v));
    }
    s
}

/// The policy dump as lines: per operation, then per policy attribute (`genl ctrl policy`'s).
pub fn policy_lines(d: &PolicyDump) -> Vec<String> {
    let mut lines = Vec::new();
    for o in &d.ops {
        let mut s = format!("op {} policies:", o.cmd);
        if let Some(p) = o.do_policy {
            s += &format!(" do={p}");
        }
        if let Some(p) = o.dump_policy {
            s += &format!(" dump={p}");
        }
        lines.push(s);
    }
    lines.extend(d.attrs.iter().map(policy_line));
    lines
}

/// The policy dump's JSON object (README, "nltwin family policy").
pub fn policy_json(name: &str, op: Option<u32>, d: &PolicyDump) -> Value {
    let attrs: Vec<Value> = d
        .attrs
        .iter()
        .map(|a| {
            let mut o = serde_json::Map::new();
            o.insert("policy".into(), json!(a.policy));
            o.insert("attr".into(), json!(a.attr));
            o.insert("type".into(), json!(a.kind_name()));
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    o.insert(k.into(), v);
                }
            };
            put("min_value_s", a.min_value_s.map(Value::from));
            put("max_value_s", a.max_value_s.map(Value::from));
            put("min_value_u", a.min_value_u.map(Value::from));
            put("max_value_u", a.max_value_u.map(Value::from));
            put("min_length", a.min_length.map(Value::from));
            put("max_length", a.max_length.map(Value::from));
            put("policy_idx", a.policy_idx.map(Value::from));
            put("policy_maxtype", a.policy_maxtype.map(Value::from));
            put("bitfield32_mask", a.bitfield32_mask.map(Value::from));
            put("mask", a.mask.map(Value::from));
            if !a.unknown.is_empty() {
                let u: Vec<Value> = a
                    .unknown
                    .iter()
                    .map(|(k, v)| json!({"type": k, "hex": hex::encode(v)}))
                    .collect();
                o.insert("unknown".into(), Value::Array(u));
            }
            Value::Object(o)
        })
        .collect();
    json!({
        "family": name,
        "id": d.family_id,
        "op": op,
        "ops": d.ops.iter().map(|o| {
            let mut v = json!({"cmd": o.cmd});
            if let Some(p) = o.do_policy { v["do"] = json!(p); }
            if let Some(p) = o.dump_policy { v["dump"] = json!(p); }
            v
        }).collect::<Vec<_>>(),
        "attrs": attrs,
    })
}

/// `nltwin family policy NAME [--op CMD]`.
pub fn policy<B: Backend>(
    c: &mut Connection<B>,
    family: &str,
    op: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let op = match op {
        None => None,
        Some(s) => Some(op_number(s).ok_or_else(|| {
            CliError::new(
                2,
                format!("--op {s}: not a command number (or one of nlctrl's CTRL_CMD_* names)"),
            )
        })?),
    };
    let d = match c.policy(family_key(family), op) {
        Ok(d) => d,
        Err(e) => {
            let what = match op {
                Some(o) => format!("family \"{family}\" op {o}"),
                None => format!("family \"{family}\""),
            };
            return Err(match errno_of(&e) {
                // Unknown family and unknown operation are both ENOENT: tell them apart.
                Some(Errno::ENOENT) => match get_family(c, family) {
                    Err(not_found) => not_found,
                    Ok(_) => CliError::new(
                        EXIT_NOT_FOUND,
                        format!("{what}: the family has no such operation ({e})"),
                    ),
                },
                Some(Errno::ENODATA) => {
                    CliError::new(EXIT_NOT_FOUND, format!("{what}: no policy to show ({e})"))
                }
                _ => CliError::request(&format!("policy of {what} (GETPOLICY dump)"), &e),
            });
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        writeln!(out, "{}", policy_json(family, op, &d))?;
    } else {
        for l in policy_lines(&d) {
            writeln!(out, "{l}")?;
        }
    }
    out.flush()?;
    Ok(())
}
