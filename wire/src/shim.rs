//! The frames between `nltwin run`'s preloaded library (`preload/`) and its model server: one
//! Unix SOCK_SEQPACKET connection per AF_NETLINK socket a program opens, one packet per frame.
//!
//! The library sends a [`Request`] (a socket system call with its arguments and the caller's
//! pid) and reads packets until the [`Reply`]; the server may also send [`READY`], a packet of
//! one byte, whenever the model socket has something to read, so that the connection itself
//! becomes readable and `poll`, `select` and `epoll` on the program's descriptor work
//! unchanged. The library drops the `READY` packets it meets while waiting for a reply.
//!
//! Every integer is little-endian (both ends are the same machine; fixed for readability).

/// The one-byte packet that says "the model socket has something to read".
pub const READY: u8 = b'R';
/// The first byte of a reply.
const REPLY: u8 = b'P';

/// A system call on the model socket behind a connection. The fields are the call's arguments
/// as its man page names them, with `pid` the calling process.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `socket(AF_NETLINK, ty, protocol)`: the connection's first request.
    Socket { pid: u32, ty: i32, protocol: i32 },
    /// `bind(addr)`: the address bytes as given (their length is the addrlen).
    Bind { pid: u32, addr: Vec<u8> },
    /// `connect(addr)`.
    Connect { pid: u32, addr: Vec<u8> },
    /// `getsockname`.
    GetSockName { pid: u32 },
    /// `getpeername`.
    GetPeerName { pid: u32 },
    /// `setsockopt(level, name, value)`.
    SetSockOpt {
        pid: u32,
        level: i32,
        name: i32,
        value: Vec<u8>,
    },
    /// `getsockopt(level, name)` into `len` bytes.
    GetSockOpt {
        pid: u32,
        level: i32,
        name: i32,
        len: u32,
    },
    /// `sendto(data, flags, to)`.
    SendTo {
        pid: u32,
        flags: i32,
        to: Option<Vec<u8>>,
        data: Vec<u8>,
    },
    /// `recvfrom` into `len` bytes with `flags` (never blocking: the library waits).
    RecvFrom { pid: u32, flags: i32, len: u32 },
    /// `recvmsg` into `len` bytes with a control buffer of `controllen` bytes (`None`: the
    /// program gave no `msg_control`); answered [`Reply::Received`].
    RecvMsg {
        pid: u32,
        flags: i32,
        len: u32,
        controllen: Option<u32>,
    },
    /// The socket's receive timeout (`SO_RCVTIMEO` as the kernel keeps it), for a receive the
    /// library waits on: answered `Ok` with the nanoseconds, 0 for "do not wait", -1 for
    /// "for ever".
    RcvTimeo { pid: u32 },
    /// `ioctl(cmd, arg)`: on the connection's model socket (`family` AF_NETLINK), or, on a
    /// connection made for this request alone, on a socket of `family` the program holds
    /// outside the model, for a command that asks the namespace
    /// ([`crate::uapi::sockios::reaches_namespace`]). The reply's value is the call's, except
    /// for SIOCGIFCONF: the `ifc_len` to write back (the call returns 0); its data the ifreq
    /// to copy back, or SIOCGIFCONF's records.
    Ioctl {
        pid: u32,
        family: i32,
        cmd: u32,
        arg: IoctlFrameArg,
    },
}

/// The argument of an [`Request::Ioctl`], as the library copied it.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IoctlFrameArg {
    /// A `struct ifreq`'s bytes.
    Ifreq(Vec<u8>),
    /// A `struct ifconf`: its `ifc_len` and whether `ifc_buf` is NULL.
    Ifconf { len: i32, null_buf: bool },
    /// An argument the model does not read.
    Other,
}

/// The answer to a [`Request`].
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Success: the call's value (0, a length) and its output bytes (an address, an option
    /// value, received data); for a receive, also the sender's address and the message flags.
    Ok {
        value: i64,
        data: Vec<u8>,
        addr: Vec<u8>,
        msg_flags: i32,
    },
    /// The call failed with this errno.
    Err(i32),
    /// The model does not model this call: what, for the message.
    Unimplemented(String),
    /// A `recvmsg`'s success: as [`Reply::Ok`], with the control messages as the program's
    /// `msg_control` receives them.
    Received {
        value: i64,
        data: Vec<u8>,
        addr: Vec<u8>,
        msg_flags: i32,
        control: Vec<u8>,
    },
    /// The server does not serve this process (it is not one the server's `nltwin run`
    /// started): why, for the message. The server closes the connection after it.
    Refused(String),
}

/// A frame that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFrame(pub &'static str);

/// Appends little-endian fields and length-prefixed byte strings.
struct Put(Vec<u8>);

impl Put {
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i32(self, v: i32) -> Self {
        self.u32(v as u32)
    }
    fn i64(mut self, v: i64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn bytes(self, b: &[u8]) -> Self {
        let mut s = self.u32(b.len() as u32);
        s.0.extend_from_slice(b);
        s
    }
}

/// Reads what [`Put`] wrote.
struct Get<'a>(&'a [u8]);

