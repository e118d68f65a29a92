# Device ioctls on ordinary sockets (AF_INET, AF_INET6, AF_UNIX, and netlink's own) and glibc's
# if_nametoindex / if_indextoname / if_nameindex: the namespace's devices and IPv4 addresses as
# the kernel's dev_ioctl and devinet_ioctl answer them (SIOCGIFCONF in the order devices were
# registered: bx, made with index 20, before br0, index 4); then `ip -6 addr show`, which asks
# SIOCGIFTXQLEN when IPv6's link messages carry no IFLA_TXQLEN. Python: $NLTWIN_PYTHON, else python3
# (standard library only).
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link add bx index 20 address 02:00:00:00:00:14 type bridge mcast_snooping 0
ip link add br0 address 02:00:00:00:00:0c type bridge mcast_snooping 0
ip link set va addrgenmode none
ip link set va up
ip addr add 10.0.0.1/24 dev va
ip addr add 10.0.0.2/24 brd + dev va label va:two
ip addr add 10.9.0.1 peer 10.9.0.2/32 dev va
ip link set vb mtu 1400
ip addr add 192.0.2.1/24 dev br0
ip addr add 192.0.2.20/24 dev bx
"${NLTWIN_PYTHON:-python3}" ioctl_devices.py
ip -6 addr show
