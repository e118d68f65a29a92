//! `nltwin`: a small CLI over the nltwin libraries.
//!
//! - `nltwin exchange --backend kernel|model FILE|-`: run a trace, print its results;
//! - `nltwin diff [FILE...]`: run traces on both backends and show what differs (no FILE: the
//!   bundled suite), the model with the profile chosen from the kernel's facts;
//!   `--recorded DIR` compares a recording with the model, `--between A B` two recordings;
//! - `nltwin record [FILE...]`: record the kernel's answers to the suite into a directory
//!   (`--import DIR`: from a kernel-matrix result directory);
//! - `nltwin facts`: what the kernel is, and the profile chosen for it;
//! - `nltwin link list|get`, `nltwin addr list`, `nltwin route list|get`, `nltwin family
//!   list|get|policy`: queries in the current namespace (`--sandbox`: a fresh one; or on the
//!   model), `ip`'s text or `ip -j`'s JSON; `nltwin addr add|del`: address changes;
//! - `nltwin monitor`: notifications as they arrive (`cmd_monitor.rs`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use cmd_record::RecordedDiff;

/// `println!` that ignores a closed standard output (`nltwin diff | head` must not panic).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that ignores a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod cmd_addr;
mod cmd_fault_probe;
mod cmd_link_details;
mod cmd_monitor;
mod cmd_record;
mod cmd_route;
mod cmd_run;
mod io_probe;
mod leftovers;
mod record_command;
mod run_capture;
use nltwin::engine::Connection;
use nltwin::model::profile::Profile;
use nltwin::requests::link::{LinkFilter, LinkRequests};
use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::model::ModelBackend;
use nltwin::transport::Backend;
use nltwin_conformance::cli_error::{run_failure_status, CliError, EXIT_STATUS_HELP};
use nltwin_conformance::diff::{bundled_scenarios, render};
use nltwin_conformance::exchange::MODEL_TGID;
use nltwin_conformance::facts::{choice_json, choice_line, choice_warning, select_profile};
use nltwin_conformance::suite::{run_suite, SuiteOptions};
use nltwin_conformance::trace::Trace;

