//! `nltwin diff --html FILE`: one self-contained page per run (no network fetches, no external
//! files): the verdict table, then for every differing operation the two sides' messages decoded
//! through the catalogue as trees side by side, the differing fields marked, masked fields shown
//! as masked with the reason the volatile table gives, and the raw bytes one click away
//! (`<details>`). A small inline script counts the marked fields into the page's summary, so a
//! browser that rendered the page shows it (the test checks that with a headless browser).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use nltwin_wire::catalogue::{decode, native_uint, DecodedAttr, VOLATILE_FIELDS};

use crate::diff::{OpDiff, Verdict};
use crate::normalize::{NormData, NormMessage, NormPart, NormResult};
use crate::report::{totals, Timed};
use crate::results::Outcome;

/// The page for a run: `kernel` and `profile` name the two sides.
pub fn to_html(runs: &[Timed], kernel: &str, profile: &str, elapsed: Duration) -> String {
    let t = totals(runs);
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    let _ = writeln!(
        o,
        "<title>nltwin diff: kernel {} vs model {}</title>",
        esc(kernel),
        esc(profile)
    );
    o.push_str(STYLE);
    o.push_str("</head><body>\n");
    let _ = writeln!(
        o,
        "<h1>nltwin diff: kernel {} vs model {}</h1>",
        esc(kernel),
        esc(profile)
    );
    let _ = writeln!(
        o,
        "<p class=\"summary\">{} same, {} differ, {} skipped, {} timed out, {} panicked; {} bytes \
         compared, {} masked; {:.2} s. <span id=\"marked\">Marked fields: (counted by the page's script)</span></p>",
        t.same,
        t.differ,
        t.skipped,
        t.timed_out,
        t.panicked,
        t.bytes_compared,
        t.bytes_masked,
        elapsed.as_secs_f64()
    );
    verdict_table(&mut o, runs);
    for (i, r) in runs.iter().enumerate() {
        if let Verdict::Differ(diffs) = &r.report.verdict {
            let _ = writeln!(
                o,
                "<section class=\"scenario\" id=\"s{i}\"><h2>{}</h2>",
                esc(&r.report.path.display().to_string())
            );
            for d in diffs {
                op_diff(&mut o, d);
            }
            o.push_str("</section>\n");
        }
    }
    o.push_str(SCRIPT);
    o.push_str("</body></html>\n");
    o
}

