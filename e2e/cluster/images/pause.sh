#!/usr/bin/env bash
# Builds registry.k8s.io/pause:3.10, the sandbox image cri-dockerd uses for
# every pod, from the static Go program in pause/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
name=registry.k8s.io/pause:3.10
hash=$(image_hash "$here/pause.sh" "$here/pause/go.mod" "$here/pause/main.go")
image_current "$name" "$hash" && exit 0

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
(cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$root/pause" .)
import_rootfs "$root" "$name" "$hash" 'ENTRYPOINT ["/pause"]'
