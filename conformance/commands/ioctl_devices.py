"""The device ioctls programs make on ordinary sockets (net/core/dev_ioctl.c, devinet_ioctl),
and glibc's interface-name functions built on them: printed for the commands scenario
ioctl_devices.sh. Standard library only."""
import array
import fcntl
import socket
import struct

SIOCGIFNAME, SIOCGIFCONF, SIOCGIFFLAGS = 0x8910, 0x8912, 0x8913
SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK = 0x8915, 0x8917, 0x8919, 0x891B
SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFSLAVE = 0x891D, 0x8921, 0x8927, 0x8929
SIOCGIFINDEX, SIOCGIFPFLAGS, SIOCGIFCOUNT, SIOCGIFTXQLEN, SIOCGIFMAP = (
    0x8933, 0x8935, 0x8938, 0x8942, 0x8970)

print("if_nametoindex", [socket.if_nametoindex(n) for n in ("lo", "va", "vb", "br0")])
for bad in ("nope", "x" * 16):
    try:
        socket.if_nametoindex(bad)
    except OSError as e:
        print("if_nametoindex", len(bad), e)
print("if_indextoname", [socket.if_indextoname(i) for i in (1, 2, 3, 4, 20)])
try:
    socket.if_indextoname(99)
except OSError as e:
    print("if_indextoname 99", e)
print("if_nameindex", socket.if_nameindex())

GETTERS = [("flags", SIOCGIFFLAGS), ("metric", SIOCGIFMETRIC), ("mtu", SIOCGIFMTU),
           ("qlen", SIOCGIFTXQLEN), ("hwaddr", SIOCGIFHWADDR), ("map", SIOCGIFMAP),
           ("index", SIOCGIFINDEX), ("slave", SIOCGIFSLAVE), ("count", SIOCGIFCOUNT)]
INET = [("addr", SIOCGIFADDR), ("dstaddr", SIOCGIFDSTADDR), ("brdaddr", SIOCGIFBRDADDR),
        ("netmask", SIOCGIFNETMASK), ("pflags", SIOCGIFPFLAGS)]
NAMES = [b"lo", b"va", b"va:two", b"va:none", b"vb", b"br0", b"bx", b"nope"]


def show(sock, what, cmd, name, fill=b"\xaa" * 24):
    try:
        out = fcntl.ioctl(sock, cmd, struct.pack("16s24s", name, fill))
        print(what, name.decode(), out[16:].hex())
    except OSError as e:
        print(what, name.decode(), e.strerror)


families = [("inet", socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
            ("inet6", socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
            ("unix", socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)),
            ("netlink", socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))]
for fam, s in families:
    print("--", fam)
    for what, cmd in GETTERS + INET:
        for name in NAMES:
            show(s, what, cmd, name)
    # An address match: the label's address whose sin_addr equals the one passed.
    show(s, "addr-match", SIOCGIFADDR, b"va",
         struct.pack("HH4s16s", socket.AF_INET, 0, socket.inet_aton("10.0.0.1"), b""))
    for index in (1, 2, 3, 99):
        try:
            out = fcntl.ioctl(s, SIOCGIFNAME, struct.pack("16si20s", b"\xbb" * 16, index, b""))
            print("name", index, out.hex())
        except OSError as e:
            print("name", index, e.strerror)
    for length in (0, 40, 100, 400):
        buf = array.array("B", b"\xcc" * 400)
        out = fcntl.ioctl(s, SIOCGIFCONF, struct.pack("iiQ", length, 0, buf.buffer_info()[0]))
        got = struct.unpack("iiQ", out)[0]
        print("conf", length, got, bytes(buf)[:got].hex())
    out = fcntl.ioctl(s, SIOCGIFCONF, struct.pack("iiQ", 0, 0, 0))
    print("conf null", struct.unpack("iiQ", out)[0])
    for cmd in (0x541B, 0x8947):  # FIONREAD, SIOCGMIIPHY
        try:
            print(hex(cmd), fcntl.ioctl(s, cmd, struct.pack("16s24s", b"va", b"")).hex())
        except OSError as e:
            print(hex(cmd), e.strerror)
