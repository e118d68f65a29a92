//! Socket filters (`net/core/filter.c`): classic BPF programs attached with `SO_ATTACH_FILTER`,
//! checked as `bpf_check_classic` checks them, and run on every datagram delivered to the
//! socket (`sk_filter`): a verdict of 0 drops it, a smaller one cuts it.
//!
//! The kernel converts a classic program to eBPF and runs that; the model runs the classic
//! instructions with the semantics the conversion keeps (an out-of-packet load or a division
//! by a zero X ends the program with 0). What the model does not run is refused when the
//! program is attached, loudly: ancillary loads (`SKF_AD_*`), negative offsets
//! (`SKF_NET_OFF`, `SKF_LL_OFF`), and scratch memory (whose read-before-write check,
//! `check_load_and_stores`, is not modeled).

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId};
use crate::skbuff::SkBuff;

/// `struct sock_filter`: one classic BPF instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockFilter {
    /// `code`: class, size/operation and source bits.
    pub code: u16,
    /// `jt`: the jump when true.
    pub jt: u8,
    /// `jf`: the jump when false.
    pub jf: u8,
    /// `k`: the constant.
    pub k: u32,
}

impl SockFilter {
    /// An instruction from its 8 bytes (native order, as a program's memory holds it).
    pub fn parse(b: &[u8]) -> Option<SockFilter> {
        let b: &[u8; 8] = b.get(..8)?.try_into().ok()?;
        Some(SockFilter {
            code: u16::from_ne_bytes([b[0], b[1]]),
            jt: b[2],
            jf: b[3],
            k: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
        })
    }
}

/// `BPF_MAXINSNS`.
const BPF_MAXINSNS: usize = 4096;
/// `sizeof(struct sock_fprog)` on x86-64: a u16 length, padding, a pointer.
pub const SOCK_FPROG_LEN: usize = 16;

// Classic BPF opcode parts (`include/uapi/linux/bpf_common.h`, `filter.h`).
const BPF_LD: u16 = 0x00;
const BPF_LDX: u16 = 0x01;
const BPF_ST: u16 = 0x02;
const BPF_STX: u16 = 0x03;
const BPF_ALU: u16 = 0x04;
const BPF_JMP: u16 = 0x05;
const BPF_RET: u16 = 0x06;
const BPF_MISC: u16 = 0x07;
const BPF_W: u16 = 0x00;
const BPF_H: u16 = 0x08;
const BPF_B: u16 = 0x10;
const BPF_IMM: u16 = 0x00;
const BPF_ABS: u16 = 0x20;
const BPF_IND: u16 = 0x40;
const BPF_MEM: u16 = 0x60;
const BPF_LEN: u16 = 0x80;
const BPF_MSH: u16 = 0xa0;
const BPF_ADD: u16 = 0x00;
const BPF_SUB: u16 = 0x10;
const BPF_MUL: u16 = 0x20;
const BPF_DIV: u16 = 0x30;
const BPF_OR: u16 = 0x40;
const BPF_AND: u16 = 0x50;
const BPF_LSH: u16 = 0x60;
const BPF_RSH: u16 = 0x70;
const BPF_NEG: u16 = 0x80;
const BPF_MOD: u16 = 0x90;
const BPF_XOR: u16 = 0xa0;
const BPF_JA: u16 = 0x00;
const BPF_JEQ: u16 = 0x10;
const BPF_JGT: u16 = 0x20;
const BPF_JGE: u16 = 0x30;
const BPF_JSET: u16 = 0x40;
const BPF_K: u16 = 0x00;
const BPF_X: u16 = 0x08;
const BPF_A: u16 = 0x10;
const BPF_TAX: u16 = 0x00;
const BPF_TXA: u16 = 0x80;
/// `BPF_MEMWORDS`.
const BPF_MEMWORDS: u32 = 16;
/// `SKF_AD_OFF` as the u32 `k` holds it: loads at or above are ancillary data.
const SKF_AD_OFF: u32 = (-0x1000i32) as u32;

