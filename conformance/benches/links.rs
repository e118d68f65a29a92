//! Side-by-side link benchmark: `cargo bench -p nltwin-conformance --bench links`.
//!
//! In a fresh sandbox (user + network namespace) it creates N veth pairs (default 2000: 4001
//! links with `lo`) in the kernel and in the model, then times, per full RTM_GETLINK dump:
//! a raw AF_NETLINK floor (libc recv into a 64 KiB buffer, no parsing), the same raw loop
//! through each backend (kernel vs model: the model's speed), nltwin's zero-copy view with a
//! full attribute walk, nltwin's typed API, and, as whole processes, `ip -j link show` and
//! `nltwin link list --json`, `ip -d -s -j link show` and `nltwin link list -d -s --json`
//! (wall time and peak RSS). Medians of R rounds, the ways measured
//! round-robin within each round so drift falls on all alike; one run, one machine, so the
//! ratios are meaningful and the absolute figures are this machine's.
//!
//! `NLTWIN_BENCH_PAIRS` and `NLTWIN_BENCH_ROUNDS` change N and R.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nltwin::engine::Connection;
use nltwin::requests::link::{LinkFilter, LinkRequests};
use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::model::ModelBackend;
use nltwin::transport::{Backend, BindAddr, Fd};
use nltwin::view::{Attrs, MsgView};
use nltwin::wire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO,
    IFLA_XDP,
};
use nltwin::wire::uapi::netlink::{
    NETLINK_ROUTE, NLMSG_DONE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST,
};
use nltwin::wire::uapi::rtnetlink::{RTM_GETLINK, RTM_NEWLINK};
use nltwin::wire::uapi::socket::{AF_INET6, SOCK_RAW};
use nltwin::wire::uapi::veth::VETH_INFO_PEER;
use nltwin::wire::{ifinfomsg, nlmsg, nlmsgerr, MessageBuilder};

const INSIDE: &str = "NLTWIN_BENCH_INSIDE";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runner mode: run argv[1..] and print "<wall ns> <peak RSS KiB>". The measured process is
/// forked from this small, fresh process, because a child's peak RSS counts the memory of the
/// process it was forked from, and the benchmark itself holds a large model.
const RUNNER: &str = "NLTWIN_BENCH_RUNNER";

