//go:build tools

// Keeps cri-dockerd's main package in go.mod so `go mod tidy` pins it.
package tools

import _ "github.com/Mirantis/cri-dockerd"