/// `chk_code_allowed`: the opcodes a classic program may use.
fn chk_code_allowed(code: u16) -> bool {
    const ALU_OPS: [u16; 10] = [
        BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
    ];
    let alu = ALU_OPS
        .iter()
        .any(|&op| code == BPF_ALU | op | BPF_K || code == BPF_ALU | op | BPF_X);
    let jmp = [BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET]
        .iter()
        .any(|&op| code == BPF_JMP | op | BPF_K || code == BPF_JMP | op | BPF_X);
    alu || jmp
        || [
            BPF_ALU | BPF_NEG,
            BPF_LD | BPF_W | BPF_ABS,
            BPF_LD | BPF_H | BPF_ABS,
            BPF_LD | BPF_B | BPF_ABS,
            BPF_LD | BPF_W | BPF_LEN,
            BPF_LD | BPF_W | BPF_IND,
            BPF_LD | BPF_H | BPF_IND,
            BPF_LD | BPF_B | BPF_IND,
            BPF_LD | BPF_IMM,
            BPF_LD | BPF_MEM,
            BPF_LDX | BPF_W | BPF_LEN,
            BPF_LDX | BPF_B | BPF_MSH,
            BPF_LDX | BPF_IMM,
            BPF_LDX | BPF_MEM,
            BPF_ST,
            BPF_STX,
            BPF_MISC | BPF_TAX,
            BPF_MISC | BPF_TXA,
            BPF_RET | BPF_K,
            BPF_RET | BPF_A,
            BPF_JMP | BPF_JA,
        ]
        .contains(&code)
}

/// `bpf_check_classic` (with `bpf_check_basics_ok`): the program's opcodes, constants and
/// jumps, and a return at its end. EINVAL for a program the kernel refuses; `unimplemented`
/// for one it accepts but the model cannot run (see the module's note).
pub fn bpf_check_classic(filter: &[SockFilter]) -> SysResult<()> {
    let flen = filter.len();
    if flen == 0 || flen > BPF_MAXINSNS {
        return Err(Errno::EINVAL.into());
    }
    for (pc, f) in filter.iter().enumerate() {
        if !chk_code_allowed(f.code) {
            return Err(Errno::EINVAL.into());
        }
        let code = f.code;
        if code == BPF_ALU | BPF_DIV | BPF_K || code == BPF_ALU | BPF_MOD | BPF_K {
            if f.k == 0 {
                return Err(Errno::EINVAL.into());
            }
        } else if code == BPF_ALU | BPF_LSH | BPF_K || code == BPF_ALU | BPF_RSH | BPF_K {
            if f.k >= 32 {
                return Err(Errno::EINVAL.into());
            }
        } else if [BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX].contains(&code) {
            if f.k >= BPF_MEMWORDS {
                return Err(Errno::EINVAL.into());
            }
            return Err(crate::errno::unimplemented(
                "socket filters using scratch memory (check_load_and_stores)",
            ));
        } else if code == BPF_JMP | BPF_JA {
            if f.k as usize >= flen - pc - 1 {
                return Err(Errno::EINVAL.into());
            }
        } else if code & 0x07 == BPF_JMP {
            if pc + f.jt as usize + 1 >= flen || pc + f.jf as usize + 1 >= flen {
                return Err(Errno::EINVAL.into());
            }
        } else if code & 0x07 == BPF_LD && matches!(code & 0xe0, BPF_ABS | BPF_IND) {
            if code & 0xe0 == BPF_ABS && f.k >= SKF_AD_OFF {
                return Err(crate::errno::unimplemented(
                    "socket filters with ancillary loads (SKF_AD_*)",
                ));
            }
            if (f.k as i32) < 0 {
                return Err(crate::errno::unimplemented(
                    "socket filters loading at negative offsets (SKF_NET_OFF, SKF_LL_OFF)",
                ));
            }
        }
    }
    match filter[flen - 1].code {
        c if c == BPF_RET | BPF_K || c == BPF_RET | BPF_A => Ok(()),
        _ => Err(Errno::EINVAL.into()),
    }
}

