package edge_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
)

func ExampleRequestFromHTTP() {
	// An incoming request, as your server sees it behind a proxy at 10.0.0.2.
	r := httptest.NewRequest(http.MethodGet, "http://internal:8080/login?next=%2Fcart", nil)
	r.RemoteAddr = "10.0.0.2:41000"
	r.Header.Set("User-Agent", "Mozilla/5.0")
	r.Header.Set("Cookie", "session=secret")
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "shop.example.org")

	er, err := edge.RequestFromHTTP(r, &edge.RequestOptions{
		TrustedProxyHeaders: []string{"X-Forwarded-For"},
		TrustForwardedProto: true,
		TrustForwardedHost:  true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(er.Method, er.URL, *er.IPv4Address)
	for _, h := range er.Headers {
		fmt.Printf("%s: %q\n", h.Name, h.Value)
	}
	// Output:
	// GET https://shop.example.org/login?next=%2Fcart 203.0.113.7
	// Cookie: ""
	// Host: "internal:8080"
	// User-Agent: "Mozilla/5.0"
	// X-Forwarded-For: "203.0.113.7"
	// X-Forwarded-Host: "shop.example.org"
	// X-Forwarded-Proto: "https"
}

func ExampleMiddleware() {
	// A stand-in for the Fingerprint API: it flags every request as a scraper.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"event_id":"1760000000999.Edge01","timestamp":1760000000999,
			"ip_info":{"v4":{"address":"127.0.0.1"}},
			"bot_info":{"category":"scraping","confidence":"high","identity":"spoofed","name":"ExampleBot","provider":"Example"}}`)
	}))
	defer api.Close()

	client, err := fingerprint.NewClient("your-secret-api-key", fingerprint.WithBaseURL(api.URL))
	if err != nil {
		log.Fatal(err)
	}
	protect := edge.Middleware(client, &edge.MiddlewareOptions{
		Timeout: 2 * time.Second, // default 300ms; on timeout the request is served without a result
		Decide: func(w http.ResponseWriter, r *http.Request, res *fingerprint.EdgeResponse) bool {
			if res.BotInfo != nil && res.BotInfo.Category == fingerprint.BotInfoCategoryScraping {
				http.Error(w, "forbidden", http.StatusForbidden)
				return false
			}
			return true
		},
		OnError: func(r *http.Request, err error) { log.Printf("edge analysis failed: %v", err) },
	})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if res, ok := edge.ResultFromContext(r.Context()); ok {
			fmt.Fprintln(w, "analysed as", res.EventID)
		}
	})
	site := httptest.NewServer(protect(app))
	defer site.Close()

	res, err := http.Get(site.URL + "/products")
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output:
	// 403
}

func ExampleResultFromContext() {
	// A stand-in for the Fingerprint API: every request comes from a known AI agent.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"event_id":"1760000000999.Edge02","timestamp":1760000000999,
			"ip_info":{"v4":{"address":"127.0.0.1"}},
			"bot_info":{"category":"ai_agent","confidence":"high","identity":"signed","name":"ExampleAgent","provider":"Example"}}`)
	}))
	defer api.Close()
	client, err := fingerprint.NewClient("your-secret-api-key", fingerprint.WithBaseURL(api.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Without Decide, every analysed request is served; handlers read the result.
	protect := edge.Middleware(client, &edge.MiddlewareOptions{Timeout: 2 * time.Second})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, ok := edge.ResultFromContext(r.Context())
		if !ok { // analysis skipped or failed (fail-open)
			fmt.Fprintln(w, "no result")
			return
		}
		if res.BotInfo != nil {
			fmt.Fprintln(w, res.BotInfo.Category, res.BotInfo.Name)
		}
	})
	site := httptest.NewServer(protect(app))
	defer site.Close()

	res, err := http.Get(site.URL + "/docs")
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Print(string(body))
	// Output:
	// ai_agent ExampleAgent
}
