# `ip monitor link` beside another process's changes: the notifications it prints.
# Its output file in a directory of its own (the scripts' directory need not be writable).
out=$(mktemp -d)
ip -o monitor link > "$out/monitor.out" &
pid=$!
sleep 0.3
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va mtu 1400
ip link set va name vx
ip link del vx
sleep 0.3
kill $pid
cat "$out/monitor.out"
rm -rf "$out"