/// `sk_attach_filter` from `SO_ATTACH_FILTER`'s value: the `struct sock_fprog` the program
/// passed, followed by the instructions its pointer points to (which `nltwin run`'s library
/// copies from the program's memory, as `copy_from_user` would; for an option of any other
/// length than a `sock_fprog` it sends less than one, which is EINVAL here as in the kernel).
pub fn sk_attach_filter(k: &mut Kernel, sk: SockId, optval: &[u8]) -> SysResult<()> {
    // copy_bpf_fprog_from_user: the option is exactly a sock_fprog.
    if optval.len() < SOCK_FPROG_LEN {
        return Err(Errno::EINVAL.into());
    }
    let len = u16::from_ne_bytes([optval[0], optval[1]]) as usize;
    // __get_filter: a locked filter stays; a NULL program is EINVAL (bpf_check_basics_ok).
    if k.sk(sk).filter_locked {
        return Err(Errno::EPERM.into());
    }
    if optval[8..16] == [0; 8] {
        return Err(Errno::EINVAL.into());
    }
    let insns = &optval[SOCK_FPROG_LEN..];
    if insns.len() != len * 8 {
        return Err(crate::errno::unimplemented(
            "SO_ATTACH_FILTER without the program's instructions (a library that does not copy them)",
        ));
    }
    let prog: Vec<SockFilter> = insns
        .chunks_exact(8)
        .filter_map(SockFilter::parse)
        .collect();
    bpf_check_classic(&prog)?;
    k.sk_mut(sk).filter = Some(prog);
    Ok(())
}

/// `sk_detach_filter`: ENOENT without a filter, EPERM when it is locked.
pub fn sk_detach_filter(k: &mut Kernel, sk: SockId) -> Result<(), Errno> {
    let s = k.sk_mut(sk);
    if s.filter_locked {
        return Err(Errno::EPERM);
    }
    s.filter.take().map(|_| ()).ok_or(Errno::ENOENT)
}

/// `sk_filter` (`sk_filter_trim_cap` with a cap of 1): run the socket's filter on `skb`;
/// true when it drops the datagram, which is otherwise cut to the verdict's length.
pub fn sk_filter(k: &Kernel, sk: SockId, skb: &mut SkBuff) -> bool {
    let Some(prog) = &k.sk(sk).filter else {
        return false;
    };
    let verdict = bpf_prog_run(prog, skb.data());
    if verdict == 0 {
        return true;
    }
    let keep = (verdict as usize).max(1);
    if keep < skb.len() {
        skb.trim(keep);
    }
    false
}