fn main() {
    if std::env::var_os(RUNNER).is_some() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut cmd = Command::new(&args[0]);
        cmd.args(&args[1..]);
        match run_process(cmd) {
            Ok((d, rss)) => println!("{} {rss}", d.as_nanos()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if std::env::var_os(INSIDE).is_some() {
        if let Err(e) = inside() {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
        return;
    }
    let exe = std::env::current_exe().expect("the bench's own path");
    build_release_tools();
    let mut cmd = Command::new(exe);
    cmd.env(INSIDE, "1");
    let status = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .status()
        .map_err(nltwin::sandbox::spawn_error);
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("bench: the sandboxed run failed ({s})");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    }
}

/// The whole-process measures run `target/release/nltwin` and, under `nltwin run`, its
/// preload library; `cargo bench` builds neither (they are other targets), so build them here
/// (a second when they are up to date), lest a stale or missing binary be what is measured. A
/// failed build leaves those measures out (each says why).
fn build_release_tools() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("bench: bringing target/release/nltwin and its preload library up to date");
    // Two builds: a `--bin` filter would apply to the library-only preload package too.
    for args in [
        &["-p", "nltwin-conformance", "--bin", "nltwin"][..],
        &["-p", "nltwin-preload"][..],
    ] {
        let built = Command::new(&cargo)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--release"])
            .args(args)
            .status();
        if !matches!(built, Ok(s) if s.success()) {
            eprintln!(
                "bench: `cargo build --release {}` failed ({built:?}); the measures that need it say so",
                args.join(" ")
            );
        }
    }
}

/// RTM_NEWLINK for pair `i`: device `a<i>`, peer `b<i>`, fixed addresses.
fn veth_request(i: usize) -> Vec<u8> {
    let mac = |n: usize| [2, 0, 0, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    let ifi = ifinfomsg::Repr::default().to_bytes();
    MessageBuilder::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE,
        i as u32 + 1,
        0,
    )
    .header(&ifi)
    .str(IFLA_IFNAME, format!("a{i}"))
    .attr(IFLA_ADDRESS, &mac(2 * i + 1))
    .nest(IFLA_LINKINFO, |b| {
        b.str(IFLA_INFO_KIND, "veth").nest(IFLA_INFO_DATA, |b| {
            b.nest(VETH_INFO_PEER, |b| {
                b.payload(&ifi)
                    .str(IFLA_IFNAME, format!("b{i}"))
                    .attr(IFLA_ADDRESS, &mac(2 * i + 2))
            })
        })
    })
    .build()
}

fn dump_request() -> Vec<u8> {
    MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0xd0d0, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .build()
}

/// Whether a datagram of `n` bytes in `buf` starts with NLMSG_DONE (what ends a dump).
fn is_done(buf: &[u8], n: usize) -> bool {
    n >= nlmsg::HEADER_LEN + 4 && nlmsg::Packet::new_unchecked(&buf[..n]).msg_type() == NLMSG_DONE
}

/// Create `pairs` veth pairs through `b`, one request and one ack each (what `ip link add`
/// does); returns the time taken.
fn create_pairs(b: &mut dyn Backend, pairs: usize) -> Result<Duration, String> {
    let fd = b
        .socket(NETLINK_ROUTE, SOCK_RAW)
        .map_err(|e| e.to_string())?;
    b.bind(fd, BindAddr::new(0, 0)).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 8192];
    let t = Instant::now();
    for i in 0..pairs {
        b.sendto(fd, &veth_request(i), 0, None)
            .map_err(|e| e.to_string())?;
        let r = b.recvfrom(fd, &mut buf, 0).map_err(|e| e.to_string())?;
        let ack = nlmsg::Packet::new_checked(&buf[..r.ret.min(buf.len())]);
        let err = ack
            .ok()
            .and_then(|m| nlmsgerr::error_code(m.payload()))
            .unwrap_or(i32::MIN);
        if err != 0 {
            return Err(format!("creating pair {i}: errno {}", -err));
        }
    }
    let took = t.elapsed();
    b.close(fd).map_err(|e| e.to_string())?;
    Ok(took)
}

/// One dump through `b` read raw (no parsing beyond finding DONE); returns (bytes, messages
/// counted by the last datagram's DONE check only).
fn raw_dump(b: &mut dyn Backend, fd: Fd, buf: &mut [u8]) -> Result<usize, String> {
    b.sendto(fd, &dump_request(), 0, None)
        .map_err(|e| e.to_string())?;
    let mut bytes = 0;
    loop {
        let r = b.recvfrom(fd, buf, 0).map_err(|e| e.to_string())?;
        bytes += r.ret;
        if is_done(buf, r.ret) {
            return Ok(bytes);
        }
    }
}

/// The floor: the same loop straight on libc.
fn libc_dump(fd: i32, buf: &mut [u8]) -> Result<usize, String> {
    let req = dump_request();
    // SAFETY: `req` and `buf` are valid for their lengths for the duration of the calls.
    let sent = unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
    if sent < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    let mut bytes = 0;
    loop {
        // SAFETY: as above.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        let n = n as usize;
        bytes += n;
        if is_done(buf, n) {
            return Ok(bytes);
        }
    }
}

/// `AF_INET6` as an attribute type (IFLA_AF_SPEC's nests are typed by address family).
const AF_INET6_NEST: u16 = AF_INET6 as u16;

