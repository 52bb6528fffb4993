# Functions shared by up.sh and down.sh: running the cluster's daemons as
# plain background processes (there is no service manager on these machines).
# Expects env.sh to be sourced first.

say() { echo "cluster: $*" >&2; }

# Prints the last lines of a component's log and exits: a failed start names
# the component and shows why, instead of leaving a silent half-started cluster.
fail() { # component message
  say "FAILED: $1: $2"
  if [ -f "$CLUSTER_LOGS/$1.log" ]; then
    say "last lines of $CLUSTER_LOGS/$1.log:"
    tail -n 30 "$CLUSTER_LOGS/$1.log" >&2
  fi
  exit 1
}

# Retries a command until it succeeds or the time is up.
wait_until() { # seconds command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# The pid recorded for a component, if that process is alive and is the
# component's binary (a pid file that outlived a reboot may name an unrelated
# process). With a command given, the process must also run exactly that
# command line: it names this checkout's .cluster paths and the binary's cache
# key, so a process of another checkout, an older build or older flags does
# not count.
running_pid() { # component [command...]
  local name=$1 pidfile="$CLUSTER_RUN/$1.pid" pid exe; shift
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [ "${exe##*/}" = "$name" ] || return 1
  if [ $# -gt 0 ]; then
    [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "$* " ] || return 1
  fi
  echo "$pid"
}

# Whether the process a pid file names still runs (just started, it may not
# have exec'd the component's binary yet).
alive() { # component
  local pid
  pid=$(cat "$CLUSTER_RUN/$1.pid" 2>/dev/null) && [ -n "$pid" ] &&
    [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

# Sends SIGTERM, waits a bounded time, then SIGKILL.
stop_pid() { # pid [seconds]
  local pid=$1 deadline=$((SECONDS + ${2:-20}))
  kill "$pid" 2>/dev/null || return 0
  while [ -e "/proc/$pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.1; done
}

# How long a component may take to stop on SIGTERM. The API server waits for
# open requests (watches, exec sessions) to end; it keeps no state of its own,
# so a few seconds of that are enough.
grace() { # component
  case "$1" in kube-apiserver) echo 5 ;; *) echo 20 ;; esac
}

stop_component() { # component
  local pid
  if pid=$(running_pid "$1"); then say "stopping $1 (pid $pid)"; stop_pid "$pid" "$(grace "$1")"; fi
  rm -f "$CLUSTER_RUN/$1.pid"
}

# Pids of processes that run a binary from the cluster cache, whatever checkout
# started them: a crashed run or another clone may have left them holding the
# cluster's fixed ports. Only one cluster runs per machine.
cache_pids() { # component
  local exe p
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$exe" in
      "$CLUSTER_CACHE"/cluster-*/bin/"$1" | "$CLUSTER_CACHE"/cluster-*/bin/"$1 (deleted)") echo "${p#/proc/}" ;;
    esac
  done
}

stop_strays() { # component
  local pid
  for pid in $(cache_pids "$1"); do
    say "stopping leftover $1 (pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120))"
    stop_pid "$pid" "$(grace "$1")"
  done
}

# Starts a daemon in its own session, so it outlives the shell that ran
# up.sh, with its output appended to .cluster/logs/<component>.log.
start_daemon() { # component command...
  local name=$1; shift
  mkdir -p "$CLUSTER_LOGS" "$CLUSTER_RUN"
  # Keeps one older log once a log passes 50 MB, so logs stay bounded.
  if [ "$(stat -c %s "$CLUSTER_LOGS/$name.log" 2>/dev/null || echo 0)" -gt 52428800 ]; then
    mv "$CLUSTER_LOGS/$name.log" "$CLUSTER_LOGS/$name.log.1"
  fi
  echo "---- $(date -Is) starting: $*" >>"$CLUSTER_LOGS/$name.log"
  # fd 9 is up.sh's lock: the daemon must not keep holding it.
  setsid "$@" >>"$CLUSTER_LOGS/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$CLUSTER_RUN/$name.pid"
}

# Keeps a component that runs the wanted command once it is healthy (it may
# be catching up, e.g. the API server after an etcd restart); otherwise
# replaces whatever runs in its place and waits for the new one to become
# healthy.
ensure_daemon() { # component timeout health-command... -- command...
  local name=$1 timeout=$2 health=()
  shift 2
  while [ "$1" != "--" ]; do health+=("$1"); shift; done
  shift
  # A process that runs the wanted command but lost its pid file (or has a
  # wrong one) is adopted rather than restarted.
  if ! running_pid "$name" "$@" >/dev/null; then
    local pid
    for pid in $(cache_pids "$name"); do
      if [ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "$* " ]; then
        echo "$pid" >"$CLUSTER_RUN/$name.pid"
        break
      fi
    done
  fi
  if running_pid "$name" "$@" >/dev/null; then
    wait_until "$timeout" "${health[@]}" && return 0
    say "$name runs but is not healthy after ${timeout}s"
  fi
  stop_component "$name"
  stop_strays "$name"
  say "starting $name"
  start_daemon "$name" "$@"
  local deadline=$((SECONDS + timeout))
  until "${health[@]}" >/dev/null 2>&1; do
    alive "$name" || fail "$name" "process exited"
    [ $SECONDS -lt $deadline ] || fail "$name" "not healthy after ${timeout}s"
    sleep 0.5
  done
}

# Removes what pods leave on the node: Docker containers the kubelet made
# (cri-dockerd names them k8s_*), then the kubelet's mounts and pod
# directories. Run only with the kubelet and cri-dockerd stopped, so nothing
# recreates them meanwhile.
clean_node() {
  local ids mounts
  ids=$(docker ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null | awk '$2 ~ /^k8s_/ {print $1}')
  if [ -n "$ids" ]; then
    say "removing $(echo "$ids" | wc -l) pod containers"
    # shellcheck disable=SC2086
    docker rm -f -v $ids >/dev/null
  fi
  # Deepest first, so nested mounts come off before their parents; the last
  # is the bind mount of /var/lib/kubelet onto itself that the kubelet makes.
  mounts=$(awk '$5 ~ "^/var/lib/kubelet(/|$)" {print $5}' /proc/self/mountinfo | sort -r)
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system /var/lib/kubelet/pods
}
