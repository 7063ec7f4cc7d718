package edge_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// requestShapes are requests net/http accepts that a bot can send to get a fail-open
// middleware to serve it unanalysed (issue 17 §1): each is written raw to a real
// server, so net/http parses it as it would any client's.
func requestShapes() map[string]string {
	const ua = "User-Agent: " + browserUA + "\r\n"
	get := func(target, extra string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: shop.example\r\n" + ua + extra + "\r\n"
	}
	many := func(n, nameLen, valueLen int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-%0*d: %s\r\n", nameLen, i, strings.Repeat("v", valueLen))
		}
		return b.String()
	}
	return map[string]string{
		"plain":                     get("/login?next=%2Fcart", ""),
		"70 KiB method":             strings.Repeat("A", 70<<10) + " / HTTP/1.1\r\nHost: shop.example\r\n" + ua + "\r\n",
		"method of escaped bytes":   strings.Repeat("&", 10<<10) + " / HTTP/1.1\r\nHost: shop.example\r\n" + ua + "\r\n",
		"70 KiB Host":               "GET / HTTP/1.1\r\nHost: " + strings.Repeat("a", 70<<10) + "\r\n" + ua + "\r\n",
		"70 KiB dotted Host":        "GET / HTTP/1.1\r\nHost: " + strings.Repeat("a.", 35<<10) + "example\r\n" + ua + "\r\n",
		"Host [shop":                "GET / HTTP/1.1\r\nHost: [shop\r\n" + ua + "\r\n",
		"Host [::1":                 "GET / HTTP/1.1\r\nHost: [::1\r\n" + ua + "\r\n",
		"Host with a zone":          "GET / HTTP/1.1\r\nHost: [fe80::1%eth0]:80\r\n" + ua + "\r\n",
		"Host with a percent":       "GET / HTTP/1.1\r\nHost: sh%op\r\n" + ua + "\r\n",
		"Host with a bad port":      "GET / HTTP/1.1\r\nHost: shop.example:99999\r\n" + ua + "\r\n",
		"Host with an empty port":   "GET / HTTP/1.1\r\nHost: shop.example:\r\n" + ua + "\r\n",
		"Host of sub-delims":        "GET / HTTP/1.1\r\nHost: b!c$d'e(f)*+,;=&x\r\n" + ua + "\r\n",
		"Host of brackets":          "GET / HTTP/1.1\r\nHost: ]]:[[:80\r\n" + ua + "\r\n",
		"empty Host":                "GET / HTTP/1.1\r\nHost: \r\n" + ua + "\r\n",
		"HTTP/1.0 without Host":     "GET /p HTTP/1.0\r\n" + ua + "\r\n",
		"fragment in the query":     get("/p?q=a#b", ""),
		"fragment in the path":      get("/p#frag", ""),
		"bare percent in the query": get("/p?q=%&r=%zz&s=%4", ""),
		"query of odd bytes":        get("/p?q=\"<>\\^`{|}\xff\xc3\xa9", ""),
		"path of odd bytes":         get("/\"<>\\^`{|}\xff\xc3\xa9", ""),
		"absolute-form target":      "GET http://other.example/x?y#z HTTP/1.1\r\nHost: shop.example\r\n" + ua + "\r\n",
		"absolute-form long host":   "GET http://" + strings.Repeat("h", 20<<10) + "/x HTTP/1.1\r\nHost: shop.example\r\n" + ua + "\r\n",
		"CONNECT":                   "CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\n" + ua + "\r\n",
		"70 KiB path":               get("/"+strings.Repeat("p", 70<<10), ""),
		"70 KiB path of escapes":    get("/"+strings.Repeat("%41", 70<<10/3), ""),
		"70 KiB query":              get("/p?"+strings.Repeat("q=1&", 70<<10/4), ""),
		"one 900 KiB header":        get("/", "X-Pad: "+strings.Repeat("A", 900<<10)+"\r\n"),
		"10,000 tiny headers":       get("/", many(10_000, 5, 1)),
		"2,000 long names":          get("/", many(2_000, 400, 1)),
		"header of invalid UTF-8":   get("/", "X-Pad: \xff\xfe\xfd\r\n"),
		"100 credential headers":    get("/", strings.Repeat("Aa-Key: 1\r\nAb-Token: 2\r\n", 50)),
	}
}

// TestMiddlewareAnalysesEveryRequestShape runs each shape through Middleware (fail-open,
// the default) in front of fingerprinttest and checks that every one was analysed: a
// shaped request must never be what makes the analysis fail.
func TestMiddlewareAnalysesEveryRequestShape(t *testing.T) {
	api := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient(api.APIKey(), fingerprint.WithBaseURL(api.URL()), fingerprint.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	failures := map[string]error{}
	mw := edge.Middleware(c, &edge.MiddlewareOptions{
		Timeout: 10 * time.Second, // a loaded machine must not turn this into a timeout test
		OnError: func(r *http.Request, err error) {
			mu.Lock()
			defer mu.Unlock()
			failures[r.Header.Get("X-Shape")] = err
		},
	})
	app := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := edge.ResultFromContext(r.Context())
		_, _ = io.WriteString(w, strconv.FormatBool(ok))
	}))
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)

	for name, raw := range requestShapes() {
		t.Run(name, func(t *testing.T) {
			// The shape's name travels in a header, so OnError can say which shape failed.
			head, rest, _ := strings.Cut(raw, "\r\n")
			raw = head + "\r\nX-Shape: " + name + "\r\n" + rest
			before := len(api.EdgeRequests())
			got := sendRaw(t, srv.Listener.Addr().String(), raw)
			mu.Lock()
			ferr := failures[name]
			mu.Unlock()
			if got != "true" {
				t.Fatalf("served unanalysed (response %q): %v", got, ferr)
			}
			reqs := api.EdgeRequests()
			if len(reqs) != before+1 {
				t.Fatalf("%d /edge requests recorded, want %d", len(reqs), before+1)
			}
			checkWithinBudget(t, &reqs[len(reqs)-1])
		})
	}
}

// checkWithinBudget checks what was sent against the documented budget.
func checkWithinBudget(t *testing.T, er *fingerprint.EdgeRequest) {
	t.Helper()
	body, err := json.Marshal(er)
	if err != nil {
		t.Fatal(err)
	}
	if max := edge.DefaultMaxHeaderBytes + edge.DefaultMaxURLBytes + edge.MaxMethodBytes + 1024; len(body) > max {
		t.Errorf("/edge body of %d bytes, over %d", len(body), max)
	}
	u, err := json.Marshal(er.URL)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(u) - 2; n > edge.DefaultMaxURLBytes {
		t.Errorf("URL of %d JSON bytes, over %d", n, edge.DefaultMaxURLBytes)
	}
	if pu, err := url.Parse(er.URL); err != nil || pu.Host == "" || pu.Fragment != "" || strings.Contains(er.URL, "#") {
		t.Errorf("URL %.100q is not a valid absolute URL without fragment (%v)", er.URL, err)
	}
	if len(er.Method) == 0 || len(er.Method) > edge.MaxMethodBytes {
		t.Errorf("method of %d bytes", len(er.Method))
	}
	if len(er.Headers) == 0 || len(er.Headers) > edge.DefaultMaxHeaders {
		t.Errorf("%d header lines", len(er.Headers))
	}
}

// sendRaw writes raw to addr and returns the body of the response.
func sendRaw(t *testing.T, addr, raw string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(raw, " ")
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("net/http refused the shape: %d %q", res.StatusCode, b)
	}
	return string(b)
}
