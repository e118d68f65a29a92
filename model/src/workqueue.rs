//! Deferred work (`kernel/workqueue.c`): work items queued to run later in process context,
//! at once (`queue_work`) or after a delay (`queue_delayed_work`, a timer that queues the
//! work when it expires).
//!
//! The kernel runs queued work on worker threads, on another CPU, as soon as it can (work that
//! needs the RTNL waits for the request holding it). The model runs it when the system call
//! that queued it ends, and, while the clock moves ([`crate::Kernel::advance`]), after the timers of
//! each tick; in the order it was queued (the model has one worker).

use std::collections::VecDeque;

use crate::errno::SysResult;
use crate::kernel::Kernel;
use crate::timer::{Expiry, TimerArg};

/// A work item (`struct work_struct`): its function and the object it belongs to. Two work
/// items are the same item when their names and arguments are equal.
#[derive(Clone, Copy, Debug)]
pub struct WorkStruct {
    /// The kernel's name for the work (its function), e.g. `"linkwatch_event"`.
    pub name: &'static str,
    /// The work function.
    pub func: WorkFn,
    /// Which object's work it is.
    pub arg: TimerArg,
}

/// A work function.
pub type WorkFn = fn(&mut Kernel, TimerArg) -> SysResult<()>;

impl PartialEq for WorkStruct {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.arg == other.arg
    }
}

impl Eq for WorkStruct {}

/// The queued work (one worker pool's worklist: the model does not tell the kernel's
/// workqueues apart, they all run the same way).
#[derive(Debug, Default)]
pub struct Workqueue {
    worklist: VecDeque<WorkStruct>,
}

/// Whether `work` is pending (`work_pending`): queued, or its delay timer is armed. A work item
/// that is running is no longer pending and can be queued again.
pub fn work_pending(k: &Kernel, work: WorkStruct) -> bool {
    k.workqueue.worklist.contains(&work)
        || k.timers.expires_of(&Expiry::DelayedWork(work)).is_some()
}

/// `queue_work`: queue `work` to run at once, unless it is pending; whether it was queued.
pub fn queue_work(k: &mut Kernel, work: WorkStruct) -> bool {
    if work_pending(k, work) {
        return false;
    }
    k.workqueue.worklist.push_back(work);
    true
}

/// `__queue_delayed_work`: at once for no delay, else arm the work's timer `delay` jiffies
/// from now.
fn __queue_delayed_work(k: &mut Kernel, work: WorkStruct, delay: u64) {
    if delay == 0 {
        k.workqueue.worklist.push_back(work);
        return;
    }
    let expires = k.jiffies().wrapping_add(delay);
    k.timers.arm(Expiry::DelayedWork(work), expires);
}

/// `queue_delayed_work`: queue `work` after `delay` jiffies, unless it is pending (an armed
/// delay is kept); whether it was queued.
pub fn queue_delayed_work(k: &mut Kernel, work: WorkStruct, delay: u64) -> bool {
    if work_pending(k, work) {
        return false;
    }
    __queue_delayed_work(k, work, delay);
    true
}

/// `mod_delayed_work`: queue `work` after `delay` jiffies whether or not it was pending (its
/// pending delay or queued run is replaced); whether it was pending.
pub fn mod_delayed_work(k: &mut Kernel, work: WorkStruct, delay: u64) -> bool {
    let was = cancel_delayed_work(k, work);
    __queue_delayed_work(k, work, delay);
    was
}

/// `cancel_delayed_work`: take `work` off its timer or the worklist (a running item goes on);
/// whether it was pending.
pub fn cancel_delayed_work(k: &mut Kernel, work: WorkStruct) -> bool {
    let armed = k.timers.disarm(&Expiry::DelayedWork(work));
    let before = k.workqueue.worklist.len();
    k.workqueue.worklist.retain(|w| *w != work);
    armed || k.workqueue.worklist.len() != before
}

/// The workers: run every queued work item, in order, including what the items queue
/// themselves (`process_one_work`, the item no longer pending while it runs).
pub(crate) fn run_pending_work(k: &mut Kernel) -> SysResult<()> {
    while let Some(work) = k.workqueue.worklist.pop_front() {
        (work.func)(k, work.arg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timer::{mod_timer, timer_delete, timer_pending, TimerList};
    use std::cell::RefCell;

    thread_local! {
        static LOG: RefCell<Vec<(&'static str, u32, u64)>> = const { RefCell::new(Vec::new()) };
    }

    fn log(k: &mut Kernel, name: &'static str, arg: TimerArg) -> SysResult<()> {
        let j = k.jiffies();
        LOG.with(|l| l.borrow_mut().push((name, arg.obj, j)));
        Ok(())
    }

    fn timer_fn(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
        log(k, "timer", arg)
    }

    fn work_fn(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
        log(k, "work", arg)
    }

    fn arg(obj: u32) -> TimerArg {
        TimerArg {
            obj,
            ..TimerArg::GLOBAL
        }
    }

    fn timer(obj: u32) -> TimerList {
        TimerList {
            name: "test_timer",
            function: timer_fn,
            arg: arg(obj),
        }
    }

    fn work(obj: u32) -> WorkStruct {
        WorkStruct {
            name: "test_work",
            func: work_fn,
            arg: arg(obj),
        }
    }

    fn taken() -> Vec<(&'static str, u32, u64)> {
        LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
    }

    #[test]
    fn timers_of_one_tick_fire_newest_first_and_the_work_they_queue_runs_after_them() {
        let (mut k, _) = Kernel::sandboxed(1);
        let j0 = k.jiffies();
        taken();
        // Two near timers due at the same tick: the newest fires first.
        mod_timer(&mut k, timer(1), j0 + 10);
        mod_timer(&mut k, timer(2), j0 + 10);
        // A delayed work due in the same tick queues its work, which runs after the tick.
        assert!(queue_delayed_work(&mut k, work(3), 10));
        assert!(!queue_delayed_work(&mut k, work(3), 1), "pending: kept");
        // Re-armed for the same expiry: stays where it is.
        assert!(mod_timer(&mut k, timer(1), j0 + 10));
        assert!(timer_pending(&k, timer(2)));
        k.advance(10 * 4_000_000).unwrap();
        assert!(
            taken().is_empty(),
            "a level-0 timer fires the tick after its expiry"
        );
        k.advance(4_000_000).unwrap();
        assert_eq!(
            taken(),
            [
                ("timer", 2, j0 + 11),
                ("timer", 1, j0 + 11),
                ("work", 3, j0 + 11)
            ]
        );
        assert_eq!(k.next_timer_ns(), None);
    }

    #[test]
    fn queued_work_runs_when_the_call_ends_and_mod_delayed_work_replaces_a_delay() {
        let (mut k, _) = Kernel::sandboxed(1);
        taken();
        assert!(queue_delayed_work(&mut k, work(1), 250));
        let far = k.next_timer_ns().unwrap();
        assert!(mod_delayed_work(&mut k, work(1), 0), "it was pending");
        assert_eq!(k.next_timer_ns(), None);
        assert!(work_pending(&k, work(1)));
        k.run_due().unwrap();
        assert_eq!(taken(), [("work", 1, k.jiffies())]);
        assert!(far > 1_000_000_000);
        let later = k.jiffies() + 1000;
        mod_timer(&mut k, timer(2), later);
        assert!(timer_delete(&mut k, timer(2)));
        assert!(!cancel_delayed_work(&mut k, work(1)));
        k.advance(10_000_000_000).unwrap();
        assert!(taken().is_empty());
    }
}
