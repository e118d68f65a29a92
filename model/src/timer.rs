//! The clock and the timer wheel (`kernel/time/timer.c`, `include/linux/jiffies.h`).
//!
//! The model's clock is virtual: nanoseconds since boot, moved only by the caller
//! ([`Kernel::advance`]); a system call takes no time. `jiffies` counts ticks at the build's
//! `CONFIG_HZ` from `INITIAL_JIFFIES`, as the kernel's does.
//!
//! Timers sit in one wheel (the model has one timer base, and it is never behind: its `clk`
//! is `jiffies` whenever a timer is armed, as `forward_timer_base` leaves an idle base). A
//! timer fires at the tick its wheel bucket expires (`calc_wheel_index`): the tick after
//! `expires` for a near timer, later for far ones (a timer a second away fires on a multiple
//! of 8 ticks, one four seconds away on a multiple of 64). Timers of one tick fire in the
//! kernel's order: the wheel's higher levels first, each bucket newest first
//! (`collect_expired_timers`, `expire_timers`). What a timer function queues as work runs after
//! the tick's timers (see [`crate::workqueue`]).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};

/// Nanoseconds per second.
pub const NSEC_PER_SEC: u64 = 1_000_000_000;

/// `USER_HZ`: the tick of `clock_t` values user space reads.
pub const USER_HZ: u64 = 100;

/// `TICK_NSEC` at `hz`: one jiffy in nanoseconds, rounded.
const fn tick_nsec(hz: u32) -> u64 {
    (NSEC_PER_SEC + hz as u64 / 2) / hz as u64
}

/// `jiffies_to_clock_t` (`kernel/time/time.c`): `x` jiffies at `hz` in USER_HZ ticks,
/// truncated where a jiffy is no whole number of them.
pub const fn jiffies_to_clock_t(hz: u32, x: u64) -> u64 {
    let per_tick = NSEC_PER_SEC / USER_HZ;
    if tick_nsec(hz) % per_tick == 0 {
        if (hz as u64) < USER_HZ {
            x.wrapping_mul(USER_HZ / hz as u64)
        } else {
            x / (hz as u64 / USER_HZ)
        }
    } else {
        x.wrapping_mul(tick_nsec(hz)) / per_tick
    }
}

/// `jiffies_to_msecs` (`kernel/time/time.c`): `j` jiffies at `hz` in milliseconds, as the
/// kernel's `unsigned int` result (wrapping).
pub const fn jiffies_to_msecs(hz: u32, j: u64) -> u32 {
    let hz = hz as u64;
    if 1000 % hz == 0 {
        j.wrapping_mul(1000 / hz) as u32
    } else if hz % 1000 == 0 {
        j.div_ceil(hz / 1000) as u32
    } else {
        (j.wrapping_mul(1000) / hz) as u32
    }
}

/// `msecs_to_jiffies` of a run-time value (`unsigned int m`): a value negative as an `int`
/// is `MAX_JIFFY_OFFSET`; the rest rounds up.
pub const fn msecs_to_jiffies_checked(hz: u32, m: u32) -> u64 {
    if (m as i32) < 0 {
        return MAX_JIFFY_OFFSET;
    }
    msecs_to_jiffies(hz, m as u64)
}

/// `MAX_JIFFY_OFFSET` on a 64-bit build.
pub const MAX_JIFFY_OFFSET: u64 = ((i64::MAX as u64) >> 1) - 1;

/// `clock_t_to_jiffies` (`kernel/time/time.c`): `x` USER_HZ ticks in jiffies at `hz`
/// (truncated; at most `MAX_JIFFY_OFFSET`, the product wrapping as the kernel's does).
pub const fn clock_t_to_jiffies(hz: u32, x: u64) -> u64 {
    let hz = hz as u64;
    if hz % USER_HZ == 0 {
        if x >= u64::MAX / (hz / USER_HZ) {
            return u64::MAX;
        }
        x * (hz / USER_HZ)
    } else {
        let jif = x.wrapping_mul(hz) / USER_HZ;
        if jif > MAX_JIFFY_OFFSET {
            MAX_JIFFY_OFFSET
        } else {
            jif
        }
    }
}

/// `msecs_to_jiffies` for constants: `m` milliseconds at `hz`, rounded up.
pub const fn msecs_to_jiffies(hz: u32, m: u64) -> u64 {
    (m * hz as u64).div_ceil(1000)
}

/// `INITIAL_JIFFIES` on a 64-bit kernel: `(unsigned long)(unsigned int)(-300 * HZ)`, so the
/// 32-bit value wraps five minutes after boot (and `jiffies - 0` looks like the far past).
pub const fn initial_jiffies(hz: u32) -> u64 {
    (0u32.wrapping_sub(300u32.wrapping_mul(hz))) as u64
}