fn verdict_table(o: &mut String, runs: &[Timed]) {
    o.push_str(
        "<table class=\"verdicts\"><thead><tr><th>scenario</th><th>verdict</th><th>ops</th>\
         <th>bytes compared</th><th>masked</th><th>time</th></tr></thead><tbody>\n",
    );
    for (i, r) in runs.iter().enumerate() {
        let rep = &r.report;
        let name = rep.path.file_stem().map_or_else(
            || rep.path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        let (class, verdict) = match &rep.verdict {
            Verdict::Same => ("same", "same".to_string()),
            Verdict::Differ(d) => (
                "differ",
                format!("<a href=\"#s{i}\">differ in {} of {}</a>", d.len(), rep.ops),
            ),
            Verdict::Skipped(why) => ("skipped", format!("skipped: {}", esc(why))),
            Verdict::TimedOut(why) => ("timedout", format!("timed out: {}", esc(why))),
            Verdict::Panicked(why) => ("panicked", format!("panicked: {}", esc(why))),
        };
        let _ = writeln!(
            o,
            "<tr class=\"{class}\"><td>{}</td><td>{verdict}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{:.2} s</td></tr>",
            esc(&name),
            rep.ops,
            rep.bytes_compared,
            rep.bytes_masked,
            r.time.as_secs_f64()
        );
    }
    o.push_str("</tbody></table>\n");
}

fn op_diff(o: &mut String, d: &OpDiff) {
    let _ = writeln!(
        o,
        "<div class=\"op\"><h3>op {} (line {}): {}</h3>",
        d.index + 1,
        d.line,
        esc(&outcome_line(&d.kernel))
    );
    for line in crate::explain::explain(d.protocol, &d.kernel, &d.model) {
        let _ = writeln!(
            o,
            "<p class=\"explain\">{}</p>",
            esc(&crate::report::strip_ansi(&line))
        );
    }
    let (k, m) = (
        side_rows(d.protocol, &d.kernel),
        side_rows(d.protocol, &d.model),
    );
    o.push_str(
        "<table class=\"sides\"><thead><tr><th>kernel</th><th>model</th></tr></thead><tbody>\n",
    );
    for (kr, mr) in align(&k, &m) {
        let differs = match (kr, mr) {
            (Some(a), Some(b)) => a.cmp != b.cmp,
            _ => true,
        };
        let cell = |r: Option<&Row>| match r {
            None => "<td class=\"absent\"></td>".to_string(),
            Some(r) => r.cell(differs),
        };
        let _ = writeln!(o, "<tr>{}{}</tr>", cell(kr), cell(mr));
    }
    o.push_str("</tbody></table>\n");
    o.push_str("<details><summary>raw bytes</summary><div class=\"raw\">");
    for (label, r) in [("kernel", &d.kernel), ("model", &d.model)] {
        let _ = write!(
            o,
            "<h4>{label}</h4><pre>{}</pre>",
            esc(&crate::diff::wrap_hex(
                &serde_json::to_string_pretty(&r.to_json()).unwrap_or_default()
            ))
        );
    }
    o.push_str("</div></details></div>\n");
}

/// The result without its messages: the operation, and its return or error.
fn outcome_line(r: &NormResult) -> String {
    let what = match &r.outcome {
        Outcome::Ok { ret, .. } => format!("ret {ret}"),
        Outcome::Errno(e) => crate::results::errno_name(*e),
        Outcome::Unimplemented(u) => format!("unimplemented: {}", u.what()),
    };
    format!(
        "{} on \"{}\": {what}",
        r.to_json()["op"].as_str().unwrap_or("?"),
        r.sock
    )
}

/// One line of a side's tree.
#[derive(Clone, Debug)]
struct Row {
    /// Where it is: the same key on both sides is the same field (message index, then each
    /// level's name with its occurrence among same-named siblings).
    key: String,
    depth: usize,
    label: String,
    value: String,
    /// What is compared: equal on both sides means the field is the same.
    cmp: String,
    /// Masked bytes in the field, with the reason.
    masked: Option<String>,
    /// A nest, compared through its children.
    nest: bool,
}

impl Row {
    fn cell(&self, differs: bool) -> String {
        let mut class = String::from("f");
        if differs && !self.nest {
            class.push_str(" d");
        }
        if self.nest {
            class.push_str(" nest");
        }
        let masked = self.masked.as_ref().map_or(String::new(), |why| {
            format!(
                " <span class=\"masked\" title=\"{}\">masked</span>",
                esc(why)
            )
        });
        format!(
            "<td class=\"{class}\" style=\"padding-left:{}em\"><span class=\"k\">{}</span> \
             <span class=\"v\">{}</span>{masked}</td>",
            0.4 + 1.2 * self.depth as f64,
            esc(&self.label),
            esc(&self.value)
        )
    }
}

/// The rows of one side's result: its outcome, then each message's header, family header and
/// attributes as a tree.
fn side_rows(protocol: u16, r: &NormResult) -> Vec<Row> {
    let mut rows = vec![leaf("result", 0, "result", outcome_line(r))];
    let Outcome::Ok { data, .. } = &r.outcome else {
        return rows;
    };
    match data {
        NormData::None => {}
        NormData::Address(a) => rows.push(leaf(
            "address",
            0,
            "address",
            format!("pid {} groups {:#x}", a.pid.to_json(), a.groups),
        )),
        NormData::SockOpt { bytes, len } => rows.push(leaf(
            "sockopt",
            0,
            "option",
            format!("{} (optlen {len})", hex::encode(bytes)),
        )),
        NormData::Recv {
            messages,
            msg_flags,
            from,
        } => {
            rows.push(leaf(
                "recv",
                0,
                "datagram",
                format!(
                    "msg_flags {msg_flags:#x}, from pid {} groups {:#x}",
                    from.pid.to_json(),
                    from.groups
                ),
            ));
            for (i, part) in messages.iter().enumerate() {
                match part {
                    NormPart::Message(m) => message_rows(&mut rows, protocol, i, m),
                    NormPart::Trailing(b) => {
                        rows.push(leaf(&format!("m{i}"), 1, "trailing bytes", hex::encode(b)))
                    }
                }
            }
        }
    }
    rows
}

fn leaf(key: &str, depth: usize, label: &str, value: String) -> Row {
    Row {
        key: key.to_owned(),
        depth,
        label: label.to_owned(),
        cmp: value.clone(),
        value,
        masked: None,
        nest: false,
    }
}

fn message_rows(rows: &mut Vec<Row>, protocol: u16, i: usize, m: &NormMessage) {
    let bytes = m.bytes();
    let dec = decode(i32::from(protocol), &bytes);
    let h = m.header;
    let key = format!("m{i}");
    rows.push(Row {
        nest: true,
        ..leaf(
            &key,
            1,
            &format!("message {}: {}", i + 1, dec.spec),
            format!(
                "len {} flags {:#x} seq {} pid {}",
                h.length,
                h.flags,
                h.seq,
                m.pid.to_json()
            ),
        )
    });
    for (name, v) in [
        ("nlmsg_len", h.length.to_string()),
        ("nlmsg_type", h.msg_type.to_string()),
        ("nlmsg_flags", format!("{:#x}", h.flags)),
        ("nlmsg_seq", h.seq.to_string()),
        ("nlmsg_pid", m.pid.to_json().to_string()),
    ] {
        rows.push(leaf(&format!("{key}/{name}"), 2, name, v));
    }
    if let Some(n) = m.truncated_to {
        rows.push(leaf(
            &format!("{key}/truncated"),
            2,
            "cut short",
            format!("{n} bytes of it received"),
        ));
    }
    // The family header's fields, by the catalogue's names.
    let fh = dec.family_header;
    let base = nltwin_wire::nlmsg::HEADER_LEN;
    for f in dec.spec.header.fields() {
        let Some(b) = fh.get(f.range.clone()) else {
            continue;
        };
        let mut r = leaf(&format!("{key}/{}", f.name), 2, f.name, value_of(b));
        r.masked = masked_range(m, base + f.range.start..base + f.range.end)
            .then(|| "normalized (a portid or a volatile value)".to_owned());
        rows.push(r);
    }
    if let Some(e) = &dec.error {
        for (j, a) in e.ext_ack.iter().enumerate() {
            attr_rows(rows, m, &dec.spec, &format!("{key}/ext_ack{j}"), 2, a, &[]);
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for a in &dec.attrs {
        let n = attr_name(a);
        let c = seen.entry(n.clone()).or_default();
        attr_rows(
            rows,
            m,
            &dec.spec,
            &format!("{key}/{n}#{c}"),
            2,
            a,
            &[a.kind],
        );
        *c += 1;
    }
    if let Some(at) = dec.malformed {
        rows.push(leaf(
            &format!("{key}/malformed"),
            2,
            "malformed",
            format!("decoding stopped at offset {at:#x}"),
        ));
    }
}

fn attr_name(a: &DecodedAttr<'_>) -> String {
    a.name
        .map_or_else(|| format!("attr {}", a.kind), str::to_owned)
}

fn attr_rows(
    rows: &mut Vec<Row>,
    m: &NormMessage,
    spec: &nltwin_wire::catalogue::MessageSpec,
    key: &str,
    depth: usize,
    a: &DecodedAttr<'_>,
    path: &[u16],
) {
    let range = a.payload_range();
    // Offsets in the decoded bytes count from the message's start; the mask from the payload's.
    let masked = masked_range(m, range.clone()).then(|| masked_reason(spec, path));
    let nest = a.children.is_some();
    let value = if nest {
        format!("nested, {} bytes", a.length)
    } else {
        value_of(a.payload)
    };
    rows.push(Row {
        key: key.to_owned(),
        depth,
        label: attr_name(a),
        cmp: if nest {
            a.length.to_string()
        } else {
            format!("{}:{}", a.length, hex::encode(a.payload))
        },
        value,
        masked,
        nest,
    });
    if let Some((h, bytes)) = a.header {
        for f in h.fields() {
            if let Some(b) = bytes.get(f.range.clone()) {
                rows.push(leaf(
                    &format!("{key}/{}", f.name),
                    depth + 1,
                    f.name,
                    value_of(b),
                ));
            }
        }
    }
    if let Some(children) = &a.children {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for c in children {
            let n = attr_name(c);
            let i = seen.entry(n.clone()).or_default();
            let mut p = path.to_vec();
            p.push(c.kind);
            attr_rows(rows, m, spec, &format!("{key}/{n}#{i}"), depth + 1, c, &p);
            *i += 1;
        }
    }
}

/// Whether any byte of `range` (counted from the message's start) is masked.
fn masked_range(m: &NormMessage, range: std::ops::Range<usize>) -> bool {
    let base = nltwin_wire::nlmsg::HEADER_LEN;
    range
        .filter(|&i| i >= base)
        .any(|i| m.payload.is_masked(i - base))
}

/// The volatile table's reason for a masked attribute at `path`.
fn masked_reason(spec: &nltwin_wire::catalogue::MessageSpec, path: &[u16]) -> String {
    VOLATILE_FIELDS
        .iter()
        .find(|f| f.applies_to(spec.protocol, spec.msg_type) && f.path.starts_with(path))
        .map_or_else(
            || "masked by a normalization".to_owned(),
            |f| format!("{}: {}", f.name, f.reason),
        )
}

/// A field's value as people read it: a number for 1, 2, 4 and 8 bytes, text for printable
/// strings, else hex.
fn value_of(b: &[u8]) -> String {
    if b.is_empty() {
        return "(empty)".into();
    }
    // A NUL-terminated printable string first: "ifb\0" is also four bytes.
    if let Some(text) = b.strip_suffix(&[0]) {
        if !text.is_empty() && text.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
            return format!("{:?}", String::from_utf8_lossy(text));
        }
    }
    if matches!(b.len(), 1 | 2 | 4 | 8) {
        if let Some(v) = native_uint(b) {
            return if v > 0xffff {
                format!("{v} ({v:#x})")
            } else {
                v.to_string()
            };
        }
    }
    if b.len() > 1 && b.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        return format!("{:?}", String::from_utf8_lossy(b));
    }
    hex::encode(b)
}

/// The two sides' rows paired by key, in the kernel's order, the model's extra rows after the
/// row they follow on its side.
fn align<'a>(k: &'a [Row], m: &'a [Row]) -> Vec<(Option<&'a Row>, Option<&'a Row>)> {
    let in_model: HashMap<&str, &Row> = m.iter().map(|r| (r.key.as_str(), r)).collect();
    let in_kernel: std::collections::HashSet<&str> = k.iter().map(|r| r.key.as_str()).collect();
    // Model-only rows, grouped under the last shared key before them.
    let mut after: HashMap<&str, Vec<&Row>> = HashMap::new();
    let mut leading = Vec::new();
    let mut last: Option<&str> = None;
    for r in m {
        if in_kernel.contains(r.key.as_str()) {
            last = Some(r.key.as_str());
        } else {
            match last {
                Some(l) => after.entry(l).or_default().push(r),
                None => leading.push(r),
            }
        }
    }
    let mut out: Vec<(Option<&Row>, Option<&Row>)> =
        leading.into_iter().map(|r| (None, Some(r))).collect();
    for r in k {
        out.push((Some(r), in_model.get(r.key.as_str()).copied()));
        if let Some(extra) = after.get(r.key.as_str()) {
            out.extend(extra.iter().map(|x| (None, Some(*x))));
        }
    }
    out
}

