package fingerprint

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// headerBomb is a 500 whose 9 MiB of headers are ~800,000 tiny lines (issue 17 §3),
// with Retry-After and Location, which an error must keep, among the last lines.
func headerBomb() []byte {
	var b strings.Builder
	b.WriteString("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n")
	for i := 0; b.Len() < 9<<20; i++ {
		fmt.Fprintf(&b, "X%06d: 1\r\n", i)
	}
	b.WriteString("Retry-After: 3\r\nZ-Location: /elsewhere\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	return []byte(b.String())
}

// rawServer answers every request on its own connection with resp, byte for byte.
func rawServer(t *testing.T, resp []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				_, _ = conn.Write(resp)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// retained returns how many heap bytes stay reachable through keep().
func retained(keep func() any) (any, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := keep()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return v, 0
	}
	return v, after.HeapAlloc - before.HeapAlloc
}

// TestResponseHeaderBomb: 9 MiB of tiny headers on a 500 cost 193 MiB per call, and the
// *APIError kept every value (about 90 MiB). With the SDK's own transport the headers
// are refused past MaxResponseHeaderBytes; with the caller's transport, which reads
// them all, the error keeps a bounded copy.
func TestResponseHeaderBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("9 MiB of headers; skipped with -short")
	}
	url := rawServer(t, headerBomb())
	const allocBound, keptBound = 16 << 20, 256 << 10

	t.Run("the SDK's transport", func(t *testing.T) {
		c, err := NewClient(testKey, WithBaseURL(url), WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		var callErr error
		n := allocated(func() { _, callErr = c.GetEvent(t.Context(), "e1", nil) })
		t.Logf("one call allocated %.1f MiB: %v", float64(n)/(1<<20), callErr)
		if callErr == nil || !strings.Contains(callErr.Error(), "header") {
			t.Errorf("want an error about the headers, got %v", callErr)
		}
		if n > allocBound {
			t.Errorf("one call allocated %.1f MiB, bound %d MiB", float64(n)/(1<<20), allocBound>>20)
		}
	})

	t.Run("the caller's transport", func(t *testing.T) {
		tr := http.DefaultTransport.(*http.Transport).Clone() // net/http's 10 MiB header limit
		t.Cleanup(tr.CloseIdleConnections)
		c, err := NewClient(testKey, WithBaseURL(url), WithMaxRetries(0), WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			t.Fatal(err)
		}
		v, kept := retained(func() any {
			_, err := c.GetEvent(t.Context(), "e1", nil)
			return err
		})
		var ae *APIError
		if !errors.As(v.(error), &ae) || ae.StatusCode != http.StatusInternalServerError {
			t.Fatalf("want a 500 *APIError, got %v", v)
		}
		size := 0
		for name, vs := range ae.Header {
			for _, v := range vs {
				size += len(name) + len(v)
			}
		}
		t.Logf("the error keeps %d header lines, %d bytes; %.1f KiB reachable", len(ae.Header), size, float64(kept)/(1<<10))
		if size > maxErrorHeaderBytes {
			t.Errorf("APIError.Header holds %d bytes, over %d", size, maxErrorHeaderBytes)
		}
		if kept > keptBound {
			t.Errorf("the error keeps %.1f MiB reachable", float64(kept)/(1<<20))
		}
		if ae.Header.Get("Retry-After") != "3" || ae.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Retry-After %q, Content-Type %q: want them kept", ae.Header.Get("Retry-After"), ae.Header.Get("Content-Type"))
		}
	})
}
