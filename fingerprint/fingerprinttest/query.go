package fingerprinttest

import (
	"net/url"
	"strings"
)

// maxQueryParams is the most query parameters a request may carry. net/url stops
// parsing at 10,000 (and returns an empty map with its error); the fake answers 400
// instead of serving a search with its filters silently gone.
const maxQueryParams = 10_000

// parseRawQuery parses a raw query string strictly: a pair that is not valid URL
// encoding, a semicolon separator or too many pairs make the whole request a 400, with
// the message the real API uses for the parameter concerned. The values are returned
// even then (as far as net/url got), for the request log.
func parseRawQuery(raw string) (url.Values, *apiError) {
	if strings.Count(raw, "&")+1 > maxQueryParams && raw != "" {
		return url.Values{}, badRequest("too many query parameters")
	}
	v, err := url.ParseQuery(raw)
	if err == nil {
		return v, nil
	}
	for pair := range strings.SplitSeq(raw, "&") {
		key, value, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(key)
		if err != nil || strings.Contains(key, ";") {
			break
		}
		if _, err := url.QueryUnescape(value); err != nil || strings.Contains(value, ";") {
			return v, badRequest(paramMessage(k))
		}
	}
	return v, badRequest("request cannot be parsed")
}

// paramMessage is the real API's message for an invalid query parameter.
func paramMessage(name string) string {
	if msg, ok := paramMessages[name]; ok {
		return msg
	}
	return "invalid " + strings.ReplaceAll(name, "_", " ")
}
