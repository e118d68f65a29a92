# Generic netlink's controller with iproute2's genl.
genl ctrl list
genl ctrl get name nlctrl
genl ctrl get id 0x10
genl ctrl get name no_such_family || echo "missing: $?"
