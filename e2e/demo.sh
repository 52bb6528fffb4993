#!/usr/bin/env bash
# The main job on a fresh machine: the local cluster, the DebugSession CRD,
# the operator and the node agent (as background processes), a sample pod
# whose image has no tools, and a debug shell in it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash e2e/cluster/up.sh
export KUBECONFIG="$root/.cluster/kubeconfig"
export PATH="$(bash e2e/cluster/build.sh):$root/bin:$PATH"

kubectl apply --server-side --force-conflicts -f config/crd/debugsessions.yaml >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/debugsessions.debug.kubectl-debug.dev >/dev/null
kubectl create namespace kubectl-debug-system --dry-run=client -o yaml | kubectl apply -f - >/dev/null
node scripts/build.mjs

# Starts a program in the background once; cluster:down stops it (pid file under .cluster/run).
start() { # name "node flags" bundle args...
  local name=$1 flags=$2 bundle=$3; shift 3
  local pidfile="$root/.cluster/run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  mkdir -p "$root/.cluster/run" "$root/.cluster/logs"
  # shellcheck disable=SC2086 # the flags are words
  setsid node $flags "$root/dist/$bundle" "$@" >>"$root/.cluster/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
}
start demo-operator "" operator.cjs --health-addr 127.0.0.1:18081 --metrics-addr 127.0.0.1:18080
start demo-agent "$(grep -v '^#' config/images/agent.node-flags)" node-agent.cjs --node-name 127.0.0.1 --listen 127.0.0.1:10027 --state-dir "$root/.cluster/agent-state"

kubectl apply -f config/samples/web-pod.yaml >/dev/null
kubectl wait --for=condition=Ready --timeout=120s pod/web >/dev/null
echo "The sample pod 'web' runs busybox httpd; its image has no tools."
echo "Operator and agent logs: .cluster/logs/demo-operator.log, .cluster/logs/demo-agent.log"
cmd=(kubectl-debug web)
if [ -t 0 ] && [ -t 1 ]; then
  echo "Opening: ${cmd[*]}   (try: ps aux; ss -ltnp; curl -s 127.0.0.1:8080/ | head; exit)"
  exec "${cmd[@]}"
fi
echo "No terminal here; to open a debug shell run:"
echo "  export KUBECONFIG=$KUBECONFIG PATH=$root/bin:\$PATH"
echo "  ${cmd[*]}"
echo "A one-shot command, right now:"
"${cmd[@]}" -- ps aux
