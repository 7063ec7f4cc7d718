package fingerprinttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// apiError is an error response in the API's shape: {"error":{"code","message"}}.
type apiError struct {
	status  int
	code    gen.ErrorCode
	message string
}

// Error describes the response, for logs and test failures.
func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

// The messages follow the wording the real API uses for the same conditions.
var (
	errKeyRequired  = &apiError{http.StatusForbidden, gen.ErrorCodeSecretAPIKeyRequired, "secret API key in header is missing or empty"}
	errKeyNotFound  = &apiError{http.StatusForbidden, gen.ErrorCodeSecretAPIKeyNotFound, "no fingerprint workspace found for specified secret API key"}
	errFeature      = &apiError{http.StatusForbidden, gen.ErrorCodeFeatureNotEnabled, "feature not enabled"}
	errEventMissing = &apiError{http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found"}
	errVisitorGone  = &apiError{http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "visitor not found"}
	errNotReady     = &apiError{http.StatusConflict, gen.ErrorCodeStateNotReady, "resource is not mutable yet, try again"}
	errTooLarge     = &apiError{http.StatusRequestEntityTooLarge, gen.ErrorCodePayloadTooLarge, "payload too large"}
	errRuleset      = &apiError{http.StatusBadRequest, gen.ErrorCodeRulesetNotFound, "ruleset not found"}
	errBodyInvalid  = badRequest("request body is not valid")
	errEdgeIP       = badRequest("at least one of ipv4_address or ipv6_address is required")
	errLinkedID     = badRequest("linked_id can't be greater than 256 characters long")
	errTooOld       = badRequest("events older than one month can't be updated") // status and message assumed (README: "Differences from the real API")
	errStartTime    = badRequest("invalid start time")
	errEventID      = badRequest("invalid event_id")
	errVisitorID    = badRequest("invalid visitor id")
	errVisitorIDReq = badRequest("visitor id is required")
	errPagination   = badRequest("invalid pagination key")
	errIPAddress    = badRequest("invalid ip address")
	errNoRoute      = &apiError{http.StatusNotFound, gen.ErrorCodeFailed, "no such API path"}
	errNoMethod     = &apiError{http.StatusMethodNotAllowed, gen.ErrorCodeFailed, "method not allowed"}
	errInternal     = &apiError{http.StatusInternalServerError, gen.ErrorCodeFailed, "internal server error"}
)

func badRequest(msg string) *apiError {
	return &apiError{http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, msg}
}

// paramMessages maps a query parameter to the real API's message when it is invalid.
var paramMessages = map[string]string{
	"limit":          "invalid limit",
	"start":          "invalid start time",
	"end":            "invalid end time",
	"reverse":        "invalid reverse param",
	"bot":            "invalid bot type",
	"ip_address":     "invalid ip address",
	"pagination_key": "invalid pagination key",
}

// fromValidation turns an openapi3filter error into the response the real API gives.
func fromValidation(err error) *apiError {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return badRequest("request cannot be parsed")
	}
	switch {
	case re.Parameter != nil:
		return badRequest(paramMessage(re.Parameter.Name))
	case re.RequestBody != nil:
		if field := unknownField(err); field != "" {
			return badRequest(fmt.Sprintf("request body contains an unknown field %q", field))
		}
		return errBodyInvalid
	}
	return badRequest("request cannot be parsed")
}

// unknownField reports the first property rejected by additionalProperties: false.
func unknownField(err error) string {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return ""
	}
	const marker = "property \""
	msg := se.Error()
	if i := strings.Index(msg, marker); i >= 0 && strings.Contains(msg, "is unsupported") {
		rest := msg[i+len(marker):]
		if j := strings.IndexByte(rest, '"'); j > 0 {
			return rest[:j]
		}
	}
	return ""
}

// errorBody renders the JSON error body for code and message.
func errorBody(code gen.ErrorCode, message string) []byte {
	b, _ := json.Marshal(gen.ErrorResponse{Error: gen.Error{Code: code, Message: message}})
	return b
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, errorBody(e.code, e.message))
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