/// Walk every attribute of a link message, descending into nests, as a consumer that reads
/// everything would. The nests descended into, at any depth: IFLA_LINKINFO, IFLA_AF_SPEC,
/// IFLA_XDP, IFLA_INFO_DATA and AF_INET6 (a type of one level also descends where another
/// level uses it, as a generic reader would).
fn walk(attrs: Attrs<'_>, depth: u32) -> u64 {
    let mut sum = 0u64;
    for a in attrs {
        sum = sum.wrapping_add(u64::from(a.kind()) + a.payload().len() as u64);
        if depth < 3
            && matches!(
                a.kind(),
                IFLA_LINKINFO | IFLA_AF_SPEC | IFLA_XDP | IFLA_INFO_DATA | AF_INET6_NEST
            )
            && a.payload().len() >= 4
        {
            sum = sum.wrapping_add(walk(a.nested(), depth + 1));
        }
    }
    sum
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The first and third quartiles of `v`.
fn quartiles<T: Copy + PartialOrd>(v: &[T]) -> (T, T) {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    (v[v.len() / 4], v[(3 * v.len()) / 4])
}

/// `d` in milliseconds, with the quartiles of its samples.
fn ms_spread(d: Duration, samples: &[Duration]) -> String {
    let (q1, q3) = quartiles(samples);
    format!(
        "{:.2} ms [{:.2}-{:.2}]",
        d.as_secs_f64() * 1e3,
        q1.as_secs_f64() * 1e3,
        q3.as_secs_f64() * 1e3
    )
}

/// The ratios of `samples` to `base`, round by round (each round measured both).
fn ratios(samples: &[Duration], base: &[Duration]) -> Vec<f64> {
    samples
        .iter()
        .zip(base)
        .map(|(s, b)| s.as_secs_f64() / b.as_secs_f64())
        .collect()
}

/// Run `program args` through the runner: (wall time, peak RSS in KiB).
fn measure_process(program: &str, args: &[&str]) -> Result<(Duration, i64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .env(RUNNER, "1")
        .arg(program)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|v| v.parse::<i64>().unwrap_or(0));
    let (ns, rss) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
    Ok((Duration::from_nanos(ns as u64), rss))
}

