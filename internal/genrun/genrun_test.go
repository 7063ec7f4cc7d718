package genrun

import "testing"

func TestRewriteOutput(t *testing.T) {
	cfg := "# comment\npackage: gen\noutput: fingerprint.gen.go # the file\noutput-options:\n  x: 1\n"
	got, err := rewriteOutput([]byte(cfg), "/tmp/out")
	if err != nil {
		t.Fatal(err)
	}
	want := "# comment\npackage: gen\noutput: \"/tmp/out/fingerprint.gen.go\"\noutput-options:\n  x: 1\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{"package: gen\n", "output: ../elsewhere.go\n", "output: /abs/x.go\n"} {
		if _, err := rewriteOutput([]byte(bad), "/tmp/out"); err == nil {
			t.Errorf("rewriteOutput(%q): want an error", bad)
		}
	}
}
