//! Error numbers as Linux defines them (`include/uapi/asm-generic/errno*.h`).
//!
//! The model returns these values exactly where the kernel returns them. They are numbered as on
//! Linux whatever the host, so the model runs unchanged on other systems.

use std::fmt;

/// A Linux errno value (positive, as userspace sees it).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(pub i32);

impl Errno {
    /// `EPERM` (1).
    pub const EPERM: Errno = Errno(1);
    /// `ENOENT` (2).
    pub const ENOENT: Errno = Errno(2);
    /// `ESRCH` (3).
    pub const ESRCH: Errno = Errno(3);
    /// `EINTR` (4).
    pub const EINTR: Errno = Errno(4);
    /// `EIO` (5).
    pub const EIO: Errno = Errno(5);
    /// `ENXIO` (6).
    pub const ENXIO: Errno = Errno(6);
    /// `E2BIG` (7).
    pub const E2BIG: Errno = Errno(7);
    /// `ENOEXEC` (8).
    pub const ENOEXEC: Errno = Errno(8);
    /// `EBADF` (9).
    pub const EBADF: Errno = Errno(9);
    /// `ECHILD` (10).
    pub const ECHILD: Errno = Errno(10);
    /// `EAGAIN` (11).
    pub const EAGAIN: Errno = Errno(11);
    /// `ENOMEM` (12).
    pub const ENOMEM: Errno = Errno(12);
    /// `EACCES` (13).
    pub const EACCES: Errno = Errno(13);
    /// `EFAULT` (14).
    pub const EFAULT: Errno = Errno(14);
    /// `ENOTBLK` (15).
    pub const ENOTBLK: Errno = Errno(15);
    /// `EBUSY` (16).
    pub const EBUSY: Errno = Errno(16);
    /// `EEXIST` (17).
    pub const EEXIST: Errno = Errno(17);
    /// `EXDEV` (18).
    pub const EXDEV: Errno = Errno(18);
    /// `ENODEV` (19).
    pub const ENODEV: Errno = Errno(19);
    /// `ENOTDIR` (20).
    pub const ENOTDIR: Errno = Errno(20);
    /// `EISDIR` (21).
    pub const EISDIR: Errno = Errno(21);
    /// `EINVAL` (22).
    pub const EINVAL: Errno = Errno(22);
    /// `ENFILE` (23).
    pub const ENFILE: Errno = Errno(23);
    /// `EMFILE` (24).
    pub const EMFILE: Errno = Errno(24);
    /// `ENOTTY` (25).
    pub const ENOTTY: Errno = Errno(25);
    /// `ETXTBSY` (26).
    pub const ETXTBSY: Errno = Errno(26);
    /// `EFBIG` (27).
    pub const EFBIG: Errno = Errno(27);
    /// `ENOSPC` (28).
    pub const ENOSPC: Errno = Errno(28);
    /// `ESPIPE` (29).
    pub const ESPIPE: Errno = Errno(29);
    /// `EROFS` (30).
    pub const EROFS: Errno = Errno(30);
    /// `EMLINK` (31).
    pub const EMLINK: Errno = Errno(31);
    /// `EPIPE` (32).
    pub const EPIPE: Errno = Errno(32);
    /// `EDOM` (33).
    pub const EDOM: Errno = Errno(33);
    /// `ERANGE` (34).
    pub const ERANGE: Errno = Errno(34);
    /// `EDEADLK` (35).
    pub const EDEADLK: Errno = Errno(35);
    /// `ENAMETOOLONG` (36).
    pub const ENAMETOOLONG: Errno = Errno(36);
    /// `ENOLCK` (37).
    pub const ENOLCK: Errno = Errno(37);
    /// `ENOSYS` (38).
    pub const ENOSYS: Errno = Errno(38);
    /// `ENOTEMPTY` (39).
    pub const ENOTEMPTY: Errno = Errno(39);
    /// `ELOOP` (40).
    pub const ELOOP: Errno = Errno(40);
    /// `ENOMSG` (42).
    pub const ENOMSG: Errno = Errno(42);
    /// `EIDRM` (43).
    pub const EIDRM: Errno = Errno(43);
    /// `ECHRNG` (44).
    pub const ECHRNG: Errno = Errno(44);
    /// `EL2NSYNC` (45).
    pub const EL2NSYNC: Errno = Errno(45);
    /// `EL3HLT` (46).
    pub const EL3HLT: Errno = Errno(46);
    /// `EL3RST` (47).
    pub const EL3RST: Errno = Errno(47);
    /// `ELNRNG` (48).
    pub const ELNRNG: Errno = Errno(48);
    /// `EUNATCH` (49).
    pub const EUNATCH: Errno = Errno(49);
    /// `ENOCSI` (50).
    pub const ENOCSI: Errno = Errno(50);
    /// `EL2HLT` (51).
    pub const EL2HLT: Errno = Errno(51);
    /// `EBADE` (52).
    pub const EBADE: Errno = Errno(52);
    /// `EBADR` (53).
    pub const EBADR: Errno = Errno(53);
    /// `EXFULL` (54).
    pub const EXFULL: Errno = Errno(54);
    /// `ENOANO` (55).
    pub const ENOANO: Errno = Errno(55);
    /// `EBADRQC` (56).
    pub const EBADRQC: Errno = Errno(56);
    /// `EBADSLT` (57).
    pub const EBADSLT: Errno = Errno(57);
    /// `EBFONT` (59).
    pub const EBFONT: Errno = Errno(59);
    /// `ENOSTR` (60).
    pub const ENOSTR: Errno = Errno(60);
    /// `ENODATA` (61).
    pub const ENODATA: Errno = Errno(61);
    /// `ETIME` (62).
    pub const ETIME: Errno = Errno(62);
    /// `ENOSR` (63).
    pub const ENOSR: Errno = Errno(63);
    /// `ENONET` (64).
    pub const ENONET: Errno = Errno(64);
    /// `ENOPKG` (65).
    pub const ENOPKG: Errno = Errno(65);
    /// `EREMOTE` (66).
    pub const EREMOTE: Errno = Errno(66);
    /// `ENOLINK` (67).
    pub const ENOLINK: Errno = Errno(67);
    /// `EADV` (68).
    pub const EADV: Errno = Errno(68);
    /// `ESRMNT` (69).
    pub const ESRMNT: Errno = Errno(69);
    /// `ECOMM` (70).
    pub const ECOMM: Errno = Errno(70);
    /// `EPROTO` (71).
    pub const EPROTO: Errno = Errno(71);
    /// `EMULTIHOP` (72).
    pub const EMULTIHOP: Errno = Errno(72);
    /// `EDOTDOT` (73).
    pub const EDOTDOT: Errno = Errno(73);
    /// `EBADMSG` (74).
    pub const EBADMSG: Errno = Errno(74);
    /// `EOVERFLOW` (75).
    pub const EOVERFLOW: Errno = Errno(75);
    /// `ENOTUNIQ` (76).
    pub const ENOTUNIQ: Errno = Errno(76);
    /// `EBADFD` (77).
    pub const EBADFD: Errno = Errno(77);
    /// `EREMCHG` (78).
    pub const EREMCHG: Errno = Errno(78);
    /// `ELIBACC` (79).
    pub const ELIBACC: Errno = Errno(79);
    /// `ELIBBAD` (80).
    pub const ELIBBAD: Errno = Errno(80);
    /// `ELIBSCN` (81).
    pub const ELIBSCN: Errno = Errno(81);
    /// `ELIBMAX` (82).
    pub const ELIBMAX: Errno = Errno(82);
    /// `ELIBEXEC` (83).
    pub const ELIBEXEC: Errno = Errno(83);
    /// `EILSEQ` (84).
    pub const EILSEQ: Errno = Errno(84);
    /// `ERESTART` (85).
    pub const ERESTART: Errno = Errno(85);
    /// `ESTRPIPE` (86).
    pub const ESTRPIPE: Errno = Errno(86);
    /// `EUSERS` (87).
    pub const EUSERS: Errno = Errno(87);
    /// `ENOTSOCK` (88).
    pub const ENOTSOCK: Errno = Errno(88);
    /// `EDESTADDRREQ` (89).
    pub const EDESTADDRREQ: Errno = Errno(89);
    /// `EMSGSIZE` (90).
    pub const EMSGSIZE: Errno = Errno(90);
    /// `EPROTOTYPE` (91).
    pub const EPROTOTYPE: Errno = Errno(91);
    /// `ENOPROTOOPT` (92).
    pub const ENOPROTOOPT: Errno = Errno(92);
    /// `EPROTONOSUPPORT` (93).
    pub const EPROTONOSUPPORT: Errno = Errno(93);
    /// `ESOCKTNOSUPPORT` (94).
    pub const ESOCKTNOSUPPORT: Errno = Errno(94);
    /// `EOPNOTSUPP` (95).
    pub const EOPNOTSUPP: Errno = Errno(95);
    /// `EPFNOSUPPORT` (96).
    pub const EPFNOSUPPORT: Errno = Errno(96);
    /// `EAFNOSUPPORT` (97).
    pub const EAFNOSUPPORT: Errno = Errno(97);
    /// `EADDRINUSE` (98).
    pub const EADDRINUSE: Errno = Errno(98);
    /// `EADDRNOTAVAIL` (99).
    pub const EADDRNOTAVAIL: Errno = Errno(99);
    /// `ENETDOWN` (100).
    pub const ENETDOWN: Errno = Errno(100);
    /// `ENETUNREACH` (101).
    pub const ENETUNREACH: Errno = Errno(101);
    /// `ENETRESET` (102).
    pub const ENETRESET: Errno = Errno(102);
    /// `ECONNABORTED` (103).
    pub const ECONNABORTED: Errno = Errno(103);
    /// `ECONNRESET` (104).
    pub const ECONNRESET: Errno = Errno(104);
    /// `ENOBUFS` (105).
    pub const ENOBUFS: Errno = Errno(105);
    /// `EISCONN` (106).
    pub const EISCONN: Errno = Errno(106);
    /// `ENOTCONN` (107).
    pub const ENOTCONN: Errno = Errno(107);
    /// `ESHUTDOWN` (108).
    pub const ESHUTDOWN: Errno = Errno(108);
    /// `ETOOMANYREFS` (109).
    pub const ETOOMANYREFS: Errno = Errno(109);
    /// `ETIMEDOUT` (110).
    pub const ETIMEDOUT: Errno = Errno(110);
    /// `ECONNREFUSED` (111).
    pub const ECONNREFUSED: Errno = Errno(111);
    /// `EHOSTDOWN` (112).
    pub const EHOSTDOWN: Errno = Errno(112);
    /// `EHOSTUNREACH` (113).
    pub const EHOSTUNREACH: Errno = Errno(113);
    /// `EALREADY` (114).
    pub const EALREADY: Errno = Errno(114);
    /// `EINPROGRESS` (115).
    pub const EINPROGRESS: Errno = Errno(115);
    /// `ESTALE` (116).
    pub const ESTALE: Errno = Errno(116);
    /// `EUCLEAN` (117).
    pub const EUCLEAN: Errno = Errno(117);
    /// `ENOTNAM` (118).
    pub const ENOTNAM: Errno = Errno(118);
    /// `ENAVAIL` (119).
    pub const ENAVAIL: Errno = Errno(119);
    /// `EISNAM` (120).
    pub const EISNAM: Errno = Errno(120);
    /// `EREMOTEIO` (121).
    pub const EREMOTEIO: Errno = Errno(121);
    /// `EDQUOT` (122).
    pub const EDQUOT: Errno = Errno(122);
    /// `ENOMEDIUM` (123).
    pub const ENOMEDIUM: Errno = Errno(123);
    /// `EMEDIUMTYPE` (124).
    pub const EMEDIUMTYPE: Errno = Errno(124);
    /// `ECANCELED` (125).
    pub const ECANCELED: Errno = Errno(125);
    /// `ENOKEY` (126).
    pub const ENOKEY: Errno = Errno(126);
    /// `EKEYEXPIRED` (127).
    pub const EKEYEXPIRED: Errno = Errno(127);
    /// `EKEYREVOKED` (128).
    pub const EKEYREVOKED: Errno = Errno(128);
    /// `EKEYREJECTED` (129).
    pub const EKEYREJECTED: Errno = Errno(129);
    /// `EOWNERDEAD` (130).
    pub const EOWNERDEAD: Errno = Errno(130);
    /// `ENOTRECOVERABLE` (131).
    pub const ENOTRECOVERABLE: Errno = Errno(131);
    /// `ERFKILL` (132).
    pub const ERFKILL: Errno = Errno(132);

