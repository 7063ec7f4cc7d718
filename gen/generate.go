// Package gen is what oapi-codegen generates from api/openapi.yaml and
// api/overlay.yaml (`make generate`); never edit its .gen.go files by hand. Import
// package fingerprint instead: its model types are aliases of these, and its Client
// is the supported way to call the API.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../oapi-codegen.yaml ../api/openapi.yaml
