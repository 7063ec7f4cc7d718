package cli

import (
	"context"
	"flag"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// feedbackRates is the documented quota of POST /events/{event_id}/feedback, counted
// apart from the deletes' quota.
const feedbackRates = "30/h,500/d"

// feedbackSpec is events feedback: POST /events/{event_id}/feedback for each ID, paced
// to its own quota and journaled (batch.go). Resetting the confidence score is the only
// feedback the API takes today, so it is the only one sent.
var feedbackSpec = &batchSpec{
	journal: journalKind{cmd: "events feedback", idKey: "event_id", success: "submitted"},
	verb:    "submit feedback for",
	noun:    "event",
	plural:  "event IDs",
	rates:   feedbackRates,
	call: func(ctx context.Context, c *fingerprint.Client, id string) error {
		reset := true
		return c.SubmitEventFeedback(ctx, id, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: &reset})
	},
}

type feedbackOpts struct {
	batchOpts
	resetConfidence bool
}

// eventsFeedbackCommand is the "fpctl events feedback" command.
func eventsFeedbackCommand() *command {
	return &command{
		path:    "events feedback",
		summary: "reset events' confidence after out-of-band checks (beta)",
		usage: `events feedback ID... [--from FILE|-] --reset-confidence
      [--journal FILE] [--rate N/h|N/s] [--dry-run]`,
		help: `Tells Fingerprint that you verified the browser of each event yourself (MFA,
biometrics): --reset-confidence resets the event's identification confidence
score to 1.0. The endpoint is in beta, for Enterprise plans; it takes events
of the JavaScript agent only, within 24 hours of the event.

Requests are sent one at a time, paced to the endpoint's own quota (30 per
hour and 500 per day, counted apart from deletes), journaled and resumed
exactly as "visitors delete" does: --from, --journal, --rate and --dry-run
work the same way. A journal belongs to one command: a delete journal is
refused here.

It ends with one line: "submitted N, skipped N (journal), not found N,
failed N", and exits 1 if any failed (an event older than 24 hours or from a
mobile SDK fails with 400).

Examples:
  fpctl --fake events feedback ` + DemoEventID + ` --reset-confidence
  fpctl events feedback --from verified.txt --reset-confidence \
      --journal feedback.journal`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &feedbackOpts{}
			o.register(fs, feedbackSpec)
			fs.BoolVar(&o.resetConfidence, "reset-confidence", false, "reset each event's identification confidence score to 1.0 (required)")
			return bind(o, runFeedback), nil
		},
	}
}

func runFeedback(ctx context.Context, a *app, o *feedbackOpts, args []string) error {
	if !o.resetConfidence {
		return usagef("events feedback: say what to submit: --reset-confidence (the only feedback the API takes today)")
	}
	return runBatch(ctx, a, feedbackSpec, &o.batchOpts, args)
}
