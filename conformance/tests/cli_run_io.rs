//! The calls beyond the socket calls that `nltwin run --model` serves, each checked against
//! the kernel: `recvmsg`'s control messages (SO_PASSCRED, NETLINK_PKTINFO), a blocking
//! receive ending at SO_RCVTIMEO, `read`/`write`, the socket calls by number through
//! `syscall(2)`, `splice` from a pipe, and socket filters. The programs are `nltwin
//! fault-probe` actions (`conformance/src/io_probe.rs`), which call the C library as any
//! program does; each prints one line, which must be the same on both sides.

use std::process::Command;

mod run_common;
use run_common::{exe, preload, text};

/// `nltwin fault-probe ACTION` under `nltwin run SIDE`: its one line.
fn probe(side: &str, action: &str) -> String {
    let out = Command::new(exe())
        .args(["run", side, "--"])
        .arg(exe())
        .args(["fault-probe", action])
        .env("NLTWIN_PRELOAD", preload())
        .output()
        .expect("nltwin runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{action} on {side}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The action's line on the model, which must be `expected` and the kernel's.
fn same_on_both_sides(action: &str, expected: &str) {
    let model = probe("--model", action);
    assert_eq!(model, probe("--kernel", action), "{action}");
    assert_eq!(model, expected, "{action}");
}

#[test]
fn recvmsg_carries_pktinfo_then_the_kernels_credentials() {
    // SOL_NETLINK (270) NETLINK_PKTINFO (3): group 0; SOL_SOCKET (1) SCM_CREDENTIALS (2):
    // pid 0, the kernel. A dump's first datagram, nothing cut.
    same_on_both_sides(
        "control-messages",
        "270/3 len 20 first 0, 1/2 len 28 first 0 flags 0\n",
    );
}

#[test]
fn a_blocking_receive_ends_at_the_receive_timeout() {
    same_on_both_sides("receive-timeout", "EAGAIN waited about 0.3 s: true\n");
}

#[test]
fn read_write_and_calls_by_number_reach_the_socket() {
    // RTM_NEWLINK (16) for lo, twice; the request is 32 bytes.
    same_on_both_sides(
        "read-write-syscall",
        "write 32 read data 16; sendto 32 recvfrom data 16\n",
    );
}

#[test]
fn a_request_spliced_from_a_pipe_is_one_datagram() {
    same_on_both_sides("splice", "spliced 32 then 0; data 16\n");
}

#[test]
fn a_socket_filter_drops_and_cuts_answers() {
    same_on_both_sides(
        "socket-filter",
        "detach none: errno 2; dropping: EAGAIN; cutting: 20; detach: ok\n",
    );
}
