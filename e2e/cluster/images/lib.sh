# Shared by the image scripts (which set $here to their directory). Images are imported from local root file
# systems (no registry exists, nothing can be pulled). Each image carries a
# label with a hash of the files that define it, so an image is rebuilt when
# its definition changes and skipped when Docker already has it.

source_label=kubectl-debug.source

image_hash() { # files...
  cat "$here/lib.sh" "$@" | sha256sum | cut -c1-16
}

# Removes the image a rebuilt one replaced, unless a container still uses it.
remove_replaced() { # old-image-id name:tag
  [ -n "$1" ] && [ "$1" != "$(docker image inspect -f '{{.Id}}' "$2")" ] || return 0
  docker rmi "$1" >/dev/null 2>&1 || true
}

image_current() { # name:tag hash
  [ "$(docker image inspect -f "{{index .Config.Labels \"$source_label\"}}" "$1" 2>/dev/null)" = "$2" ]
}

# Imports a root file system directory as an image; extra arguments are
# Dockerfile instructions for `docker import --change`.
import_rootfs() { # dir name:tag hash [change...]
  local dir=$1 name=$2 hash=$3; shift 3
  local changes=(--change "LABEL $source_label=$hash")
  for c in "$@"; do changes+=(--change "$c"); done
  local old
  old=$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)
  tar --numeric-owner -C "$dir" -c . | docker import "${changes[@]}" - "$name" >/dev/null
  remove_replaced "$old" "$name"
  echo "image $name: $(docker image inspect -f '{{.Size}}' "$name" | numfmt --to=iec)" >&2
}
