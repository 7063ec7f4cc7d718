package main

import "fmt"

// fmtSscanf parses the summary line of visitors delete.
func fmtSscanf(s string, deleted, skipped, notFound, failed *int) (int, error) {
	return fmt.Sscanf(s, "deleted %d, skipped %d (journal), not found %d, failed %d", deleted, skipped, notFound, failed)
}
