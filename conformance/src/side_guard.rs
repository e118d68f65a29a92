//! Running one side of a comparison so that a panic is reported as a panic, with its message
//! and where it happened, and never mistaken for a time-out or allowed to take the harness
//! (a whole suite, a fuzzing campaign) down with it.
//!
//! Where a panic happened is only known to the panic hook (the payload carries the message
//! alone), so a hook is installed once, in front of whatever hook was there: on a thread that
//! is running a guarded side it records the panic for the report instead of printing it; on
//! every other thread it hands the panic to the previous hook unchanged.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;
use std::time::Duration;

/// How a guarded run ended.
#[derive(Debug)]
pub enum Finished<T> {
    /// It returned.
    Done(T),
    /// It panicked: the message and where (`file:line:column`), as one line.
    Panicked(String),
    /// It did not finish within the limit (the thread is left to end on its own: the model
    /// cannot be interrupted, and a run that loops is a bug to report, not to wait for).
    TimedOut,
}

thread_local! {
    /// Set while this thread runs a guarded side: its panics are recorded, not printed.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The last panic recorded on this thread, described.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// "MESSAGE at FILE:LINE:COLUMN" for a panic the hook sees.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let msg = payload_message(info.payload());
    match info.location() {
        Some(l) => format!("{msg} at {}:{}:{}", l.file(), l.line(), l.column()),
        None => format!("{msg} (location unknown)"),
    }
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`).
fn payload_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let d = describe(info);
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(d));
            } else {
                previous(info);
            }
        }));
    });
}

/// Run `f` on this thread, catching a panic.
pub fn run_caught<T>(f: impl FnOnce() -> T) -> Finished<T> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    LAST_PANIC.with(|l| l.borrow_mut().take());
    // The side's state is dropped with the panic; nothing half-changed is looked at again.
    let r = std::panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    match r {
        Ok(v) => Finished::Done(v),
        Err(payload) => Finished::Panicked(
            LAST_PANIC
                .with(|l| l.borrow_mut().take())
                // Another hook replaced ours after it was installed: the message, no place.
                .unwrap_or_else(|| {
                    format!("{} (location unknown)", payload_message(payload.as_ref()))
                }),
        ),
    }
}

/// Run `f` catching a panic, on a thread of its own when there is a time `limit`.
pub fn run_guarded<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
    limit: Option<Duration>,
) -> Finished<T> {
    let Some(limit) = limit else {
        return run_caught(f);
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run_caught(f));
    });
    // The thread always sends before it ends (the panic is caught), so a closed channel
    // cannot happen; were it to, it is reported as what it is, not as a time-out.
    match rx.recv_timeout(limit) {
        Ok(r) => r,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Finished::TimedOut,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Finished::Panicked("the run's thread ended without an answer".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_a_timed_thread_is_a_panic_with_its_place_not_a_time_out() {
        let r = run_guarded(
            || -> u32 { panic!("index {} out of range", 7) },
            Some(Duration::from_secs(30)),
        );
        let Finished::Panicked(what) = r else {
            panic!("{r:?}")
        };
        assert!(
            what.starts_with("index 7 out of range at "),
            "the message first: {what}"
        );
        assert!(what.contains("side_guard.rs:"), "where: {what}");
    }

    #[test]
    fn a_panic_without_a_limit_is_caught_on_the_calling_thread() {
        let r = run_guarded(|| -> u32 { panic!("plain") }, None);
        let Finished::Panicked(what) = r else {
            panic!("{r:?}")
        };
        assert!(what.starts_with("plain at "), "{what}");
        // The thread is no longer guarded: its next panic goes to the previous hook.
        assert!(!GUARDED.with(Cell::get));
    }

    #[test]
    fn a_run_over_the_limit_is_a_time_out_and_a_quick_one_is_done() {
        let r = run_guarded(
            || std::thread::sleep(Duration::from_secs(2)),
            Some(Duration::from_millis(50)),
        );
        assert!(matches!(r, Finished::TimedOut), "{r:?}");
        let r = run_guarded(|| 41 + 1, Some(Duration::from_secs(30)));
        assert!(matches!(r, Finished::Done(42)), "{r:?}");
    }
}
