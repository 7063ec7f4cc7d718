package genrun

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ModuleRoot returns flagRoot when set (after checking it holds go.mod), else the nearest
// directory at or above the working directory that holds go.mod. The maintainer tools
// (gen-check, check-api) share it so that both find the module the same way.
func ModuleRoot(flagRoot string) (string, error) {
	if flagRoot != "" {
		if _, err := os.Stat(filepath.Join(flagRoot, "go.mod")); err != nil {
			return "", fmt.Errorf("-root %s: no go.mod there", flagRoot)
		}
		return filepath.Abs(flagRoot)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found in the working directory or above; pass -root")
		}
		dir = parent
	}
}
