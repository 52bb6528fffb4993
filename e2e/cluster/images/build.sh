#!/usr/bin/env bash
# Builds the cluster's local images, each only if Docker lacks it or its
# definition changed: the pod sandbox, busybox for workloads and test pods,
# and the default debug image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for image in pause busybox tools; do
  "$here/$image.sh" || { echo "cluster: building the $image image failed" >&2; exit 1; }
done