/// `bpf_prog_run` of a checked classic program over `pkt`: its verdict (0 drops).
pub fn bpf_prog_run(prog: &[SockFilter], pkt: &[u8]) -> u32 {
    let (mut a, mut x) = (0u32, 0u32);
    let load = |off: u32, size: usize| -> Option<u32> {
        let off = off as usize;
        let b = pkt.get(off..off.checked_add(size)?)?;
        Some(b.iter().fold(0u32, |v, &byte| (v << 8) | u32::from(byte)))
    };
    let mut pc = 0;
    while let Some(f) = prog.get(pc) {
        pc += 1;
        let src = if f.code & BPF_X != 0 { x } else { f.k };
        match f.code & 0x07 {
            BPF_RET => return if f.code & 0x18 == BPF_A { a } else { f.k },
            BPF_LD | BPF_LDX if f.code & 0xe0 == BPF_IMM => {
                if f.code & 0x07 == BPF_LD {
                    a = f.k
                } else {
                    x = f.k
                }
            }
            BPF_LD | BPF_LDX if f.code & 0xe0 == BPF_LEN => {
                if f.code & 0x07 == BPF_LD {
                    a = pkt.len() as u32
                } else {
                    x = pkt.len() as u32
                }
            }
            BPF_LDX if f.code & 0xe0 == BPF_MSH => match load(f.k, 1) {
                Some(v) => x = 4 * (v & 0xf),
                None => return 0,
            },
            BPF_LD => {
                let size = match f.code & 0x18 {
                    BPF_W => 4,
                    BPF_H => 2,
                    _ => 1,
                };
                let off = if f.code & 0xe0 == BPF_IND {
                    x.wrapping_add(f.k)
                } else {
                    f.k
                };
                match load(off, size) {
                    Some(v) => a = v,
                    None => return 0,
                }
            }
            BPF_ALU => {
                a = match f.code & 0xf0 {
                    BPF_ADD => a.wrapping_add(src),
                    BPF_SUB => a.wrapping_sub(src),
                    BPF_MUL => a.wrapping_mul(src),
                    BPF_DIV if src == 0 => return 0,
                    BPF_DIV => a / src,
                    BPF_MOD if src == 0 => return 0,
                    BPF_MOD => a % src,
                    BPF_AND => a & src,
                    BPF_OR => a | src,
                    BPF_XOR => a ^ src,
                    BPF_LSH => a.wrapping_shl(src),
                    BPF_RSH => a.wrapping_shr(src),
                    _ => a.wrapping_neg(),
                }
            }
            BPF_JMP => {
                let taken = match f.code & 0xf0 {
                    BPF_JA => {
                        pc += f.k as usize;
                        continue;
                    }
                    BPF_JEQ => a == src,
                    BPF_JGT => a > src,
                    BPF_JGE => a >= src,
                    _ => a & src != 0,
                };
                pc += usize::from(if taken { f.jt } else { f.jf });
            }
            _ => {
                if f.code == BPF_MISC | BPF_TAX {
                    x = a
                } else if f.code == BPF_MISC | BPF_TXA {
                    a = x
                }
            }
        }
    }
    // A checked program ends with a return; an unchecked one falling off the end drops.
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(code: u16, jt: u8, jf: u8, k: u32) -> SockFilter {
        SockFilter { code, jt, jf, k }
    }

    #[test]
    fn checks_as_the_kernel_does() {
        assert!(bpf_check_classic(&[ins(BPF_RET | BPF_K, 0, 0, 0)]).is_ok());
        assert!(bpf_check_classic(&[]).is_err());
        // No return at the end; an unknown opcode; a jump past the end; a division by 0.
        assert!(bpf_check_classic(&[ins(BPF_LD | BPF_IMM, 0, 0, 1)]).is_err());
        assert!(bpf_check_classic(&[ins(0xffff, 0, 0, 0), ins(BPF_RET, 0, 0, 0)]).is_err());
        assert!(bpf_check_classic(&[
            ins(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 0),
            ins(BPF_RET, 0, 0, 0)
        ])
        .is_err());
        assert!(bpf_check_classic(&[
            ins(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0),
            ins(BPF_RET, 0, 0, 0)
        ])
        .is_err());
    }

    #[test]
    fn runs_loads_jumps_and_returns() {
        // Accept (whole) datagrams whose nlmsg_type (bytes 4..6, little-endian 16) is 16,
        // else drop: ldb [4]; jeq #16, accept, drop.
        let prog = [
            ins(BPF_LD | BPF_B | BPF_ABS, 0, 0, 4),
            ins(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 16),
            ins(BPF_RET | BPF_K, 0, 0, u32::MAX),
            ins(BPF_RET | BPF_K, 0, 0, 0),
        ];
        assert!(bpf_check_classic(&prog).is_ok());
        let mut pkt = [0u8; 20];
        pkt[4] = 16;
        assert_eq!(bpf_prog_run(&prog, &pkt), u32::MAX);
        pkt[4] = 17;
        assert_eq!(bpf_prog_run(&prog, &pkt), 0);
        // A load past the end ends the program with 0.
        assert_eq!(bpf_prog_run(&prog, &[0; 3]), 0);
        // Return A after A = len.
        let len = [
            ins(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0),
            ins(BPF_RET | BPF_A, 0, 0, 0),
        ];
        assert_eq!(bpf_prog_run(&len, &pkt), 20);
    }
}