    /// The symbolic name (`"EINVAL"`), or `None` for a number Linux does not define.
    pub fn name(self) -> Option<&'static str> {
        NAMES.iter().find(|(n, _)| *n == self.0).map(|(_, s)| *s)
    }

    /// The errno whose symbolic name is `name` (`"EINVAL"`), if Linux defines it.
    pub fn from_name(name: &str) -> Option<Errno> {
        NAMES
            .iter()
            .find(|(_, s)| *s == name)
            .map(|(n, _)| Errno(*n))
    }

    /// The value as a kernel return code (`-errno`).
    pub fn as_neg(self) -> i32 {
        -self.0
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "errno {}", self.0),
        }
    }
}

impl std::error::Error for Errno {}

/// Every errno Linux defines, by number (aliases such as EWOULDBLOCK appear under their primary name).
const NAMES: &[(i32, &str)] = &[
    (1, "EPERM"),
    (2, "ENOENT"),
    (3, "ESRCH"),
    (4, "EINTR"),
    (5, "EIO"),
    (6, "ENXIO"),
    (7, "E2BIG"),
    (8, "ENOEXEC"),
    (9, "EBADF"),
    (10, "ECHILD"),
    (11, "EAGAIN"),
    (12, "ENOMEM"),
    (13, "EACCES"),
    (14, "EFAULT"),
    (15, "ENOTBLK"),
    (16, "EBUSY"),
    (17, "EEXIST"),
    (18, "EXDEV"),
    (19, "ENODEV"),
    (20, "ENOTDIR"),
    (21, "EISDIR"),
    (22, "EINVAL"),
    (23, "ENFILE"),
    (24, "EMFILE"),
    (25, "ENOTTY"),
    (26, "ETXTBSY"),
    (27, "EFBIG"),
    (28, "ENOSPC"),
    (29, "ESPIPE"),
    (30, "EROFS"),
    (31, "EMLINK"),
    (32, "EPIPE"),
    (33, "EDOM"),
    (34, "ERANGE"),
    (35, "EDEADLK"),
    (36, "ENAMETOOLONG"),
    (37, "ENOLCK"),
    (38, "ENOSYS"),
    (39, "ENOTEMPTY"),
    (40, "ELOOP"),
    (42, "ENOMSG"),
    (43, "EIDRM"),
    (44, "ECHRNG"),
    (45, "EL2NSYNC"),
    (46, "EL3HLT"),
    (47, "EL3RST"),
    (48, "ELNRNG"),
    (49, "EUNATCH"),
    (50, "ENOCSI"),
    (51, "EL2HLT"),
    (52, "EBADE"),
    (53, "EBADR"),
    (54, "EXFULL"),
    (55, "ENOANO"),
    (56, "EBADRQC"),
    (57, "EBADSLT"),
    (59, "EBFONT"),
    (60, "ENOSTR"),
    (61, "ENODATA"),
    (62, "ETIME"),
    (63, "ENOSR"),
    (64, "ENONET"),
    (65, "ENOPKG"),
    (66, "EREMOTE"),
    (67, "ENOLINK"),
    (68, "EADV"),
    (69, "ESRMNT"),
    (70, "ECOMM"),
    (71, "EPROTO"),
    (72, "EMULTIHOP"),
    (73, "EDOTDOT"),
    (74, "EBADMSG"),
    (75, "EOVERFLOW"),
    (76, "ENOTUNIQ"),
    (77, "EBADFD"),
    (78, "EREMCHG"),
    (79, "ELIBACC"),
    (80, "ELIBBAD"),
    (81, "ELIBSCN"),
    (82, "ELIBMAX"),
    (83, "ELIBEXEC"),
    (84, "EILSEQ"),
    (85, "ERESTART"),
    (86, "ESTRPIPE"),
    (87, "EUSERS"),
    (88, "ENOTSOCK"),
    (89, "EDESTADDRREQ"),
    (90, "EMSGSIZE"),
    (91, "EPROTOTYPE"),
    (92, "ENOPROTOOPT"),
    (93, "EPROTONOSUPPORT"),
    (94, "ESOCKTNOSUPPORT"),
    (95, "EOPNOTSUPP"),
    (96, "EPFNOSUPPORT"),
    (97, "EAFNOSUPPORT"),
    (98, "EADDRINUSE"),
    (99, "EADDRNOTAVAIL"),
    (100, "ENETDOWN"),
    (101, "ENETUNREACH"),
    (102, "ENETRESET"),
    (103, "ECONNABORTED"),
    (104, "ECONNRESET"),
    (105, "ENOBUFS"),
    (106, "EISCONN"),
    (107, "ENOTCONN"),
    (108, "ESHUTDOWN"),
    (109, "ETOOMANYREFS"),
    (110, "ETIMEDOUT"),
    (111, "ECONNREFUSED"),
    (112, "EHOSTDOWN"),
    (113, "EHOSTUNREACH"),
    (114, "EALREADY"),
    (115, "EINPROGRESS"),
    (116, "ESTALE"),
    (117, "EUCLEAN"),
    (118, "ENOTNAM"),
    (119, "ENAVAIL"),
    (120, "EISNAM"),
    (121, "EREMOTEIO"),
    (122, "EDQUOT"),
    (123, "ENOMEDIUM"),
    (124, "EMEDIUMTYPE"),
    (125, "ECANCELED"),
    (126, "ENOKEY"),
    (127, "EKEYEXPIRED"),
    (128, "EKEYREVOKED"),
    (129, "EKEYREJECTED"),
    (130, "EOWNERDEAD"),
    (131, "ENOTRECOVERABLE"),
    (132, "ERFKILL"),
];

/// What a modeled system call can fail with: an errno the kernel would return, or an honest
/// statement that the model does not implement the path the call took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysError {
    /// The kernel's answer: an errno.
    Errno(Errno),
    /// The model does not implement this path; the string names what is missing.
    Unimplemented(&'static str),
}

impl From<Errno> for SysError {
    fn from(e: Errno) -> Self {
        SysError::Errno(e)
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SysError::Errno(e) => write!(f, "{e}"),
            SysError::Unimplemented(what) => write!(f, "not implemented in the model: {what}"),
        }
    }
}

impl std::error::Error for SysError {}

/// The result of a modeled system call.
pub type SysResult<T> = Result<T, SysError>;
