//! The forwarding database (`net/bridge/br_fdb.c`), as far as the model has it: no entries,
//! only its garbage collection (`gc_work`), whose timer IFLA_BR_GC_TIMER reports.

use super::dev_mut;
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::timer::{jiffies_to_clock_t, msecs_to_jiffies, TimerArg};
use crate::workqueue::WorkStruct;

/// The bridge's `gc_work`.
pub(crate) fn gc_work(net: NetId, br: u32) -> WorkStruct {
    WorkStruct {
        name: "br_fdb_cleanup",
        func: br_fdb_cleanup,
        arg: TimerArg {
            net,
            obj: br,
            sub: 0,
        },
    }
}

/// `br_fdb_cleanup`: with no entry to age out, the collection arms itself again after the
/// hold time (`hold_time`: the ageing time, the forward delay during a topology change, which
/// a bridge without STP never has), at least 10 ms. The model keeps the time left as armed.
fn br_fdb_cleanup(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let hz = k.timers.hz();
    let Some(b) = k.dev_mut(arg.net, arg.obj).and_then(|d| d.br_mut()) else {
        return Ok(());
    };
    let work_delay = b.ageing_time.max(msecs_to_jiffies(hz, 10));
    b.gc_timer = jiffies_to_clock_t(hz, work_delay);
    Ok(())
}

/// `mod_delayed_work(system_long_wq, &br->gc_work, 0)`: the collection runs at once (its
/// timer reads 0 until it has run).
pub(crate) fn br_gc_run_now(k: &mut Kernel, net: NetId, br: u32) {
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.gc_timer = 0;
    }
    crate::workqueue::mod_delayed_work(k, gc_work(net, br), 0);
}
