module kubectl-debug.local/cluster/pause

go 1.22
