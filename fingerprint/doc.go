// Package fingerprint is a Go client for the Fingerprint Server API v4: read an
// identification event, search events, update an event, delete a visitor's data and
// analyze server-side requests with Automation Intelligence.
//
// Your page's JavaScript agent returns an event ID; your server fetches that event and
// decides:
//
//	client, err := fingerprint.NewClient(os.Getenv("FINGERPRINT_SECRET_API_KEY"),
//		fingerprint.WithRegion(fingerprint.RegionEU))
//	if err != nil {
//		return err
//	}
//	ev, err := client.GetEvent(ctx, eventID, nil)
//	if err != nil {
//		return err // errors.Is(err, fingerprint.ErrNotFound) for an unknown ID
//	}
//	if ev.Bot != nil && *ev.Bot == fingerprint.BotResultBad {
//		return errBlocked
//	}
//	if ev.SuspectScore != nil && *ev.SuspectScore > 20 { // a threshold of your choice
//		return errStepUp // ask for a second factor
//	}
//
// # Reading an event
//
// An [Event] holds everything one identification learned; its fields are documented on
// [gen.Event]. Fields the API may leave out are pointers: check them for nil. The ones
// most decisions read:
//
//   - Identification: VisitorID, the stable identifier of the browser or device, and
//     Confidence.Score (0 to 1), how sure the match is.
//   - Bot: BotResultBad for automation tools, BotResultGood for known crawlers,
//     BotResultNotDetected for a human; BotInfo names the bot and its category.
//   - SuspectScore: the weighted sum of the Smart Signals that fired; higher is riskier.
//   - VPN, Proxy, Tampering, Incognito, VirtualMachine, Emulator, Jailbroken, Frida:
//     Smart Signals, true when detected (VPNConfidence, TamperingConfidence, ... say how
//     sure).
//   - IPInfo.V4 and IPInfo.V6: address, geolocation, ASN and datacenter of the client IP.
//   - DeviceDetails: manufacturer, model and OS version of a mobile device.
//   - LinkedID, Tags, URL, UserAgent: what the page or the browser sent. They are
//     attacker-controlled: treat them as untrusted input wherever they go.
//
// The model types (EventUpdate, EdgeRequest, ...) are aliases of the types generated
// from the API description in package gen, so there is exactly one Go type per API
// concept, and an enum filter of SearchEventsParams has the type of the event field it
// filters (SDKPlatform, EventSource, ...). Ptr helps to set optional fields. Event and
// EventSearch are the exception: Event embeds gen.Event (its fields are promoted) and
// keeps the JSON the server sent, so fields newer than this SDK are never lost
// (Event.RawJSON).
//
// # Fields newer than this SDK
//
// The API adds signals and fields over time. An Event returned by any part of this module
// keeps every member the server sent: Event.RawJSON returns the server's JSON, and
// json.Marshal of the event writes the members this SDK does not know next to the known
// ones, at any depth. To read such a field without upgrading, decode RawJSON into a struct
// of your own (see the Event.RawJSON example).
//
// Configuration follows one convention: NewClient takes functional options (WithRegion,
// WithTimeout, ...), validated when the Client is built; per-call settings are structs
// named after their function and passed by pointer, where nil means the defaults
// (GetEventOptions, SearchEventsParams; in the feature packages sealed.Options,
// webhook.HandlerOptions, edge.MiddlewareOptions and edge.RequestOptions).
//
// # Regions
//
// Each Fingerprint application lives in one region: RegionUS (the default, global),
// RegionEU or RegionAsia. Select it with WithRegion; a key used against another region gets
// 403 wrong_region. WithBaseURL points the client at any other server that serves the API
// paths directly under the given URL (a proxy, or a fake server in tests); it cannot be
// combined with WithRegion.
//
// # Authentication
//
// The secret API key is sent in the Authorization header as a bearer token. It is never put
// in a URL, an error message or a log line. Each request also carries a User-Agent and
// the ii query parameter naming this SDK and its Version, also when you bring your own
// http.Client with WithHTTPClient (which is copied, never modified).
//
// # Errors
//
// Invalid arguments (an empty event ID, Limit outside 1..100, an edge request without an
// IP address, a linked ID over MaxLinkedIDLength, an ip_address filter that is neither an
// IP nor a CIDR range, ...) are reported as *ValidationError before any network call. Every response
// with a non-2xx status becomes an *APIError carrying the status, the API error code and
// message, Retry-After, the headers and the raw body, even when the body is an HTML page
// from a proxy. errors.Is works with ErrNotFound, ErrUnauthorized, ErrRateLimited and
// ErrStateNotReady. A 2xx response whose body cannot be decoded is a *DecodeError.
// Transport failures are returned wrapped, so *url.Error and context errors stay reachable.
//
//	var apiErr *fingerprint.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == fingerprint.ErrorCodeEventNotFound { ... }
//
// # Retries
//
// Failed requests are retried DefaultMaxRetries times (WithMaxRetries changes that; 0
// turns retries off) with exponential backoff and full jitter (0.5s, 1s, 2s, ... up to
// 8s). Retried are: 429 for every operation, honouring Retry-After (in seconds or as an
// HTTP date) up to 60 seconds, beyond which the *APIError is returned at once; 408, 5xx and
// connection errors for GetEvent, SearchEvents, UpdateEvent, DeleteVisitorData and
// SubmitEventFeedback. UpdateEvent and SubmitEventFeedback also retry 409
// state_not_ready, which the API answers for an event made moments ago, on their own
// schedule: for DefaultStateNotReadyWait (5 s) from the first attempt, whatever
// WithMaxRetries says (WithStateNotReadyWait changes it). AnalyzeRequest creates an event per call, so it retries
// only 429 and connection failures that happened before the request was sent. The client
// never sleeps past the context's deadline: it returns the last error instead. It never
// retries sooner than 200 ms, whatever Retry-After says. Each attempt is bounded by
// WithTimeout (DefaultTimeout); the context bounds the whole call.
//
// # Redirects
//
// The API never redirects, so the client follows no redirect: a 3xx is an *APIError (with
// Location in its Header), never retried and never a success. An http.Client given to
// WithHTTPClient with its own CheckRedirect is respected, but the API key is removed
// before any hop to another origin (scheme, host or port), a hop that would turn a write
// into a GET (301, 302, 303 after PATCH, DELETE or POST) is not followed, and an error of
// that CheckRedirect ends the call without a retry.
//
// # Pagination
//
// SearchEvents returns one page and a PaginationKey when more results exist.
// SearchEventsIter follows the keys for you and yields the events one by one, holding a
// single page in memory, with pages of 100 events unless Limit says otherwise:
//
//	for ev, err := range client.SearchEventsIter(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.EventID)
//	}
//
// SearchEventsPages yields whole pages instead, each with the PaginationKey of the next
// one, so a long export can store the key and resume later from it. Both iterators stop
// with an error wrapping ErrPaginationLoop if the API ever sends a key already used in
// the same iteration. Searching for a VisitorID the workspace does not know is a 404
// (ErrNotFound), not an empty result.
//
// # Sealed results, webhooks and request analysis
//
// Three packages next to this one need no Client, or only its AnalyzeRequest:
//
//   - [github.com/fpgo/fingerprint-go/fingerprint/sealed] opens sealed client results,
//     the encrypted Event the browser receives instead of an event ID.
//   - [github.com/fpgo/fingerprint-go/fingerprint/webhook] verifies webhook signatures and
//     serves deliveries as an http.Handler that calls your function with the Event.
//   - [github.com/fpgo/fingerprint-go/fingerprint/edge] builds the EdgeRequest for
//     AnalyzeRequest from an *http.Request, and runs it as net/http middleware.
//
// IsTransient tells whether an error the Client returned may go away if the call is
// made again later (5xx, 429, 409 state_not_ready, timeouts, network errors), so a
// service can answer "try again" or requeue a job instead of failing for good.
//
// # Rate limits and quotas
//
// The API's rate limits and quotas apply per workspace, to all its keys and processes
// together. WithRateLimiter makes every request of a Client wait on a limiter of yours
// first (a *rate.Limiter from golang.org/x/time/rate fits), and WithQuotaPacing keeps
// DeleteVisitorData and SubmitEventFeedback within their quotas (30 per hour and 500 per
// day each, sliding windows), waiting when needed; both waits honour the context. A 429
// that still comes is retried after its Retry-After.
//
// # Observability
//
// WithObserver reports every call and every HTTP attempt to an Observer: operation,
// method, path template, attempt number, status, API error code, durations, retry delays
// and their reasons, never the key, IDs, IP addresses, linked IDs or query values. The
// module github.com/fpgo/fingerprint-go/otel turns it into OpenTelemetry spans and
// metrics, so this module does not depend on OpenTelemetry.
//
// # Logging
//
// WithLogger logs every attempt at slog.LevelDebug: method, path template, URL, status,
// attempt, duration, and retry delays. Headers, and with them the API key, are never logged.
//
// # Concurrency
//
// A Client is safe for concurrent use by multiple goroutines. Create one per API key and
// reuse it; it keeps no per-request state.
package fingerprint
