//! `nltwin route list|get`: routes as `ip route show` / `ip route get` write them (text) or
//! with `-j` (JSON), through [`nltwin::requests::route`] and [`nltwin::present::route`].

use nltwin::engine::{Connection, Error};
use nltwin::present::route::IpRoutes;
use nltwin::requests::addr::AF_INET;
use nltwin::requests::link::{LinkFilter, LinkRequests};
use nltwin::requests::route::{Route, RouteFilter, RouteQuery, RouteRequests};
use nltwin::transport::Backend;
use nltwin::wire::Errno;
use nltwin_conformance::cli_error::{errno_of, CliError, EXIT_NOT_FOUND, EXIT_USAGE};

use crate::cmd_addr::parse_prefix;
use crate::cmd_link_details::lookup;

/// `RT_TABLE_MAIN`.
const RT_TABLE_MAIN: u32 = 254;

fn usage(msg: impl Into<String>) -> CliError {
    CliError::new(EXIT_USAGE, msg)
}

/// `table T`: a name from iproute2's `rt_tables` or a number; `all` is None.
pub(crate) fn parse_table(t: &str) -> Result<Option<u32>, CliError> {
    Ok(Some(match t {
        "all" => return Ok(None),
        "main" => RT_TABLE_MAIN,
        "local" => 255,
        "default" => 253,
        n => n.parse::<u32>().ok().filter(|&n| n != 0).ok_or_else(|| {
            usage(format!(
                "table \"{n}\": expected main, local, default, all or a number from 1"
            ))
        })?,
    }))
}

/// Print `routes` in text or JSON, then what they carry that is not shown.
fn show(
    routes: &[Route],
    links: &nltwin::present::IpLinks,
    show_table: bool,
    json: bool,
) -> Result<(), CliError> {
    let shown = IpRoutes::new(routes, links, show_table);
    let out = std::io::stdout().lock();
    if json {
        shown.write_json(out)?;
    } else {
        shown.write_text(out)?;
    }
    for note in shown.unshown() {
        eprintln!("nltwin route: {note}");
    }
    Ok(())
}

/// `nltwin route list [-4|-6] [table T] [--json]`: `ip route show`'s family rule is kept:
/// without `-4`/`-6` it lists IPv4, unless every table is asked for (`table all`).
pub(crate) fn list<B: Backend>(
    mut c: Connection<B>,
    family: u8,
    table: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let table = parse_table(table.unwrap_or("main"))?;
    let family = match (family, table) {
        (0, Some(_)) => AF_INET,
        (f, _) => f,
    };
    let req = |what: &'static str| move |e: Error| CliError::request(what, &e);
    let links = c
        .ip_link_table(&LinkFilter::default())
        .map_err(req("listing the links (RTM_GETLINK dump)"))?;
    let routes = match c.routes(&RouteFilter { family, table }) {
        // A namespace without an IPv4 route has no main table yet: the kernel ends the dump
        // with ENOENT ("ipv4: FIB table does not exist"), which ip takes as an empty main
        // table (`save_route_errhndlr`), and so does this.
        Err(Error::Kernel {
            errno: Errno::ENOENT,
            in_done: true,
            ..
        }) if table == Some(RT_TABLE_MAIN) => Vec::new(),
        r => r.map_err(req("listing the routes (RTM_GETROUTE dump)"))?,
    };
    show(&routes, &links, table.is_none(), json)
}

/// `nltwin route get ADDR [from A] [oif DEV] [fibmatch] [--json]`.
pub(crate) fn get<B: Backend>(
    mut c: Connection<B>,
    dst: &str,
    words: &[String],
    json: bool,
) -> Result<(), CliError> {
    let (dst_addr, _) = parse_prefix(dst)?;
    let mut q = RouteQuery {
        dst: dst_addr,
        src: None,
        oif: None,
        fibmatch: false,
    };
    let mut oif = None;
    let mut it = words.iter();
    while let Some(word) = it.next() {
        let mut value = || {
            it.next()
                .map(String::as_str)
                .ok_or_else(|| usage(format!("\"{word}\" needs a value")))
        };
        match word.as_str() {
            "from" => {
                let (a, _) = parse_prefix(value()?)?;
                if a.is_ipv4() != dst_addr.is_ipv4() {
                    return Err(usage(format!("from {a}: not of the family of {dst_addr}")));
                }
                q.src = Some(a);
            }
            "oif" | "dev" => oif = Some(value()?),
            "fibmatch" => q.fibmatch = true,
            other => {
                return Err(usage(format!(
                    "unknown word \"{other}\" after {dst} (known: from, oif, fibmatch)"
                )))
            }
        }
    }
    let req = |what: &'static str| move |e: Error| CliError::request(what, &e);
    let links = c
        .ip_link_table(&LinkFilter::default())
        .map_err(req("listing the links (RTM_GETLINK dump)"))?;
    if let Some(d) = oif {
        q.oif = Some(lookup(&mut c, d)?);
    }
    let route = c.route_get(&q).map_err(|e| match errno_of(&e) {
        Some(Errno::ENETUNREACH | Errno::EHOSTUNREACH | Errno::ENOENT) => CliError::new(
            EXIT_NOT_FOUND,
            format!("route get {dst_addr}: no route ({e})"),
        ),
        _ => CliError::request(&format!("route get {dst_addr} (RTM_GETROUTE)"), &e),
    })?;
    show(std::slice::from_ref(&route), &links, true, json)
}