#[derive(Parser)]
#[command(
    name = "nltwin",
    version,
    about = "Linux netlink: the kernel and its model, side by side",
    after_help = EXIT_STATUS_HELP
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendKind {
    Kernel,
    Model,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a JSON Lines trace on one backend and print one result line per operation.
    Exchange {
        /// Which side answers.
        #[arg(long, value_enum)]
        backend: BackendKind,
        /// Kernel backend: run in the current namespaces instead of a fresh sandbox.
        #[arg(long)]
        no_sandbox: bool,
        /// Also write the datagrams sent and received as a pcap file (LINKTYPE_NETLINK).
        #[arg(long, value_name = "FILE")]
        pcap: Option<PathBuf>,
        /// Model backend: the profile to run, by name (default: 6.18-minimal on this host's
        /// CPUs).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// The trace file, or - for standard input.
        file: PathBuf,
    },
    /// Run a command with its AF_NETLINK sockets on a fresh model namespace (--model), or
    /// inside a fresh kernel sandbox (--kernel); its exit status is passed through (120: the
    /// model met something it does not model, 121: a statically linked program, 122: the run
    /// could not be set up).
    Run {
        /// Serve the command's netlink sockets from the model (through a preloaded library).
        #[arg(long, conflicts_with = "kernel", required_unless_present = "kernel")]
        model: bool,
        /// Run the command in a fresh user+network namespace on the real kernel.
        #[arg(long)]
        kernel: bool,
        /// --model: what an unmodeled call does: stop the command, or fail with EOPNOTSUPP.
        #[arg(long, value_enum, default_value = "stop")]
        on_unmodeled: cmd_run::OnUnmodeled,
        /// --model: the profile to run, by name (default: 6.18-minimal on this host's CPUs).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Write every netlink call each process of the command makes (arguments, bytes,
        /// results) into DIR, one `<pid>.jsonl` per process (DIR is made; it must be empty).
        #[arg(long, value_name = "DIR")]
        capture: Option<PathBuf>,
        /// The command and its arguments (after --).
        #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Run traces on the kernel (in a sandbox) and on the model, and show every difference.
    Diff {
        /// Print one JSON document (per-scenario verdicts, differences, counts) instead of text.
        #[arg(long)]
        json: bool,
        /// Also write a JUnit XML report to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write one self-contained HTML page to FILE: the verdicts, and each differing
        /// operation's two sides decoded side by side, differences marked, masked fields with
        /// their reason, the raw bytes a click away.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Scenarios run at once (default: the number of CPUs).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Time limit of each side's run of one scenario, in seconds (0: none).
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        timeout: u64,
        /// Run every scenario even where the kernel lacks a link kind it creates or a need
        /// the scenario states (such scenarios are otherwise skipped, with the reason).
        #[arg(long)]
        no_skip: bool,
        /// The model's profile, by name (default: chosen from the kernel's facts).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Compare a recording (a directory `nltwin record` wrote, e.g.
        /// conformance/expected/debian-6.1.192) with the model instead of running the kernel.
        #[arg(long, value_name = "DIR", conflicts_with = "between")]
        recorded: Option<PathBuf>,
        /// Compare two recordings with each other: what changed in netlink between two kernels.
        #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "profile")]
        between: Vec<PathBuf>,
        /// With --recorded: write the recording's KNOWN_DIFFERENCES from this comparison (the
        /// whole suite only).
        #[arg(long, requires = "recorded")]
        write_known: bool,
        /// Run command scenarios (shell scripts of ordinary commands, `.sh`) under `nltwin run
        /// --kernel` and `--model` and compare their output, exit status and the netlink
        /// exchange of every process; with no files, the bundled ones (conformance/commands/).
        #[arg(long, conflicts_with_all = ["recorded", "between", "html"])]
        commands: bool,
        /// Trace files (or, with --commands, command scenarios); none = the bundled suite.
        files: Vec<PathBuf>,
    },
    /// Record the running kernel's answers to scenarios (each in a fresh sandbox) with its
    /// facts, as a recording directory that `cargo test` and `nltwin diff --recorded` replay.
    Record {
        /// The directory to write (default: conformance/expected/<id>); with --command, the
        /// trace file.
        #[arg(long, short = 'o', value_name = "DIR")]
        out: Option<PathBuf>,
        /// The recording's name (default: debian-<version> for a Debian kernel, else
        /// kernel-<uname -r>).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Import a kernel-matrix result directory (ci/kernel-matrix) instead of running the
        /// kernel.
        #[arg(long, value_name = "DIR")]
        import: Option<PathBuf>,
        /// Time limit of each scenario's run, in seconds (0: none).
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        timeout: u64,
        /// Replace a recording of another kernel in the directory.
        #[arg(long)]
        force: bool,
        /// Read the kernel's build config from FILE (when /proc/config.gz and
        /// /boot/config-<release> are not there, e.g. in a minimal guest).
        #[arg(long, value_name = "FILE", conflicts_with = "import")]
        config: Option<PathBuf>,
        /// Name the kernel's package from FILE (`package=`, `version=`, `suite=`, `packages=`
        /// lines, as the kernel matrix's package.txt).
        #[arg(long, value_name = "FILE", conflicts_with = "import")]
        package_file: Option<PathBuf>,
        /// Record a command instead (run by `sh -c` in a fresh kernel sandbox): every netlink
        /// call of every process of it, written as one trace in the exchange format to the
        /// FILE given by --out, which `nltwin diff FILE` replays on both sides.
        #[arg(long, value_name = "CMD", requires = "out", conflicts_with_all = ["import", "id", "force", "config", "package_file", "files"])]
        command: Option<String>,
        /// Trace files; none = the bundled suite.
        files: Vec<PathBuf>,
    },
    /// Small netlink programs that misbehave on purpose (the tests of `nltwin run`'s faults).
    #[command(hide = true)]
    FaultProbe {
        /// dump-then-die | never-read RCVBUF READY GO | close-from-thread | block-recv READY |
        /// threads-share-socket
        action: String,
        /// The action's arguments.
        args: Vec<String>,
    },
    /// What the running kernel is (release, config, host values, the generic netlink families
    /// a fresh namespace sees) and the model profile chosen for it.
    Facts {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// The profile to report instead of the chosen one.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Print only the current namespace's facts, as JSON (what runs inside the sandbox).
        #[arg(long, hide = true)]
        here: bool,
    },
    /// Differential fuzzing: mutate the requests of scenarios, run each case on both sides,
    /// and write every new divergence, minimized, as a scenario file.
    Fuzz {
        /// The generator's seed (the same seed gives the same cases).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this many cases.
        #[arg(long, default_value_t = 1000)]
        cases: u64,
        /// Stop after this many seconds.
        #[arg(long, default_value_t = 60)]
        time: u64,
        /// Where divergences are written.
        #[arg(long, value_name = "DIR", default_value = "fuzz-divergences")]
        out: PathBuf,
        /// The model's profile, by name (default: chosen from the kernel's facts, as `diff`).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Seed scenarios; none = the bundled suite.
        files: Vec<PathBuf>,
    },
    /// Network links (RTM_GETLINK).
    #[command(after_help = EXIT_STATUS_HELP)]
    Link {
        #[command(subcommand)]
        cmd: LinkCmd,
    },
    /// IPv4 and IPv6 addresses (RTM_GETADDR, RTM_NEWADDR, RTM_DELADDR), as `ip addr`.
    #[command(after_help = EXIT_STATUS_HELP)]
    Addr {
        #[command(subcommand)]
        cmd: AddrCmd,
    },
    /// Routes (RTM_GETROUTE dumps and lookups), as `ip route show|get`.
    #[command(after_help = EXIT_STATUS_HELP)]
    Route {
        #[command(subcommand)]
        cmd: RouteCmd,
    },
    /// Generic netlink families (nlctrl): records and policies.
    #[command(after_help = EXIT_STATUS_HELP)]
    Family {
        #[command(subcommand)]
        cmd: FamilyCmd,
    },
    /// Notifications as they arrive: `link` (RTNLGRP_LINK, as `ip monitor link` prints them)
    /// and generic netlink groups (`genl FAMILY:GROUP...`); Ctrl-C ends.
    #[command(after_help = EXIT_STATUS_HELP)]
    Monitor {
        /// `link`, `genl FAMILY:GROUP...` (e.g. `genl nlctrl:notify netdev:mgmt`); none: link.
        objects: Vec<String>,
        /// One JSON object per line and event.
        #[arg(long)]
        json: bool,
        /// Which side: the kernel (the current namespace) or the model (a fresh namespace,
        /// driven by --model-trace).
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Stop after N notifications.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Model backend: run this trace (the exchange format) on the monitored namespace,
        /// then show what it announced and stop.
        #[arg(long, value_name = "FILE")]
        model_trace: Option<PathBuf>,
        /// The receive queue to ask for (SO_RCVBUF, bytes; default 1 MiB).
        #[arg(long, value_name = "BYTES")]
        rcvbuf: Option<i32>,
    },
}

#[derive(Subcommand)]
enum LinkCmd {
    /// Every link, like `ip link show`.
    List {
        /// JSON like `ip -j link show`.
        #[arg(long)]
        json: bool,
        /// Details, like `ip -d`: kind and kind data, port data, MTU range, queues, IPv6
        /// address generation mode.
        #[arg(short = 'd', long)]
        details: bool,
        /// Statistics, like `ip -s`.
        #[arg(short = 's', long)]
        stats: bool,
        /// Which side answers (the kernel: the current namespace).
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Kernel: ask from a fresh user+network namespace (what the model imitates).
        #[arg(long)]
        sandbox: bool,
    },
    /// One link by name or index.
    Get {
        /// Name or ifindex.
        link: String,
        /// JSON like `ip -j link show`.
        #[arg(long)]
        json: bool,
        /// Details, like `ip -d`: kind and kind data, port data, MTU range, queues, IPv6
        /// address generation mode.
        #[arg(short = 'd', long)]
        details: bool,
        /// Statistics, like `ip -s`.
        #[arg(short = 's', long)]
        stats: bool,
        /// Which side answers.
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Kernel: ask from a fresh user+network namespace (what the model imitates).
        #[arg(long)]
        sandbox: bool,
    },
}

/// Where a query or change runs: `--backend`, `--sandbox`.
#[derive(clap::Args, Clone, Copy)]
struct Side {
    /// Which side answers (the kernel: the current namespace; the model: a fresh one).
    #[arg(long, value_enum, default_value = "kernel")]
    backend: BackendKind,
    /// Kernel: run in a fresh user+network namespace (what the model imitates).
    #[arg(long)]
    sandbox: bool,
}

#[derive(Subcommand)]
enum AddrCmd {
    /// Every link with its addresses, like `ip addr show [dev DEV]`.
    List {
        /// Only this device (name, altname or ifindex).
        dev: Option<String>,
        /// IPv4 only (`ip -4`).
        #[arg(short = '4', conflicts_with = "ipv6")]
        ipv4: bool,
        /// IPv6 only (`ip -6`).
        #[arg(short = '6')]
        ipv6: bool,
        /// JSON equal to `ip -j addr show`.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        side: Side,
    },
    /// Add an address: `ADDR/PLEN dev DEV [brd ADDR|+|-] [label L] [peer ADDR] [metric M]
    /// [scope S] [valid_lft S|forever] [preferred_lft S|forever] [nodad] [noprefixroute]
    /// [home] [optimistic] [mngtmpaddr] [autojoin]`, as `ip addr add`.
    Add {
        /// ADDR/PLEN (e.g. 10.0.0.1/24, 2001:db8::1/64).
        prefix: String,
        /// `dev DEV` and the options, as `ip addr add` takes them.
        #[arg(required = true)]
        words: Vec<String>,
        #[command(flatten)]
        side: Side,
    },
    /// Delete an address: `ADDR/PLEN dev DEV`, as `ip addr del`.
    Del {
        /// ADDR/PLEN.
        prefix: String,
        /// `dev DEV` (and the options `add` takes, e.g. `label`).
        #[arg(required = true)]
        words: Vec<String>,
        #[command(flatten)]
        side: Side,
    },
}

#[derive(Subcommand)]
enum RouteCmd {
    /// Routes of one table, like `ip route show [table T]` (IPv4 unless -6, or `table all`).
    List {
        /// IPv4 only (`ip -4`).
        #[arg(short = '4', conflicts_with = "ipv6")]
        ipv4: bool,
        /// IPv6 only (`ip -6`).
        #[arg(short = '6')]
        ipv6: bool,
        /// `table T`: main (the default), local, default, all, or a number.
        #[arg(num_args = 0..=2, value_name = "table T")]
        words: Vec<String>,
        /// JSON equal to `ip -j route show`.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        side: Side,
    },
    /// The route the kernel picks for a destination, like `ip route get ADDR [from A] [oif
    /// DEV] [fibmatch]`.
    Get {
        /// The destination address.
        addr: String,
        /// `from A`, `oif DEV`, `fibmatch`.
        words: Vec<String>,
        /// JSON equal to `ip -j route get`.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        side: Side,
    },
}

#[derive(Subcommand)]
enum FamilyCmd {
    /// Every family this namespace sees, decoded (like `genl ctrl list`).
    List {
        /// JSON output (an array of family objects; README).
        #[arg(long)]
        json: bool,
        /// Which side answers.
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Kernel: ask from a fresh user+network namespace (what the model imitates).
        #[arg(long)]
        sandbox: bool,
    },
    /// One family by name or id, decoded (like `genl ctrl get name NAME`).
    Get {
        /// Name or numeric id (decimal or 0x hex).
        family: String,
        /// JSON output (an array of one family object; README).
        #[arg(long)]
        json: bool,
        /// Which side answers.
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Kernel: ask from a fresh user+network namespace (what the model imitates).
        #[arg(long)]
        sandbox: bool,
    },
    /// A family's attribute policies (the CTRL_CMD_GETPOLICY dump, like `genl ctrl policy`).
    Policy {
        /// Name or numeric id (decimal or 0x hex).
        family: String,
        /// Only this operation's policies (a command number, or a CTRL_CMD_* name for nlctrl).
        #[arg(long, value_name = "CMD")]
        op: Option<String>,
        /// JSON output (one object; README).
        #[arg(long)]
        json: bool,
        /// Which side answers.
        #[arg(long, value_enum, default_value = "kernel")]
        backend: BackendKind,
        /// Kernel: ask from a fresh user+network namespace (what the model imitates).
        #[arg(long)]
        sandbox: bool,
    },
}

fn exchange(
    backend: BackendKind,
    no_sandbox: bool,
    pcap: Option<PathBuf>,
    profile: Option<String>,
    file: PathBuf,
) -> ExitCode {
    let profile = match profile.as_deref().map(|n| (n, Profile::by_name(n))) {
        None => None,
        Some((_, Some(p))) if backend == BackendKind::Model => Some(p),
        Some((_, Some(_))) => {
            eprintln!("nltwin exchange: --profile is for the model backend");
            return ExitCode::from(2);
        }
        Some((n, None)) => {
            let known: Vec<&str> = Profile::ALL.iter().map(|p| p.name).collect();
            eprintln!(
                "nltwin exchange: unknown profile \"{n}\" (known: {})",
                known.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    let args = nltwin_conformance::exchange::ExchangeArgs {
        kernel: backend == BackendKind::Kernel,
        sandbox: !no_sandbox,
        pcap: pcap.as_deref(),
        profile: profile.as_ref(),
        file: &file,
    };
    match nltwin_conformance::exchange::exchange_streaming(&args, std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nltwin exchange: {e:#}");
            ExitCode::from(run_failure_status(&e))
        }
    }
}

fn diff(
    files: Vec<PathBuf>,
    json: bool,
    junit: Option<PathBuf>,
    html: Option<PathBuf>,
    opts: SuiteOptions,
    profile_name: Option<String>,
) -> ExitCode {
    use nltwin_conformance::report::{coverage_lines, summary_line, to_json, to_junit, totals};
    let files = if files.is_empty() {
        match bundled_scenarios() {
            Ok(f) => f,
            Err(e) => {
                eprintln!("nltwin diff: cannot list the bundled scenarios: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        files
    };
    let exe = std::env::current_exe().expect("own path");
    let gathered = match nltwin_conformance::facts::gather(&exe) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("nltwin diff: reading the kernel's facts: {e:#}");
            return ExitCode::from(run_failure_status(&e));
        }
    };
    let kernel = gathered.release.clone();
    let facts = gathered.facts();
    let choice = match select_profile(&facts, profile_name.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("nltwin diff: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(w) = choice_warning(&kernel, &choice) {
        eprintln!("{w}");
    }
    let mut opts = opts;
    opts.profile = Some(choice.profile.clone());
    opts.facts = Some(facts);
    if !json {
        outln!("{}", choice_line(&kernel, &choice));
        outln!(
            "kernel {kernel} vs model profile {} ({}); {} scenarios, {} at a time",
            choice.profile.name,
            choice.profile.release_string,
            files.len(),
            opts.jobs.clamp(1, files.len().max(1))
        );
    }
    let start = std::time::Instant::now();
    // Colored for a terminal; plain when piped or NO_COLOR is set.
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let runs = run_suite(&exe, &files, &opts, |t| {
        if !json {
            let text = render(&t.report);
            if color {
                out!("{text}");
            } else {
                out!("{}", nltwin_conformance::report::strip_ansi(&text));
            }
        }
    });
    let runs = match runs {
        Ok(r) => r,
        Err(e) => {
            eprintln!("nltwin diff: {}: {:#}", e.path.display(), e.error);
            return ExitCode::from(run_failure_status(&e.error));
        }
    };
    let elapsed = start.elapsed();
    if json {
        let mut doc = to_json(&runs, &kernel, choice.profile.release_string, elapsed);
        doc["profile"] = choice_json(&choice);
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for l in coverage_lines(&runs) {
            outln!("{l}");
        }
        outln!("{}", summary_line(&runs, elapsed));
    }
    if let Some(path) = junit {
        if let Err(e) = std::fs::write(&path, to_junit(&runs, &kernel, elapsed)) {
            eprintln!("nltwin diff: writing {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if let Some(path) = html {
        let page = nltwin_conformance::html::to_html(
            &runs,
            &kernel,
            choice.profile.release_string,
            elapsed,
        );
        if let Err(e) = std::fs::write(&path, page) {
            eprintln!("nltwin diff: writing {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::from(if totals(&runs).ok() { 0 } else { 1 })
}

fn fuzz(
    seed: u64,
    cases: u64,
    time: u64,
    out: PathBuf,
    profile_name: Option<String>,
    files: Vec<PathBuf>,
) -> ExitCode {
    let files = if files.is_empty() {
        match bundled_scenarios() {
            // Not the scenarios that sleep: each case of theirs takes seconds on the kernel,
            // which would be most of the run (name them to fuzz them).
            Ok(f) => f
                .into_iter()
                .filter(|p| {
                    std::fs::read_to_string(p)
                        .ok()
                        .and_then(|t| Trace::parse(&t).ok())
                        .is_none_or(|t| {
                            !t.steps.iter().any(|s| {
                                matches!(s.op, nltwin_conformance::trace::Op::Sleep { .. })
                            })
                        })
                })
                .collect(),
            Err(e) => {
                eprintln!("nltwin fuzz: cannot list the bundled scenarios: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        files
    };
    let exe = std::env::current_exe().expect("own path");
    // The model runs the profile of the kernel it is compared with, as in `diff`.
    let gathered = match nltwin_conformance::facts::gather(&exe) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("nltwin fuzz: reading the kernel's facts: {e:#}");
            return ExitCode::from(run_failure_status(&e));
        }
    };
    let kernel = gathered.release.clone();
    let choice = match select_profile(&gathered.facts(), profile_name.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("nltwin fuzz: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(w) = choice_warning(&kernel, &choice) {
        eprintln!("{w}");
    }
    eprintln!("{}", choice_line(&kernel, &choice));
    let cfg = nltwin_conformance::fuzz::FuzzConfig {
        seed,
        cases,
        time: std::time::Duration::from_secs(time),
        out,
        profile: Some(choice.profile),
    };
    let start = std::time::Instant::now();
    match nltwin_conformance::fuzz::fuzz(&exe, &files, &cfg, |line| eprintln!("{line}")) {
        Ok(s) => {
            let secs = start.elapsed().as_secs_f64();
            outln!(
                "{} cases in {secs:.1} s ({:.0} cases/s, seed {seed}): {} same, {} new divergences \
                 filed, {} repeats, {} unimplemented (the model answers unimplemented), {} unstable \
                 (the kernel disagreed with itself), {} timing (gone with a {} ms sleep before each \
                 receive or a {} ms one before the request), {} unreproducible (minimized, not diverging in each of {} more runs)",
                s.cases,
                s.cases as f64 / secs.max(1e-9),
                s.same,
                s.filed.len(),
                s.repeats,
                s.unimplemented,
                s.unstable,
                s.timing.len(),
                nltwin_conformance::fuzz::TIMING_SLEEP_MS,
                nltwin_conformance::fuzz::SETTLE_SLEEP_MS,
                s.unreproducible.len(),
                nltwin_conformance::fuzz::REPRODUCE_RUNS
            );
            for f in &s.filed {
                outln!("  {}", f.display());
            }
            ExitCode::from(if s.filed.is_empty() { 0 } else { 1 })
        }
        Err(e) => {
            eprintln!("nltwin fuzz: {e:#}");
            ExitCode::from(run_failure_status(&e))
        }
    }
}

fn with_backend<T>(kind: BackendKind, f: impl FnOnce(Box<dyn Backend>) -> T) -> T {
    match kind {
        BackendKind::Kernel => f(Box::new(KernelBackend::new())),
        BackendKind::Model => f(Box::new(ModelBackend::sandboxed_on_host(MODEL_TGID))),
    }
}

fn link(cmd: LinkCmd) -> Result<(), CliError> {
    let (json, backend, show) = match &cmd {
        LinkCmd::List {
            json,
            backend,
            details,
            stats,
            ..
        }
        | LinkCmd::Get {
            json,
            backend,
            details,
            stats,
            ..
        } => (
            *json,
            *backend,
            nltwin::present::details::Show {
                details: *details,
                stats: *stats,
            },
        ),
    };
    if show != nltwin::present::details::Show::default() {
        return cmd_link_details::link_details(&cmd_link_details::Args {
            json,
            backend,
            show,
            link: match &cmd {
                LinkCmd::List { .. } => None,
                LinkCmd::Get { link, .. } => Some(link.clone()),
            },
        });
    }
    let req = |what: &'static str| move |e: nltwin::engine::Error| CliError::request(what, &e);
    with_backend(backend, |b| {
        let mut c = Connection::open(b, 0).map_err(req("NETLINK_ROUTE socket"))?;
        // Names of peers and masters come from the whole dump, as ip resolves them.
        let all = c
            .ip_link_table(&LinkFilter::default())
            .map_err(req("listing the links (RTM_GETLINK dump)"))?;
        let only = match &cmd {
            LinkCmd::List { .. } => None,
            LinkCmd::Get { link, .. } => Some(cmd_link_details::lookup(&mut c, link)?),
        };
        let show = |l: &nltwin::present::IpLinkRef<'_>| only.is_none_or(|i| i == l.ifindex);
        // The table writers buffer their output themselves.
        let out = std::io::stdout().lock();
        if json {
            all.write_ip_json(show, out)?;
        } else {
            all.write_table(show, out)?;
        }
        Ok(())
    })
}

/// A NETLINK_ROUTE connection on `side`'s backend, for `f`.
fn with_route_socket(
    side: Side,
    f: impl FnOnce(Connection<Box<dyn Backend>>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    with_backend(side.backend, |b| {
        let c =
            Connection::open(b, 0).map_err(|e| CliError::request("NETLINK_ROUTE socket", &e))?;
        f(c)
    })
}

fn addr(cmd: AddrCmd) -> Result<(), CliError> {
    if let AddrCmd::Add { side, .. } | AddrCmd::Del { side, .. } = &cmd {
        if side.backend == BackendKind::Model {
            // Said, not refused: the change is made (and its errors are the model's), but a
            // user who expects to see it with the next command would be misled.
            eprintln!(
                "nltwin addr: --backend model runs in a fresh model namespace that ends with this \
                 command; to keep one across commands run them under `nltwin run --model -- ...`"
            );
        }
    }
    match cmd {
        AddrCmd::List {
            dev,
            ipv4,
            ipv6,
            json,
            side,
        } => with_route_socket(side, |c| {
            cmd_addr::list(c, dev.as_deref(), cmd_addr::family(ipv4, ipv6), json)
        }),
        AddrCmd::Add {
            prefix,
            words,
            side,
        } => with_route_socket(side, |c| cmd_addr::change(c, true, &prefix, &words)),
        AddrCmd::Del {
            prefix,
            words,
            side,
        } => with_route_socket(side, |c| cmd_addr::change(c, false, &prefix, &words)),
    }
}

fn route(cmd: RouteCmd) -> Result<(), CliError> {
    match cmd {
        RouteCmd::List {
            ipv4,
            ipv6,
            words,
            json,
            side,
        } => {
            let table = match words.as_slice() {
                [] => None,
                [t, v] if t == "table" => Some(v.as_str()),
                other => {
                    return Err(CliError::new(
                        nltwin_conformance::cli_error::EXIT_USAGE,
                        format!(
                            "route list: expected `table T`, got \"{}\"",
                            other.join(" ")
                        ),
                    ))
                }
            };
            with_route_socket(side, |c| {
                cmd_route::list(c, cmd_addr::family(ipv4, ipv6), table, json)
            })
        }
        RouteCmd::Get {
            addr,
            words,
            json,
            side,
        } => with_route_socket(side, |c| cmd_route::get(c, &addr, &words, json)),
    }
}

fn family(cmd: FamilyCmd) -> Result<(), CliError> {
    use nltwin_conformance::cmd_genl;
    let backend = match &cmd {
        FamilyCmd::List { backend, .. }
        | FamilyCmd::Get { backend, .. }
        | FamilyCmd::Policy { backend, .. } => *backend,
    };
    with_backend(backend, |b| {
        let mut c =
            Connection::open(b, 16).map_err(|e| CliError::request("NETLINK_GENERIC socket", &e))?;
        match &cmd {
            FamilyCmd::List { json, .. } => cmd_genl::family(&mut c, None, *json),
            FamilyCmd::Get { family, json, .. } => cmd_genl::family(&mut c, Some(family), *json),
            FamilyCmd::Policy {
                family, op, json, ..
            } => cmd_genl::policy(&mut c, family, op.as_deref(), *json),
        }
    })
}

/// Whether a query command asked for `--sandbox` on the kernel backend.
fn wants_sandbox(cmd: &Cmd) -> bool {
    let (backend, sandbox) = match cmd {
        Cmd::Link {
            cmd:
                LinkCmd::List {
                    backend, sandbox, ..
                }
                | LinkCmd::Get {
                    backend, sandbox, ..
                },
        } => (*backend, *sandbox),
        Cmd::Family {
            cmd:
                FamilyCmd::List {
                    backend, sandbox, ..
                }
                | FamilyCmd::Get {
                    backend, sandbox, ..
                }
                | FamilyCmd::Policy {
                    backend, sandbox, ..
                },
        } => (*backend, *sandbox),
        Cmd::Addr {
            cmd: AddrCmd::List { side, .. } | AddrCmd::Add { side, .. } | AddrCmd::Del { side, .. },
        }
        | Cmd::Route {
            cmd: RouteCmd::List { side, .. } | RouteCmd::Get { side, .. },
        } => (side.backend, side.sandbox),
        _ => return false,
    };
    sandbox && backend == BackendKind::Kernel
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if wants_sandbox(&cli.cmd) {
        return nltwin_conformance::cli_error::rerun_sandboxed().unwrap_or_else(|e| e.report());
    }
    let r = match cli.cmd {
        Cmd::Run {
            model,
            kernel: _,
            on_unmodeled,
            profile,
            capture,
            command,
        } => {
            if !model {
                return cmd_run::run_kernel(&command, capture.as_deref());
            }
            let profile = match profile.as_deref().map(|n| (n, Profile::by_name(n))) {
                None => None,
                Some((_, Some(p))) => Some(p),
                Some((n, None)) => {
                    let known: Vec<&str> = Profile::ALL.iter().map(|p| p.name).collect();
                    eprintln!(
                        "nltwin run: unknown profile \"{n}\" (known: {})",
                        known.join(", ")
                    );
                    return ExitCode::from(2);
                }
            };
            return cmd_run::run_model(
                &command,
                profile.as_ref(),
                on_unmodeled,
                capture.as_deref(),
            );
        }
        Cmd::Exchange {
            backend,
            no_sandbox,
            pcap,
            profile,
            file,
        } => return exchange(backend, no_sandbox, pcap, profile, file),
        Cmd::Diff {
            json,
            junit,
            html,
            jobs,
            timeout,
            no_skip,
            profile,
            recorded,
            between,
            write_known,
            commands,
            files,
        } => {
            let is_script = |f: &PathBuf| f.extension().is_some_and(|x| x == "sh");
            if commands || (!files.is_empty() && files.iter().all(is_script)) {
                return cmd_run::diff_commands(files, json, junit, profile);
            }
            if let Some(f) = files.iter().find(|f| is_script(f)) {
                eprintln!(
                    "nltwin diff: {} is a command scenario: give command scenarios (.sh) apart \
                     from traces (.jsonl)",
                    f.display()
                );
                return ExitCode::from(2);
            }
            let mut opts = SuiteOptions {
                timeout: (timeout > 0).then(|| std::time::Duration::from_secs(timeout)),
                check_requirements: !no_skip,
                ..SuiteOptions::default()
            };
            if let Some(j) = jobs {
                opts.jobs = j.max(1);
            }
            if recorded.is_some() || !between.is_empty() {
                let r = RecordedDiff {
                    recorded,
                    between,
                    profile,
                    write_known,
                    json,
                    junit,
                    html,
                    jobs: opts.jobs,
                };
                return cmd_record::diff_recorded(r, files);
            }
            return diff(files, json, junit, html, opts, profile);
        }
        Cmd::Record {
            out,
            id,
            import,
            timeout,
            force,
            config,
            package_file,
            command,
            files,
        } => {
            if let (Some(c), Some(out)) = (command, out.as_deref()) {
                return record_command::record_command(&c, out);
            }
            let timeout = (timeout > 0).then(|| std::time::Duration::from_secs(timeout));
            let live = cmd_record::LiveSources {
                config,
                package_file,
            };
            return cmd_record::record(out, id, import, timeout, force, live, files);
        }
        Cmd::Facts {
            json,
            profile,
            here,
        } => return cmd_record::facts(json, profile, here),
        Cmd::Fuzz {
            seed,
            cases,
            time,
            out,
            profile,
            files,
        } => return fuzz(seed, cases, time, out, profile, files),
        Cmd::FaultProbe { action, args } => return cmd_fault_probe::fault_probe(&action, &args),
        Cmd::Link { cmd } => link(cmd),
        Cmd::Addr { cmd } => addr(cmd),
        Cmd::Route { cmd } => route(cmd),
        Cmd::Family { cmd } => family(cmd),
        Cmd::Monitor {
            objects,
            json,
            backend,
            count,
            model_trace,
            rcvbuf,
        } => {
            let args = cmd_monitor::MonitorArgs {
                objects,
                json,
                model: backend == BackendKind::Model,
                count,
                model_trace,
                rcvbuf,
            };
            return with_backend(backend, |b| cmd_monitor::monitor(args, b))
                .unwrap_or_else(|e| e.report());
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
