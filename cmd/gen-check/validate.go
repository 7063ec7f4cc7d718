package main

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadSpec reads an OpenAPI description from a local file. Remote and
// external file references are refused: our spec is one self-contained file.
func loadSpec(ctx context.Context, path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return doc, nil
}

// validateSpec loads path and runs kin-openapi's document validation.
func validateSpec(ctx context.Context, path string) error {
	doc, err := loadSpec(ctx, path)
	if err != nil {
		return err
	}
	if err := doc.Validate(ctx); err != nil {
		return fmt.Errorf("validate %s: %w", path, err)
	}
	return nil
}
