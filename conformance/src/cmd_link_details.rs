//! `nltwin link list|get -d/-s`: links with details and statistics, as `ip -d -s link show`
//! writes them (text) or `ip -d -s -j link show` (JSON), through
//! [`nltwin::present::details::IpLinkDetails`].

use nltwin::engine::{Connection, Error};
use nltwin::present::details::{IpLinkDetails, Show};
use nltwin::requests::link::{LinkFilter, LinkRequests, RTM_GETLINK};
use nltwin::transport::Backend;
use nltwin_conformance::cli_error::{errno_of, CliError, EXIT_NOT_FOUND};

use crate::{with_backend, BackendKind};

/// What the command was asked.
pub(crate) struct Args {
    pub json: bool,
    pub backend: BackendKind,
    pub show: Show,
    /// `get`: the link by name or index; `list`: none.
    pub link: Option<String>,
}

/// The ifindex of `link` (a name, an altname or an index), or the error `nltwin link get`
/// reports.
pub(crate) fn lookup<B: Backend>(c: &mut Connection<B>, link: &str) -> Result<u32, CliError> {
    Ok(match link.parse::<u32>() {
        Ok(i) => c.link_by_index(i),
        Err(_) => c.link_by_name(link),
    }
    .map_err(|e| match errno_of(&e) {
        Some(nltwin::wire::Errno::ENODEV) => CliError::new(
            EXIT_NOT_FOUND,
            format!(
                "no link \"{link}\" in this network namespace (by name, altname or index; \
                 `nltwin link list` shows them)"
            ),
        ),
        _ => CliError::request(&format!("looking up link \"{link}\""), &e),
    })?
    .index())
}

pub(crate) fn link_details(args: &Args) -> Result<(), CliError> {
    let req = |what: &'static str| move |e: Error| CliError::request(what, &e);
    with_backend(args.backend, |b| {
        let mut c = Connection::open(b, 0).map_err(req("NETLINK_ROUTE socket"))?;
        // The whole dump: names of peers, masters and backup ports come from it, as ip
        // resolves them.
        let all = c
            .dump_with(
                RTM_GETLINK,
                &LinkFilter::default().payload(0, None),
                IpLinkDetails::new,
                |t, m| {
                    if t.push_view(&m) {
                        Ok(())
                    } else {
                        Err(Error::Malformed(format!(
                            "unreadable RTM_NEWLINK of {} bytes",
                            m.length()
                        )))
                    }
                },
            )
            .map_err(req("listing the links (RTM_GETLINK dump)"))?;
        let only = match &args.link {
            None => None,
            Some(link) => Some(lookup(&mut c, link)?),
        };
        let keep = |l: &nltwin::present::IpLinkRef<'_>| only.is_none_or(|i| i == l.ifindex);
        let out = std::io::stdout().lock();
        if args.json {
            all.write_ip_json(args.show, keep, out)?;
        } else {
            all.write_ip_text(args.show, keep, out)?;
        }
        for note in all.undecoded() {
            eprintln!("nltwin link: {note}");
        }
        Ok(())
    })
}
