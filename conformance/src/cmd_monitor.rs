//! `nltwin monitor`: the command around [`nltwin_conformance::monitor`]: the wait loop on the
//! kernel, the trace run on the model, Ctrl-C, the output.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nltwin::transport::Backend;
use nltwin_conformance::cli_error::CliError;
use nltwin_conformance::monitor::{wait_readable, Event, Monitor, Spec};
use nltwin_conformance::trace::Trace;

/// Set by SIGINT / SIGTERM: the loop ends at its next turn.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: i32) {
    STOP.store(true, Ordering::SeqCst);
}

/// Catch Ctrl-C and SIGTERM without SA_RESTART, so a wait is interrupted at once.
fn catch_signals() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let a = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for s in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic.
        let _ = unsafe { sigaction(s, &a) };
    }
}

/// What the command line gave.
pub struct MonitorArgs {
    /// `link`, `genl`, FAMILY:GROUP.
    pub objects: Vec<String>,
    /// One JSON object per event.
    pub json: bool,
    /// The model backend (else the kernel's, in the current namespace).
    pub model: bool,
    /// Stop after this many notifications.
    pub count: Option<u64>,
    /// The model: a trace to run on the monitored namespace.
    pub model_trace: Option<PathBuf>,
    /// SO_RCVBUF before joining.
    pub rcvbuf: Option<i32>,
}

/// Run the monitor.
pub fn monitor(a: MonitorArgs, backend: Box<dyn Backend>) -> Result<ExitCode, CliError> {
    let spec = Spec::parse(&a.objects).map_err(|e| CliError::new(2, format!("monitor: {e}")))?;
    let spec = Spec {
        rcvbuf: a.rcvbuf,
        ..spec
    };
    let trace =
        match &a.model_trace {
            None => None,
            Some(_) if !a.model => return Err(CliError::new(
                2,
                "monitor: --model-trace drives the model backend (add --backend model); on the \
                 kernel, make the changes with any tool while the monitor runs",
            )),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| CliError::new(2, format!("{}: {e}", p.display())))?;
                let t = Trace::parse(&text).map_err(|e| {
                    CliError::new(2, format!("{}:{}: {}", p.display(), e.line, e.reason))
                })?;
                Some(t)
            }
        };
    let mut mon = Monitor::open(backend, &spec)?;
    catch_signals();
    // Subscribed: say so (what a script waits for before it makes changes).
    eprintln!(
        "nltwin monitor: listening ({})",
        mon.subscriptions().join(" ")
    );
    let mut p = Printer {
        out: std::io::stdout().lock(),
        json: a.json,
        count: a.count,
        shown: 0,
        lost: Some(0),
        closed: false,
    };
    if a.model {
        match &trace {
            Some(t) => {
                let run = mon.with_backend(|b| nltwin_conformance::runner::run(t, b));
                eprintln!(
                    "nltwin monitor: ran the {} operations of {} on the model namespace",
                    run.results.len(),
                    a.model_trace
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
            }
            None => eprintln!(
                "nltwin monitor: nothing changes the model's fresh namespace by itself; give \
                 --model-trace FILE (a trace in the exchange format) to drive it"
            ),
        }
        mon.drain(&mut |e| p.event(e))?;
    } else {
        let fds = mon.fds();
        while !STOP.load(Ordering::SeqCst) {
            mon.drain(&mut |e| p.event(e))?;
            if p.done() {
                break;
            }
            wait_readable(&fds, Duration::from_secs(1));
        }
    }
    let (shown, lost) = (p.shown, p.lost);
    let lost = match lost {
        Some(0) => String::new(),
        Some(n) => format!(", {n} lost to overruns"),
        None => ", some lost to overruns (at least one each)".into(),
    };
    eprintln!("nltwin monitor: {shown} notifications{lost}");
    Ok(ExitCode::SUCCESS)
}

/// Writes events and keeps the counts.
struct Printer<W: Write> {
    out: W,
    json: bool,
    count: Option<u64>,
    shown: u64,
    /// Lost to overruns; None once one overrun's count was unknown.
    lost: Option<u64>,
    /// Standard output was closed (`| head`).
    closed: bool,
}

impl<W: Write> Printer<W> {
    /// Write one event; false to stop.
    fn event(&mut self, e: &Event) -> bool {
        let r = if self.json {
            writeln!(self.out, "{}", e.json())
        } else {
            write!(self.out, "{}", e.text())
        };
        if r.and_then(|_| self.out.flush()).is_err() {
            self.closed = true;
            return false;
        }
        match e {
            Event::Overrun { lost, .. } => {
                self.lost = match (self.lost, lost) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                }
            }
            _ => self.shown += 1,
        }
        !self.done()
    }

    /// Whether to stop: output closed or the count reached.
    fn done(&self) -> bool {
        self.closed || self.count.is_some_and(|c| self.shown >= c)
    }
}
