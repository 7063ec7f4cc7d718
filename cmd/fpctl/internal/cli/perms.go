package cli

import (
	"fmt"
	"os"
	"runtime"
)

// warnOpenPerms warns, as ssh does for private keys, when the secret file name can be
// read by its group or by others: anyone on the machine could use the key. It only
// warns (the user may have reasons, such as a group of operators); Windows has no such
// mode bits, so it says nothing there.
func warnOpenPerms(env *Env, flag, name string) {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		fmt.Fprintf(env.Stderr, "fpctl: warning: %s %s is readable by %s (mode %04o): anyone who can read it can use the key; run chmod 600 %s\n",
			flag, termSafe(name), who(perm), perm, termSafe(name))
	}
}

func who(perm os.FileMode) string {
	switch {
	case perm&0o070 != 0 && perm&0o007 != 0:
		return "group and others"
	case perm&0o070 != 0:
		return "its group"
	}
	return "others"
}
