//! `nltwin run`'s model server: frames as the preloaded library sends them, on up to four
//! connections, answered by the served model. No frame may panic the server, whatever its
//! bytes, its pid or the order of the calls; the replies read back as they were written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nltwin::model_server::{ConnState, Served};
use nltwin_wire::shim::{Reply, Request};

fuzz_target!(|data: &[u8]| {
    // Replies are read by the library: any bytes must parse or fail, never panic.
    let _ = Reply::parse(data);
    let (kernel, task) = nltwin_model::Kernel::sandboxed(4242);
    let mut served = Served::new(kernel, task);
    let mut conns = [ConnState::default(); 4];
    let mut rest = data;
    // Each frame: connection (low two bits; bit 7 closes it after), a 16-bit length, bytes.
    while rest.len() >= 3 {
        let (conn, close) = (usize::from(rest[0] & 3), rest[0] & 0x80 != 0);
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]]));
        rest = &rest[3..];
        let frame = &rest[..len.min(rest.len())];
        rest = &rest[frame.len()..];
        if let Ok(req) = Request::parse(frame) {
            let reply = served.answer(&mut conns[conn], req);
            assert_eq!(Reply::parse(&reply.to_bytes()), Ok(Some(reply)));
            let _ = served.readable(&conns[conn]);
        }
        if close {
            served.close(conns[conn]);
            conns[conn] = ConnState::default();
        }
    }
});
