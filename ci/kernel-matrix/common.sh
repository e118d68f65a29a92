# Shared settings and helpers of the kernel matrix scripts (sourced, not run).
# Every setting is an environment variable with a default, so each script can also be run alone.

matrix_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$matrix_dir/../.." && pwd)

# Where downloads, extracted kernels, initramfs trees and results go. Under target/ by default:
# already ignored by git, and removed by `cargo clean` like any other build output.
cache=${NLTWIN_MATRIX_CACHE:-$repo_root/target/kernel-matrix}
# The binary put in the guest. Point it at a copy when target/ may be rebuilt during a run.
nltwin_bin=${NLTWIN_BIN:-$repo_root/target/release/nltwin}
# The scenario files run in the guest (a directory of *.jsonl).
scenario_dir=${NLTWIN_MATRIX_SCENARIOS:-$repo_root/conformance/scenarios}
# Modules the guest loads (their dependencies are added). veth/bridge(+stp, llc) for the
# scenarios; virtio_pci and virtio_blk carry the results disk (built in from 6.12 on; the
# builtin ones are skipped).
modules=${NLTWIN_MATRIX_MODULES:-veth bridge stp llc virtio_pci virtio_blk}
# The kernels run when none are named.
default_kernels=${NLTWIN_MATRIX_KERNELS:-6.1 6.12 6.17 6.18 7.x}

# In-guest workload (see README.md, "Changing what runs in the guest"):
# a whole script replacing guest/run-scenarios.sh ...
guest_script=${NLTWIN_MATRIX_GUEST_SCRIPT:-$matrix_dir/guest/run-scenarios.sh}
# ... or only the command it runs per scenario: a shell command, evaluated with $SCENARIO set to
# the scenario file; its standard output becomes OUT/<scenario-name>.jsonl.
scenario_cmd=${NLTWIN_MATRIX_SCENARIO_CMD:-'nltwin exchange --backend kernel "$SCENARIO"'}
# Seconds one scenario may take in the guest (TCG is ~12x slower than the host); 0: no limit.
scenario_timeout=${NLTWIN_MATRIX_SCENARIO_TIMEOUT:-300}
# Seconds one whole VM may run before it is killed.
vm_timeout=${NLTWIN_MATRIX_VM_TIMEOUT:-1800}
# Size of the results disk (sparse file; the guest writes one tar archive to it).
results_disk_mb=${NLTWIN_MATRIX_DISK_MB:-512}
# Set to 1 to try KVM (falls back to TCG when the KVM boot does not produce results).
use_kvm=${NLTWIN_MATRIX_KVM:-0}

die() { echo "kernel-matrix: error: $*" >&2; exit 1; }
log() { echo "kernel-matrix: $*"; }
now() { echo "$EPOCHREALTIME"; }
# elapsed START [END]: seconds with one decimal.
elapsed() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.1f", b - a }'; }
