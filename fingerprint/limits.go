package fingerprint

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits the API documents, checked before any request so that a call the API would
// always reject fails with a *ValidationError instead. Only documented limits are here;
// each says where it comes from (the vendor's API description, "Server API v4").

// MaxLinkedIDLength is the longest linked ID, in characters, the API accepts: its 400
// example for search reads "linked_id can't be greater than 256 characters long". The
// same linked ID is what UpdateEvent and AnalyzeRequest assign to an event, so they are
// held to it too. Characters are counted as Unicode code points, the lenient reading, so
// that nothing the API accepts is refused here.
const MaxLinkedIDLength = 256

// maxHighRecallIDLength: the High Recall ID is documented as "an alphanumeric string
// with a maximum length of 25 characters" (SupplementaryIDHighRecall.visitor_id). Its
// own example contains "_", so only the length is checked.
const maxHighRecallIDLength = 25

// checkLinkedID rejects a linked ID longer than MaxLinkedIDLength characters.
func checkLinkedID(field, id string) error {
	if n := utf8.RuneCountInString(id); n > MaxLinkedIDLength {
		return invalid(field, "linked_id can't be greater than %d characters long, got %d", MaxLinkedIDLength, n)
	}
	return nil
}

// checkIPFilter accepts what the ip_address search filter documents: "IP address or IP
// range (if CIDR notation is used)", such as 61.127.217.15 or 10.0.0.0/24, and nothing
// else (its 400 example: "invalid ip address"). An IPv6 zone (fe80::1%eth0) names an
// interface of the sending host and is never part of an event's address.
func checkIPFilter(field, v string) error {
	if strings.Contains(v, "/") {
		if _, err := netip.ParsePrefix(v); err != nil {
			return invalid(field, "%q is not a CIDR range such as 10.0.0.0/24", v)
		}
		return nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return invalid(field, "%q is not an IP address or CIDR range", v)
	}
	if a.Zone() != "" {
		return invalid(field, "%q has an IPv6 zone, which no event address has", v)
	}
	return nil
}

// checkIDChars rejects an ID with control characters. The API's IDs are short printable
// tokens (its examples: event ID 1708102555327.NLOjmg, visitor ID Ibk1527CUFmcnjLwIs4A9,
// ruleset ID D6N9Kbk9HRWrIWGz, High Recall ID 0jnGMkPYXX37DqVa4ZIO3f_hr), and its 400
// examples "invalid event_id" and "invalid visitor id" answer anything else. A control
// character can only come from a bug or an injection attempt (a CR/LF in a value taken
// from a request), so it is named here rather than escaped and sent.
func checkIDChars(field, id string) error {
	for i, r := range id {
		if unicode.IsControl(r) {
			return invalid(field, "control character %U at byte %d", r, i)
		}
	}
	return nil
}

// checkLimits applies the documented limits (limits.go) to the search filters.
func (p *SearchEventsParams) checkLimits() error {
	for _, f := range []struct{ name, v string }{
		{"VisitorID", p.VisitorID}, {"HighRecallID", p.HighRecallID}, {"ProximityID", p.ProximityID},
		{"PaginationKey", p.PaginationKey},
	} {
		if err := checkIDChars(f.name, f.v); err != nil {
			return err
		}
	}
	if n := utf8.RuneCountInString(p.HighRecallID); n > maxHighRecallIDLength {
		return invalid("HighRecallID", "a High Recall ID is at most %d characters long, got %d", maxHighRecallIDLength, n)
	}
	if err := checkLinkedID("LinkedID", p.LinkedID); err != nil {
		return err
	}
	if p.IPAddress != "" {
		return checkIPFilter("IPAddress", p.IPAddress)
	}
	return nil
}

// checkPaginationKey applies to a key the server sent what validate applies to the one a
// caller passes: not blank, no control characters.
func checkPaginationKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return invalid("PaginationKey", "empty or blank value")
	}
	return checkIDChars("PaginationKey", key)
}
