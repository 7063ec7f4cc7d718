//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package cli

import "os"

// lockFile does nothing where the platform has no advisory lock the standard library
// reaches (aix, solaris, plan9, wasm): two runs on one journal are not detected there.
func lockFile(*os.File) error { return nil }