/// HTML-escape text.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:2em}h3{font-size:1em;font-weight:600}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}
.verdicts tr.same td:nth-child(2){color:#2a7a2a}
.verdicts tr.differ td:nth-child(2),.verdicts tr.panicked td:nth-child(2){color:#b00;font-weight:600}
.verdicts tr.skipped td:nth-child(2),.verdicts tr.timedout td:nth-child(2){color:#a60}
.sides{width:100%;table-layout:fixed;font-family:ui-monospace,monospace;font-size:.85em}
.sides td{word-break:break-all}
.f.d{background:#ffd9d9}
.f.nest .k{font-weight:600}
td.absent{background:#f2f2f2}
.masked{background:#ddd;border-radius:3px;padding:0 .3em;font-size:.8em;cursor:help}
.explain{font-family:ui-monospace,monospace;font-size:.85em;color:#700}
.raw pre{font-size:.75em;background:#f8f8f8;padding:.5em;overflow-x:auto}
.k{color:#225}
</style>
";

const SCRIPT: &str = "<script>
(function(){
  var n=document.querySelectorAll('td.f.d').length;
  var m=document.querySelectorAll('.masked').length;
  document.getElementById('marked').textContent=
    'Marked fields: '+n+' differing, '+m+' masked.';
})();
</script>
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_strings_numbers_or_hex() {
        assert_eq!(value_of(b"ifb\0"), "\"ifb\"");
        assert_eq!(value_of(&5u32.to_ne_bytes()), "5");
        assert_eq!(value_of(&0x1_0000u32.to_ne_bytes()), "65536 (0x10000)");
        assert_eq!(value_of(&[2, 0, 0, 0, 0, 7]), "020000000007");
        assert_eq!(value_of(&[]), "(empty)");
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn rows_pair_by_key_and_one_sided_rows_keep_their_place() {
        let row = |k: &str| leaf(k, 0, k, String::new());
        let kernel = [row("a"), row("b"), row("c")];
        let model = [row("z"), row("a"), row("c"), row("m")];
        let keys: Vec<(Option<&str>, Option<&str>)> = align(&kernel, &model)
            .into_iter()
            .map(|(k, m)| (k.map(|r| r.key.as_str()), m.map(|r| r.key.as_str())))
            .collect();
        assert_eq!(
            keys,
            [
                (None, Some("z")),
                (Some("a"), Some("a")),
                (Some("b"), None),
                (Some("c"), Some("c")),
                (None, Some("m")),
            ]
        );
    }
}