/// `round_jiffies` as CPU 0 computes it: `j` rounded to a whole second of the clock (down
/// when less than a quarter second over, up otherwise), or `j` itself when the rounded time
/// is not after `now`.
pub fn round_jiffies(hz: u32, now: u64, j: u64) -> u64 {
    let hz = u64::from(hz);
    let rem = j % hz;
    let rounded = if rem < hz / 4 { j - rem } else { j - rem + hz };
    if time_after(rounded, now) {
        rounded
    } else {
        j
    }
}

/// `time_after(a, b)`: `a` is later than `b`, modulo wrap-around.
pub fn time_after(a: u64, b: u64) -> bool {
    (b.wrapping_sub(a) as i64) < 0
}

/// `time_after_eq(a, b)`.
pub fn time_after_eq(a: u64, b: u64) -> bool {
    (a.wrapping_sub(b) as i64) >= 0
}

/// What a timer is: its function and the object it belongs to. Two timers are the same timer
/// (one `struct timer_list`) when their names and arguments are equal.
#[derive(Clone, Copy, Debug)]
pub struct TimerList {
    /// The kernel's name for the timer (its function), e.g. `"br_hello_timer_expired"`.
    pub name: &'static str,
    /// The timer function.
    pub function: TimerFn,
    /// Which object's timer it is.
    pub arg: TimerArg,
}

/// The object a timer or work item belongs to (what the kernel finds by `container_of`): a
/// namespace, and within it up to two numbers (an ifindex, a port, an address...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerArg {
    /// The network namespace.
    pub net: NetId,
    /// The object (e.g. an ifindex), 0 for a global one.
    pub obj: u32,
    /// A sub-object (e.g. a bridge port's ifindex), 0 for none.
    pub sub: u32,
}

impl TimerArg {
    /// A system-wide object (one timer or work item for the whole kernel).
    pub const GLOBAL: TimerArg = TimerArg {
        net: crate::kernel::INIT_NET,
        obj: 0,
        sub: 0,
    };
}

/// A timer function: called with the kernel and the timer's argument when it expires.
pub type TimerFn = fn(&mut Kernel, TimerArg) -> SysResult<()>;

impl PartialEq for TimerList {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.arg == other.arg
    }
}

impl Eq for TimerList {}

/// What expires in the wheel: a timer, or the timer of a delayed work item (whose expiry
/// queues the work, `delayed_work_timer_fn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// A plain timer.
    Timer(TimerList),
    /// A delayed work item's timer.
    DelayedWork(crate::workqueue::WorkStruct),
}

/// The wheel's order within a tick: the bucket's expiry, then higher levels first, then the
/// newest timer of a bucket first.
type WheelKey = (u64, Reverse<u32>, Reverse<u64>);

/// A pending timer: when it was due (`expires`) and the bucket it waits in.
#[derive(Clone, Copy, Debug)]
struct Pending {
    key: WheelKey,
    expires: u64,
}

/// The timer base (`struct timer_base`) and the clock it runs on.
#[derive(Debug)]
pub struct TimerBase {
    /// `CONFIG_HZ`.
    hz: u32,
    /// The virtual clock: nanoseconds since boot.
    now_ns: u64,
    /// Pending timers by when and in which order they fire.
    wheel: BTreeMap<WheelKey, Expiry>,
    /// Where each pending timer is, by identity.
    pending: Vec<(Expiry, Pending)>,
    /// Arming order, for the order within a bucket.
    seq: u64,
}

/// `LVL_CLK_SHIFT`: each wheel level is 8 times coarser than the one below.
const LVL_CLK_SHIFT: u32 = 3;
/// `LVL_BITS`: 64 buckets per level.
const LVL_BITS: u32 = 6;

impl TimerBase {
    /// A base at boot: time 0, `jiffies == INITIAL_JIFFIES`, nothing pending.
    pub fn new(hz: u32) -> TimerBase {
        TimerBase {
            hz,
            now_ns: 0,
            wheel: BTreeMap::new(),
            pending: Vec::new(),
            seq: 0,
        }
    }

    /// `HZ`.
    pub fn hz(&self) -> u32 {
        self.hz
    }

    /// Nanoseconds since boot.
    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    /// `jiffies`.
    pub fn jiffies(&self) -> u64 {
        initial_jiffies(self.hz)
            .wrapping_add((u128::from(self.now_ns) * u128::from(self.hz) / 1_000_000_000) as u64)
    }

    /// The first moment (ns since boot) at which `jiffies` reaches `j`.
    fn ns_at_jiffies(&self, j: u64) -> u64 {
        let ticks = j.wrapping_sub(initial_jiffies(self.hz));
        if (ticks as i64) <= 0 {
            return 0;
        }
        let ns = (u128::from(ticks) * 1_000_000_000).div_ceil(u128::from(self.hz));
        u64::try_from(ns).unwrap_or(u64::MAX)
    }