impl<'a> Get<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BadFrame> {
        if self.0.len() < n {
            return Err(BadFrame("frame cut short"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, BadFrame> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, BadFrame> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Result<i32, BadFrame> {
        Ok(self.u32()? as i32)
    }
    fn i64(&mut self) -> Result<i64, BadFrame> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> Result<Vec<u8>, BadFrame> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }
}

impl Request {
    /// The calling process.
    pub fn pid(&self) -> u32 {
        match *self {
            Request::Socket { pid, .. }
            | Request::Bind { pid, .. }
            | Request::Connect { pid, .. }
            | Request::GetSockName { pid }
            | Request::GetPeerName { pid }
            | Request::SetSockOpt { pid, .. }
            | Request::GetSockOpt { pid, .. }
            | Request::SendTo { pid, .. }
            | Request::RecvFrom { pid, .. }
            | Request::RecvMsg { pid, .. }
            | Request::RcvTimeo { pid }
            | Request::Ioctl { pid, .. } => pid,
        }
    }

    /// Its frame.
    pub fn to_bytes(&self) -> Vec<u8> {
        let p = Put(Vec::new());
        match self {
            Request::Socket { pid, ty, protocol } => p.u8(1).u32(*pid).i32(*ty).i32(*protocol),
            Request::Bind { pid, addr } => p.u8(2).u32(*pid).bytes(addr),
            Request::Connect { pid, addr } => p.u8(3).u32(*pid).bytes(addr),
            Request::GetSockName { pid } => p.u8(4).u32(*pid),
            Request::GetPeerName { pid } => p.u8(5).u32(*pid),
            Request::SetSockOpt {
                pid,
                level,
                name,
                value,
            } => p.u8(6).u32(*pid).i32(*level).i32(*name).bytes(value),
            Request::GetSockOpt {
                pid,
                level,
                name,
                len,
            } => p.u8(7).u32(*pid).i32(*level).i32(*name).u32(*len),
            Request::SendTo {
                pid,
                flags,
                to,
                data,
            } => {
                let p = p.u8(8).u32(*pid).i32(*flags);
                let p = match to {
                    Some(a) => p.u8(1).bytes(a),
                    None => p.u8(0),
                };
                p.bytes(data)
            }
            Request::RecvFrom { pid, flags, len } => p.u8(9).u32(*pid).i32(*flags).u32(*len),
            Request::RecvMsg {
                pid,
                flags,
                len,
                controllen,
            } => {
                let p = p.u8(10).u32(*pid).i32(*flags).u32(*len);
                match controllen {
                    Some(c) => p.u8(1).u32(*c),
                    None => p.u8(0),
                }
            }
            Request::RcvTimeo { pid } => p.u8(11).u32(*pid),
            Request::Ioctl {
                pid,
                family,
                cmd,
                arg,
            } => {
                let p = p.u8(12).u32(*pid).i32(*family).u32(*cmd);
                match arg {
                    IoctlFrameArg::Ifreq(b) => p.u8(0).bytes(b),
                    IoctlFrameArg::Ifconf { len, null_buf } => {
                        p.u8(1).i32(*len).u8(u8::from(*null_buf))
                    }
                    IoctlFrameArg::Other => p.u8(2),
                }
            }
        }
        .0
    }

    /// A frame read back.
    pub fn parse(b: &[u8]) -> Result<Request, BadFrame> {
        let mut g = Get(b);
        let op = g.u8()?;
        let pid = g.u32()?;
        let r = match op {
            1 => Request::Socket {
                pid,
                ty: g.i32()?,
                protocol: g.i32()?,
            },
            2 => Request::Bind {
                pid,
                addr: g.bytes()?,
            },
            3 => Request::Connect {
                pid,
                addr: g.bytes()?,
            },
            4 => Request::GetSockName { pid },
            5 => Request::GetPeerName { pid },
            6 => Request::SetSockOpt {
                pid,
                level: g.i32()?,
                name: g.i32()?,
                value: g.bytes()?,
            },
            7 => Request::GetSockOpt {
                pid,
                level: g.i32()?,
                name: g.i32()?,
                len: g.u32()?,
            },
            8 => {
                let flags = g.i32()?;
                let to = match g.u8()? {
                    0 => None,
                    _ => Some(g.bytes()?),
                };
                Request::SendTo {
                    pid,
                    flags,
                    to,
                    data: g.bytes()?,
                }
            }
            9 => Request::RecvFrom {
                pid,
                flags: g.i32()?,
                len: g.u32()?,
            },
            10 => Request::RecvMsg {
                pid,
                flags: g.i32()?,
                len: g.u32()?,
                controllen: match g.u8()? {
                    0 => None,
                    _ => Some(g.u32()?),
                },
            },
            11 => Request::RcvTimeo { pid },
            12 => {
                let family = g.i32()?;
                let cmd = g.u32()?;
                let arg = match g.u8()? {
                    0 => IoctlFrameArg::Ifreq(g.bytes()?),
                    1 => IoctlFrameArg::Ifconf {
                        len: g.i32()?,
                        null_buf: g.u8()? != 0,
                    },
                    2 => IoctlFrameArg::Other,
                    _ => return Err(BadFrame("unknown ioctl argument")),
                };
                Request::Ioctl {
                    pid,
                    family,
                    cmd,
                    arg,
                }
            }
            _ => return Err(BadFrame("unknown request")),
        };
        if !g.0.is_empty() {
            return Err(BadFrame("bytes after the request"));
        }
        Ok(r)
    }
}

impl Reply {
    /// Its frame.
    pub fn to_bytes(&self) -> Vec<u8> {
        let p = Put(Vec::new()).u8(REPLY);
        match self {
            Reply::Ok {
                value,
                data,
                addr,
                msg_flags,
            } => p.u8(0).i64(*value).bytes(data).bytes(addr).i32(*msg_flags),
            Reply::Err(e) => p.u8(1).i32(*e),
            Reply::Unimplemented(what) => p.u8(2).bytes(what.as_bytes()),
            Reply::Refused(why) => p.u8(3).bytes(why.as_bytes()),
            Reply::Received {
                value,
                data,
                addr,
                msg_flags,
                control,
            } => p
                .u8(4)
                .i64(*value)
                .bytes(data)
                .bytes(addr)
                .i32(*msg_flags)
                .bytes(control),
        }
        .0
    }

    /// A frame read back; `None` for a [`READY`] packet.
    pub fn parse(b: &[u8]) -> Result<Option<Reply>, BadFrame> {
        if b == [READY] {
            return Ok(None);
        }
        let mut g = Get(b);
        if g.u8()? != REPLY {
            return Err(BadFrame("not a reply"));
        }
        let r = match g.u8()? {
            0 => Reply::Ok {
                value: g.i64()?,
                data: g.bytes()?,
                addr: g.bytes()?,
                msg_flags: g.i32()?,
            },
            1 => Reply::Err(g.i32()?),
            2 => Reply::Unimplemented(String::from_utf8_lossy(&g.bytes()?).into_owned()),
            3 => Reply::Refused(String::from_utf8_lossy(&g.bytes()?).into_owned()),
            4 => Reply::Received {
                value: g.i64()?,
                data: g.bytes()?,
                addr: g.bytes()?,
                msg_flags: g.i32()?,
                control: g.bytes()?,
            },
            _ => return Err(BadFrame("unknown reply")),
        };
        Ok(Some(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_replies_read_back_as_written() {
        let reqs = [
            Request::Socket {
                pid: 7,
                ty: 3,
                protocol: 0,
            },
            Request::Bind {
                pid: 7,
                addr: vec![16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
            Request::SendTo {
                pid: 7,
                flags: 0,
                to: Some(vec![1, 2]),
                data: vec![9; 20],
            },
            Request::SendTo {
                pid: 7,
                flags: 64,
                to: None,
                data: vec![],
            },
            Request::RecvFrom {
                pid: 8,
                flags: 2,
                len: 32768,
            },
            Request::GetSockOpt {
                pid: 1,
                level: 270,
                name: 9,
                len: 4,
            },
            Request::RecvMsg {
                pid: 3,
                flags: 0x20,
                len: 0,
                controllen: Some(32),
            },
            Request::RecvMsg {
                pid: 3,
                flags: 0,
                len: 8192,
                controllen: None,
            },
            Request::RcvTimeo { pid: 9 },
            Request::Ioctl {
                pid: 3,
                family: 2,
                cmd: 0x8933,
                arg: IoctlFrameArg::Ifreq(vec![b'l', b'o', 0]),
            },
            Request::Ioctl {
                pid: 3,
                family: 1,
                cmd: 0x8912,
                arg: IoctlFrameArg::Ifconf {
                    len: 80,
                    null_buf: false,
                },
            },
            Request::Ioctl {
                pid: 3,
                family: 16,
                cmd: 0x890B,
                arg: IoctlFrameArg::Other,
            },
        ];
        for r in reqs {
            assert_eq!(Request::parse(&r.to_bytes()), Ok(r.clone()));
        }
        let replies = [
            Reply::Ok {
                value: 36,
                data: vec![1, 2, 3],
                addr: vec![16, 0],
                msg_flags: 0x20,
            },
            Reply::Err(11),
            Reply::Received {
                value: 20,
                data: vec![0; 20],
                addr: vec![16, 0],
                msg_flags: 8,
                control: vec![28, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0],
            },
            Reply::Unimplemented("RTM_NEWROUTE".into()),
            Reply::Refused("pid 7 is not a process of this run".into()),
        ];
        for r in replies {
            assert_eq!(Reply::parse(&r.to_bytes()), Ok(Some(r.clone())));
        }
        assert_eq!(Reply::parse(&[READY]), Ok(None));
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        for b in [
            &[][..],
            &[1],
            &[8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200],
            &[42, 0, 0, 0, 0],
        ] {
            assert!(Request::parse(b).is_err());
        }
        assert!(Reply::parse(&[b'P', 0, 1]).is_err());
        assert!(Reply::parse(b"X").is_err());
    }
}
