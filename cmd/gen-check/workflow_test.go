package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The scheduled upstream watch (.github/workflows/upstream-watch.yml) cannot run here;
// these are the properties a careless edit would lose: a weekly schedule and a manual
// trigger, the URL as one setting that the gen-check step uses, actions pinned by
// commit, the least permissions, and one issue found by its title, not a new one per run.
func TestUpstreamWatchWorkflow(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(repoRootForTest(t), ".github", "workflows", "upstream-watch.yml"))
	if err != nil {
		t.Fatal(err)
	}
	wf := string(data)
	for _, want := range []string{
		"  schedule:\n    - cron: '",
		"  workflow_dispatch:\n",
		"\n  UPSTREAM_URL: https://raw.githubusercontent.com/fingerprintjs/openapi/main/schemas/fingerprint-server-api-v4.yaml\n",
		`go run ./cmd/gen-check -upstream "$UPSTREAM_URL"`,
		"\npermissions:\n  contents: read\n  issues: write\n\n",
		"select(.title == env.ISSUE_TITLE)",
		"gh issue edit \"$number\"",
		"if: steps.check.outputs.code == '1'",
		"if: steps.check.outputs.code != '0'",
	} {
		if !strings.Contains(wf, want) {
			t.Errorf("the workflow lacks %q", want)
		}
	}
	if n := strings.Count(wf, "permissions:"); n != 1 {
		t.Errorf("%d permissions blocks, want the one at the top", n)
	}
	if n := strings.Count(wf, "https://raw.githubusercontent.com/"); n != 1 {
		t.Errorf("the upstream URL is written %d times, want once (one setting)", n)
	}
	uses := regexp.MustCompile(`(?m)^\s*-?\s*uses:\s*(\S+)`).FindAllStringSubmatch(wf, -1)
	if len(uses) == 0 {
		t.Fatal("no actions found")
	}
	pinned := regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)
	for _, u := range uses {
		if !pinned.MatchString(u[1]) {
			t.Errorf("action %s is not pinned by a full commit SHA", u[1])
		}
	}
}