    /// `LVL_DEPTH`: 9 levels above HZ 100, else 8.
    fn lvl_depth(&self) -> u32 {
        if self.hz > 100 {
            9
        } else {
            8
        }
    }

    /// `calc_wheel_index`: the level a timer due at `expires` goes to when the wheel's clock is
    /// `clk`, and the tick its bucket expires at (`calc_index` rounds up by the level's
    /// granularity, so a timer never fires early).
    fn calc_wheel_index(&self, expires: u64, clk: u64) -> (u32, u64) {
        let lvl_start = |n: u32| ((1u64 << LVL_BITS) - 1) << ((n - 1) * LVL_CLK_SHIFT);
        let calc_index = |expires: u64, lvl: u32| {
            let shift = lvl * LVL_CLK_SHIFT;
            (lvl, ((expires >> shift) + 1) << shift)
        };
        let depth = self.lvl_depth();
        let delta = expires.wrapping_sub(clk);
        for lvl in 0..depth - 1 {
            if delta < lvl_start(lvl + 1) {
                return calc_index(expires, lvl);
            }
        }
        if (delta as i64) < 0 {
            return (0, clk);
        }
        let cutoff = lvl_start(depth);
        let expires = if delta >= cutoff {
            // WHEEL_TIMEOUT_MAX
            clk.wrapping_add(cutoff - (1u64 << ((depth - 1) * LVL_CLK_SHIFT)))
        } else {
            expires
        };
        calc_index(expires, depth - 1)
    }

    fn find(&self, what: &Expiry) -> Option<usize> {
        self.pending.iter().position(|(e, _)| e == what)
    }

    /// Arm `what` to expire at `expires` (jiffies), replacing its pending expiry.
    pub(crate) fn arm(&mut self, what: Expiry, expires: u64) {
        self.disarm(&what);
        let (level, bucket) = self.calc_wheel_index(expires, self.jiffies());
        self.seq += 1;
        let key = (bucket, Reverse(level), Reverse(self.seq));
        self.wheel.insert(key, what);
        self.pending.push((what, Pending { key, expires }));
    }

    /// Take `what` out of the wheel; whether it was pending.
    pub(crate) fn disarm(&mut self, what: &Expiry) -> bool {
        let Some(i) = self.find(what) else {
            return false;
        };
        let (_, p) = self.pending.swap_remove(i);
        self.wheel.remove(&p.key);
        true
    }

    /// When `what` is due (its `expires`), if it is pending.
    pub(crate) fn expires_of(&self, what: &Expiry) -> Option<u64> {
        self.find(what).map(|i| self.pending[i].1.expires)
    }

    /// The moment (ns since boot) the next pending timer fires, if any.
    pub fn next_expiry_ns(&self) -> Option<u64> {
        let (&(bucket, _, _), _) = self.wheel.iter().next()?;
        Some(self.ns_at_jiffies(bucket).max(self.now_ns))
    }

    /// Remove and return the first timer that fires at or before `until_ns`, with the time it
    /// fires at.
    fn pop_due(&mut self, until_ns: u64) -> Option<(u64, Expiry)> {
        let at = self.next_expiry_ns()?;
        if at > until_ns {
            return None;
        }
        let (key, what) = self.wheel.pop_first()?;
        if let Some(i) = self.pending.iter().position(|(_, p)| p.key == key) {
            self.pending.swap_remove(i);
        }
        Some((at, what))
    }
}

/// `mod_timer`: (re)arm `timer` to expire at `expires` (jiffies); whether it was pending. A
/// pending timer re-armed for the same `expires` stays where it is.
pub fn mod_timer(k: &mut Kernel, timer: TimerList, expires: u64) -> bool {
    let what = Expiry::Timer(timer);
    if k.timers.expires_of(&what) == Some(expires) {
        return true;
    }
    let was = k.timers.disarm(&what);
    k.timers.arm(what, expires);
    was
}

/// `timer_delete` (`del_timer`): disarm `timer`; whether it was pending.
pub fn timer_delete(k: &mut Kernel, timer: TimerList) -> bool {
    k.timers.disarm(&Expiry::Timer(timer))
}

/// `timer_pending`.
pub fn timer_pending(k: &Kernel, timer: TimerList) -> bool {
    k.timers.find(&Expiry::Timer(timer)).is_some()
}

/// `call_timer_fn` / `delayed_work_timer_fn`: what an expired entry does.
fn expire(k: &mut Kernel, what: Expiry) -> SysResult<()> {
    match what {
        Expiry::Timer(t) => (t.function)(k, t.arg),
        Expiry::DelayedWork(w) => {
            crate::workqueue::queue_work(k, w);
            Ok(())
        }
    }
}

