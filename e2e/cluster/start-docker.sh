#!/usr/bin/env bash
# Makes sure a responsive Docker daemon serves /var/run/docker.sock. A Docker
# that this machine runs anyway is used as it is; otherwise dockerd is started
# with no bridge, no iptables rules, no masquerading and no forwarding (pods
# get loopback-only networks, and nothing may reach beyond this machine),
# listening on its unix socket only, with runc-oom.sh as its OCI runtime.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
. "$here/lib.sh"

docker_ok() { timeout 10 docker version -f '{{.Server.Version}}' >/dev/null 2>&1; }

# The runtime wrapper lives in the machine-wide cache, so the daemon does not
# depend on a checkout that may be deleted while it runs.
runtime="$CLUSTER_CACHE/bin/runc-oom"
if ! cmp -s "$here/runc-oom.sh" "$runtime"; then
  mkdir -p "$CLUSTER_CACHE/bin"
  cp "$here/runc-oom.sh" "$runtime.tmp" && chmod +x "$runtime.tmp" && mv "$runtime.tmp" "$runtime"
fi
# The label marks a daemon started by these scripts.
marker=kubectl-debug.local/cluster=1
cmd=(dockerd --host=unix:///var/run/docker.sock --pidfile=/var/run/docker.pid --label=$marker
  --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false
  --userland-proxy=false --add-runtime=runc-oom="$runtime" --default-runtime=runc-oom)

# The running daemon, as named by Docker's own pid file.
pid=""
if [ -f /var/run/docker.pid ]; then
  pid=$(cat /var/run/docker.pid)
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || pid=""
fi
if [ -n "$pid" ]; then
  current=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  [ "$current" = "${cmd[*]} " ] && docker_ok && exit 0
  case "$current" in
    *"--label=$marker"*) ;; # ours, but older flags or not answering: replace it
    *) if docker_ok; then
        say "using the Docker daemon that runs already (pid $pid), as it is"
        exit 0
      fi ;;
  esac
  say "replacing dockerd (pid $pid)"
  stop_pid "$pid" 60
elif docker_ok; then
  exit 0 # a daemon this machine manages, without Docker's default pid file
fi
say "starting dockerd"
start_daemon dockerd "${cmd[@]}"
wait_until 60 docker_ok || {
  alive dockerd || fail dockerd "process exited"
  fail dockerd "not answering after 60s"
}