/// Run `cmd` to completion with its output discarded: (wall time, peak RSS in KiB).
fn run_process(mut cmd: Command) -> Result<(Duration, i64), String> {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let child = cmd.spawn().map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child with valid out-pointers.
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    let took = t.elapsed();
    if r < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed (status {status})"));
    }
    Ok((took, ru.ru_maxrss))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn inside() -> Result<(), String> {
    let pairs = env_num("NLTWIN_BENCH_PAIRS", 2000);
    let rounds = env_num("NLTWIN_BENCH_ROUNDS", 30).max(1);
    println!(
        "nltwin link benchmark: {pairs} veth pairs ({} links), median of {rounds} rounds",
        2 * pairs + 1
    );

    let mut kernel = KernelBackend::new();
    let mut model = ModelBackend::sandboxed_on_host(std::process::id());
    let k_create = create_pairs(&mut kernel, pairs)?;
    let m_create = create_pairs(&mut model, pairs)?;
    println!("\ncreate {pairs} pairs (one request + ack each)");
    println!("  kernel  {:>12}", ms(k_create));
    println!(
        "  model   {:>12}   ({:.1}x faster)",
        ms(m_create),
        k_create.as_secs_f64() / m_create.as_secs_f64()
    );

    let mut buf = vec![0u8; 65536];
    // SAFETY: plain socket creation.
    let raw = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, NETLINK_ROUTE) };
    if raw < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    let bytes = libc_dump(raw, &mut buf)?;
    let kfd = kernel
        .socket(NETLINK_ROUTE, SOCK_RAW)
        .map_err(|e| e.to_string())?;
    let mfd = model
        .socket(NETLINK_ROUTE, SOCK_RAW)
        .map_err(|e| e.to_string())?;
    let m_bytes = raw_dump(&mut model, mfd, &mut buf)?;
    let mut conn =
        Connection::open(KernelBackend::new(), NETLINK_ROUTE).map_err(|e| e.to_string())?;
    let filter = LinkFilter::default();
    let n_links = conn.links(&filter).map_err(|e| e.to_string())?.len();

    // The ways of reading one dump, measured round-robin (each round runs every one once) so
    // that the machine's drift during the run falls on all of them alike; medians reported.
    const WAYS: usize = 7;
    let mut samples: Vec<Vec<Duration>> = (0..WAYS).map(|_| Vec::with_capacity(rounds)).collect();
    for _ in 0..rounds {
        for (way, out) in samples.iter_mut().enumerate() {
            let t = Instant::now();
            match way {
                0 => {
                    std::hint::black_box(libc_dump(raw, &mut buf)?);
                }
                1 => {
                    std::hint::black_box(raw_dump(&mut kernel, kfd, &mut buf)?);
                }
                2 => {
                    std::hint::black_box(raw_dump(&mut model, mfd, &mut buf)?);
                }
                3 => {
                    let mut n = 0u64;
                    conn.for_each_link(&filter, |_m: MsgView<'_>| n += 1)
                        .map_err(|e| e.to_string())?;
                    std::hint::black_box(n);
                }
                4 => {
                    let mut sum = 0u64;
                    conn.for_each_link(&filter, |m: MsgView<'_>| {
                        sum = sum.wrapping_add(walk(m.attrs(ifinfomsg::LEN), 0))
                    })
                    .map_err(|e| e.to_string())?;
                    std::hint::black_box(sum);
                }
                5 => {
                    std::hint::black_box(conn.links(&filter).map_err(|e| e.to_string())?);
                }
                _ => {
                    let links = conn.links(&filter).map_err(|e| e.to_string())?;
                    for l in &links {
                        std::hint::black_box(l.message().map_err(|e| e.to_string())?);
                    }
                    std::hint::black_box(links);
                }
            }
            out.push(t.elapsed());
        }
    }
    let [floor, k_raw, m_raw, _, _, _, _]: [Duration; WAYS] = samples
        .iter()
        .cloned()
        .map(median)
        .collect::<Vec<_>>()
        .try_into()
        .expect("one median per way");

    println!("\none RTM_GETLINK dump of {n_links} links ({bytes} bytes from the kernel, {m_bytes} from the model)");
    println!("  (median [quartiles]; the ratio is the median's, with the quartiles of the per-round ratios)");
    let names = [
        "raw floor: libc recv, no parsing",
        "kernel, raw loop through the kernel backend",
        "model, raw loop through the model backend",
        "kernel, nltwin view, messages only (no walk)",
        "kernel, nltwin view + full attribute walk",
        "kernel, nltwin typed: links(), parse on demand",
        "kernel, nltwin typed: every LinkMessage parsed",
    ];
    for (name, way) in names.iter().zip(&samples) {
        let d = median(way.clone());
        let (r1, r3) = quartiles(&ratios(way, &samples[0]));
        println!(
            "  {name:<48} {:>24}   {:.3}x floor [{r1:.3}-{r3:.3}]",
            ms_spread(d, way),
            d.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "  model dump is {:.1}x faster than the kernel's (raw loops)",
        k_raw.as_secs_f64() / m_raw.as_secs_f64()
    );

    println!("\nwhole processes, output discarded (round-robin, medians)");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let nltwin = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("nltwin"))
        .filter(|p| p.exists());
    // Each pair: ip, then nltwin doing the same; all four measured round-robin.
    let pairs_run: [(&str, &[&str], &str, &[&str]); 2] = [
        (
            "ip -j link show",
            &["-j", "link", "show"],
            "nltwin link list --json",
            &["link", "list", "--json"],
        ),
        (
            "ip -d -s -j link show",
            &["-d", "-s", "-j", "link", "show"],
            "nltwin link list -d -s --json",
            &["link", "list", "-d", "-s", "--json"],
        ),
    ];
    let n = pairs_run.len();
    let mut ip: Vec<Vec<Duration>> = vec![Vec::new(); n];
    let mut nl: Vec<Vec<Duration>> = vec![Vec::new(); n];
    let (mut ip_rss, mut nl_rss) = (vec![0; n], vec![0; n]);
    let mut ip_err = None;
    for _ in 0..rounds {
        for (p, (_, ip_args, _, nl_args)) in pairs_run.iter().enumerate() {
            if ip_err.is_none() {
                match measure_process("ip", ip_args) {
                    Ok((d, rss)) => {
                        ip[p].push(d);
                        ip_rss[p] = ip_rss[p].max(rss);
                    }
                    Err(e) => ip_err = Some(e),
                }
            }
            if let Some(path) = &nltwin {
                let (d, r) = measure_process(&path.to_string_lossy(), nl_args)?;
                nl[p].push(d);
                nl_rss[p] = nl_rss[p].max(r);
            }
        }
    }
    for (p, (ip_name, _, nl_name, _)) in pairs_run.iter().enumerate() {
        let ip_median = match &ip_err {
            Some(e) => {
                println!("  {ip_name}: not run ({e})");
                None
            }
            None => {
                let d = median(ip[p].clone());
                println!(
                    "  {:<48} {:>24}   peak RSS {} KiB",
                    ip_name,
                    ms_spread(d, &ip[p]),
                    ip_rss[p]
                );
                Some(d)
            }
        };
        if nltwin.is_some() {
            let d = median(nl[p].clone());
            let vs_ip = ip_median.map_or(String::new(), |i| {
                let (r1, r3) = quartiles(&ratios(&nl[p], &ip[p]));
                format!(
                    ", {:.3}x ip [{r1:.3}-{r3:.3}]",
                    d.as_secs_f64() / i.as_secs_f64()
                )
            });
            println!(
                "  {:<48} {:>24}   peak RSS {} KiB{vs_ip}",
                nl_name,
                ms_spread(d, &nl[p]),
                nl_rss[p]
            );
        } else {
            println!("  {nl_name}: not run (build target/release/nltwin first)");
        }
    }
    if let Some(path) = &nltwin {
        if let Err(e) = run_model_ip(path, pairs, rounds) {
            println!(
                "\nip -j link show under nltwin run --model: not run ({})",
                e.trim_end()
            );
        }
    }
    Ok(())
}