/// `run_timer_softirq`, the receive softirq and the workers after them, up to `until_ns`:
/// every timer due by then fires in order, the clock set to its tick; the frames they sent are
/// received after each tick's timers (`net_rx_action`), then the work queued by then runs.
/// The clock ends at `until_ns` (or where it was, if later).
pub(crate) fn run_until(k: &mut Kernel, until_ns: u64) -> SysResult<()> {
    crate::dev::process_backlog(k)?;
    crate::workqueue::run_pending_work(k)?;
    while let Some((at, what)) = k.timers.pop_due(until_ns) {
        k.timers.now_ns = k.timers.now_ns.max(at);
        expire(k, what)?;
        // The other timers of the same tick fire before the softirqs after them and the
        // workers run.
        if k.timers.next_expiry_ns() != Some(k.timers.now_ns) {
            crate::dev::process_backlog(k)?;
            crate::workqueue::run_pending_work(k)?;
        }
    }
    k.timers.now_ns = k.timers.now_ns.max(until_ns);
    crate::dev::process_backlog(k)?;
    crate::workqueue::run_pending_work(k)
}

impl Kernel {
    /// Let `ns` nanoseconds pass: the clock moves on, timers that expire meanwhile fire in
    /// order and deferred work runs when it is due, as it would on an idle machine. The model's
    /// clock moves only here (system calls take no time). An error is what a timer or a work
    /// item answered (the model does not implement something it did); the clock has then
    /// stopped where that happened.
    pub fn advance(&mut self, ns: u64) -> SysResult<()> {
        let until = self.timers.now_ns.saturating_add(ns);
        run_until(self, until)
    }

    /// Nanoseconds since boot on the model's clock.
    pub fn now_ns(&self) -> u64 {
        self.timers.now_ns()
    }

    /// `jiffies`: ticks at the build's `CONFIG_HZ` since `INITIAL_JIFFIES`.
    pub fn jiffies(&self) -> u64 {
        self.timers.jiffies()
    }

    /// When (ns since boot) the next pending timer fires, if one is pending: how far
    /// [`Kernel::advance`] has to go for something to happen.
    pub fn next_timer_ns(&self) -> Option<u64> {
        self.timers.next_expiry_ns()
    }

    /// Run what is due now: the work queued for "at once" (e.g. by a request, which on the
    /// kernel runs on a worker right after the request returns) and timers already expired.
    /// Every system call ends with it.
    pub(crate) fn run_due(&mut self) -> SysResult<()> {
        let now = self.timers.now_ns;
        run_until(self, now)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn clock_t_conversions_truncate_through_jiffies() {
        // HZ 250: a jiffy is 4 ms, 2/5 of a USER_HZ tick.
        assert_eq!(clock_t_to_jiffies(250, 401), 1002);
        assert_eq!(jiffies_to_clock_t(250, 1002), 400);
        assert_eq!(jiffies_to_clock_t(250, 125 * 250 / 4), 3124);
        // HZ 100 and 1000 divide evenly; HZ 300 does not.
        assert_eq!(clock_t_to_jiffies(100, 7), 7);
        assert_eq!(clock_t_to_jiffies(1000, 7), 70);
        assert_eq!(jiffies_to_clock_t(1000, 79), 7);
        assert_eq!(jiffies_to_clock_t(300, 300), 99);
        // A huge clock_t saturates.
        assert_eq!(clock_t_to_jiffies(1000, u64::MAX), u64::MAX);
        assert_eq!(msecs_to_jiffies(250, 10), 3);
    }

    use super::*;

    #[test]
    fn jiffies_start_five_minutes_before_the_32_bit_wrap() {
        let t = TimerBase::new(250);
        assert_eq!(t.jiffies(), 0x1_0000_0000 - 75_000);
        assert!(!time_after(0, t.jiffies()), "0 is long past at boot");
        assert_eq!(t.ns_at_jiffies(t.jiffies() + 1), 4_000_000);
        let t = TimerBase::new(300);
        assert_eq!(t.ns_at_jiffies(t.jiffies() + 1), 3_333_334);
    }

    #[test]
    fn buckets_round_up_by_their_level() {
        let t = TimerBase::new(250);
        let clk = t.jiffies();
        // Level 0: the tick after expires.
        assert_eq!(t.calc_wheel_index(clk + 10, clk), (0, clk + 11));
        // Level 1 (64..511 ticks away): the next multiple of 8 after expires.
        let (lvl, at) = t.calc_wheel_index(clk + 250, clk);
        assert_eq!(lvl, 1);
        assert!(at > clk + 250 && at <= clk + 258 && at % 8 == 0);
        // Level 2: multiples of 64.
        let (lvl, at) = t.calc_wheel_index(clk + 1000, clk);
        assert_eq!(lvl, 2);
        assert_eq!(at % 64, 0);
        // The past: at once.
        assert_eq!(t.calc_wheel_index(clk - 5, clk), (0, clk));
    }
}
