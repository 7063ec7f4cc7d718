package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-seed", "30", "-key", "k123"}, w, io.Discard)
		w.Close()
	}()

	var baseURL, key string
	sc := bufio.NewScanner(out)
	for sc.Scan() && (baseURL == "" || key == "") {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "base URL:"); ok {
			baseURL = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "API key:"); ok {
			key = strings.TrimSpace(v)
		}
	}
	require.Equal(t, "k123", key)
	require.True(t, strings.HasSuffix(baseURL, "/v4"), baseURL)
	go func() { _, _ = io.Copy(io.Discard, out) }()

	req, _ := http.NewRequest("GET", baseURL+"/events?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var page struct {
		Events []json.RawMessage `json:"events"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&page))
	res.Body.Close()
	require.Len(t, page.Events, 30, "the seeded device events")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	_, err = http.DefaultClient.Do(req.Clone(context.Background()))
	require.Error(t, err, "the server is closed")
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-seed", "-1"}, {"-nope"}, {"extra"}, {"-key", ""}} {
		require.Error(t, run(t.Context(), args, io.Discard, io.Discard), "%v", args)
	}
}
