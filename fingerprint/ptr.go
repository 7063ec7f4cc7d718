package fingerprint

// Ptr returns a pointer to a copy of v. It helps to fill optional fields, for example
// SearchEventsParams.Suspect or EventUpdate.LinkedID:
//
//	fingerprint.EventUpdate{Suspect: fingerprint.Ptr(false)}
func Ptr[T any](v T) *T { return &v }
