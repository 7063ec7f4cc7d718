package fingerprint

import "strings"

// checkID rejects path parameters that are empty, blank or dot segments ("." and ".."
// would be resolved away and change the request path), and IDs with control characters
// (checkIDChars, limits.go). Everything else is escaped.
func checkID(field, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return invalid(field, "empty or blank")
	case id == "." || id == "..":
		return invalid(field, "%q is not a valid ID", id)
	}
	return checkIDChars(field, id)
}
