//go:build tools

// Package tools pins the code generator's version in go.mod, so `make generate`
// (go generate ./gen ./fingerprint) and cmd/gen-check always run the same oapi-codegen.
package tools

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
