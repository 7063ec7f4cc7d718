// Package api embeds openapi.yaml, the description of the Fingerprint Server API v4 that
// gen/ is generated from, so tools and the fake server validate against the same contract.
package api

import _ "embed"

// OpenAPI is the raw YAML of api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
