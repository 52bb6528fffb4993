#!/bin/sh
# The OCI runtime of the cluster's dockerd: runc, except that a negative
# oom_score_adj in a container's configuration is raised to 0.
# cri-dockerd gives every pod sandbox -998 and the kubelet gives Guaranteed
# pods -997; lowering oom_score_adj needs CAP_SYS_RESOURCE, which processes
# on some machines (these virtual machines among them) do not have, and runc
# then fails every such container with "can't get final child's PID from pipe".
# The OOM killer ordering between pods does not matter on a test node.
bundle=""
prev=""
for arg in "$@"; do
  case "$prev" in --bundle | -b) bundle=$arg ;; esac
  case "$arg" in --bundle=*) bundle=${arg#--bundle=} ;; esac
  prev=$arg
done
config="$bundle/config.json"
if [ -n "$bundle" ] && grep -q '"oomScoreAdj":-' "$config" 2>/dev/null; then
  sed -i -E 's/"oomScoreAdj":-[0-9]+/"oomScoreAdj":0/' "$config"
fi
# dockerd's environment decides PATH here; runc is in /usr/sbin on Debian.
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" exec runc "$@"
