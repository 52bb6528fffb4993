#!/usr/bin/env bash
# Stops the local cluster: the kubelet first (so it recreates nothing), every
# pod container and the kubelet's mounts, then the control plane, then the
# Docker daemon if these scripts started it. Processes of the cluster's binaries
# started from another checkout are stopped too. `--purge` also deletes the
# cluster's state (etcd data, certificates) so the next up starts empty.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || { say "must run as root"; exit 1; }
mkdir -p "$CLUSTER_CACHE"
exec 9>"$CLUSTER_CACHE/cluster.lock"
flock -w 900 9 || { say "another cluster up/down still runs"; exit 1; }

# The demo's operator and agent first: they would only log errors without an API server.
for f in "$CLUSTER_RUN"/demo-*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'dist/\(operator\|node-agent\).cjs'; then
    say "stopping $(basename "$f" .pid) (pid $pid)"
    stop_pid "$pid" 10
  fi
  rm -f "$f"
done
for c in kubelet cri-dockerd; do stop_component "$c"; stop_strays "$c"; done
if timeout 10 docker version >/dev/null 2>&1; then
  clean_node
else
  say "Docker is not running: its pod containers are left to the next up.sh"
fi
rm -f /var/lib/kubelet/kubectl-debug-cluster
# The API server and its two clients stop side by side, etcd after them.
for c in kube-scheduler kube-controller-manager kube-apiserver; do
  (stop_component "$c"; stop_strays "$c") &
done
wait
stop_component etcd; stop_strays etcd
# dockerd only if these scripts started it (its label says so); a Docker the
# machine runs anyway stays.
if [ -f /var/run/docker.pid ]; then
  pid=$(cat /var/run/docker.pid)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--label=kubectl-debug.local/cluster=1'; then
    say "stopping dockerd (pid $pid)"
    stop_pid "$pid" 60
  fi
fi
rm -f "$CLUSTER_RUN/dockerd.pid"
if [ "${1:-}" = --purge ]; then rm -rf "$CLUSTER_DIR"; fi
say "down"
