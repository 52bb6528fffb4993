# Paths of the local test cluster, for scripts and shells to source:
#   . e2e/cluster/env.sh
# Everything the cluster writes for one checkout lives under <repo>/.cluster;
# binaries and image sources are cached per machine, outside any checkout.
CLUSTER_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER_DIR="$CLUSTER_REPO/.cluster"
CLUSTER_LOGS="$CLUSTER_DIR/logs"
CLUSTER_RUN="$CLUSTER_DIR/run"
CLUSTER_PKI="$CLUSTER_DIR/pki"
CLUSTER_CACHE="${KUBECTL_DEBUG_CACHE:-$HOME/.cache/kubectl-debug}"
# up.sh points this link at the binaries build.sh made.
CLUSTER_BIN="$CLUSTER_DIR/bin"
export KUBECONFIG="$CLUSTER_DIR/kubeconfig"
export KUBECTL="$CLUSTER_BIN/kubectl"
