#!/usr/bin/env bash
# Builds a small "cluster" inside the current (unshared) user, network and mount namespaces:
# one named network namespace per node, each with its own eth0 at 10.77.0.<2+i>/24, all on
# one bridge, then runs the driver in the last node's namespace. Run it through
#   unshare --user --map-root-user --net --mount --pid --fork --kill-child bash nodes.sh NODE... -- CMD...
# so that everything it starts dies with the unshare process (the pid namespace's init exits).
set -euo pipefail

nodes=()
while [[ $# -gt 0 && $1 != "--" ]]; do nodes+=("$1"); shift; done
[[ ${1:-} == "--" ]] || { echo "usage: nodes.sh NODE... -- CMD..." >&2; exit 2; }
shift

# `ip netns add` keeps its handles under /run/netns: a private tmpfs, writable in this mount ns.
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
ip link set lo up
ip link add br0 type bridge
ip link set br0 up

i=2
for node in "${nodes[@]}"; do
  ip netns add "$node"
  ip link add "v-$node" type veth peer name eth0 netns "$node"
  ip link set "v-$node" master br0 up
  ip -n "$node" addr add "10.77.0.$i/24" dev eth0
  ip -n "$node" link set eth0 up
  ip -n "$node" link set lo up
  echo "node $node 10.77.0.$i" >&2
  i=$((i + 1))
done

exec ip netns exec "${nodes[-1]}" "$@"