/// `ip -j link show` timed inside a shell (`date` before and after each, so both sides pay the
/// same overhead): here on the kernel, then under `nltwin run --model` after `ip -batch` made as
/// many pairs in the model namespace. The goal: the model within 2x of the kernel.
fn run_model_ip(nltwin: &std::path::Path, pairs: usize, rounds: usize) -> Result<(), String> {
    let timing = format!(
        "for i in $(seq {rounds}); do t0=$(date +%s%N); ip -j link show >/dev/null; \
         t1=$(date +%s%N); echo $((t1-t0)); done"
    );
    let parse = |out: std::process::Output| -> Result<Vec<Duration>, String> {
        if !out.status.success() {
            return Err(format!(
                "timing loop failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse::<u64>().ok())
            .map(Duration::from_nanos)
            .collect())
    };
    let kernel = parse(
        Command::new("sh")
            .args(["-c", &timing])
            .output()
            .map_err(|e| e.to_string())?,
    )?;
    let batch = std::env::temp_dir().join(format!("nltwin-bench-{}.batch", std::process::id()));
    let lines: String = (0..pairs)
        .map(|i| format!("link add m{i}a type veth peer name m{i}b\n"))
        .collect();
    std::fs::write(&batch, lines).map_err(|e| e.to_string())?;
    let script = format!("ip -batch {} >/dev/null && {timing}", batch.display());
    let model = parse(
        Command::new(nltwin)
            .args(["run", "--model", "--", "sh", "-c", &script])
            .output()
            .map_err(|e| e.to_string())?,
    );
    let _ = std::fs::remove_file(&batch);
    let model = model?;
    if kernel.is_empty() || model.is_empty() {
        return Err("no timings from the `ip -j link show` loops".into());
    }
    let (k, m) = (median(kernel.clone()), median(model.clone()));
    println!(
        "
`ip -j link show` of {} links timed in a shell (medians)",
        2 * pairs + 1
    );
    println!("  {:<48} {:>24}", "kernel", ms_spread(k, &kernel));
    println!(
        "  {:<48} {:>24}   {:.3}x the kernel's",
        "nltwin run --model (the preloaded library)",
        ms_spread(m, &model),
        m.as_secs_f64() / k.as_secs_f64()
    );
    Ok(())
}
