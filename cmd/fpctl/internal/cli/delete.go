package cli

import (
	"context"
	"flag"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// deleteSpec is visitors delete: DELETE /visitors/{visitor_id} for each ID, paced to
// its quota and journaled (batch.go).
var deleteSpec = &batchSpec{
	journal: journalKind{cmd: "visitors delete", idKey: "visitor_id", success: "deleted"},
	verb:    "delete",
	noun:    "visitor",
	plural:  "visitor IDs",
	rates:   defaultRates,
	call: func(ctx context.Context, c *fingerprint.Client, id string) error {
		return c.DeleteVisitorData(ctx, id)
	},
}

// visitorsDeleteCommand is the "fpctl visitors delete" command.
func visitorsDeleteCommand() *command {
	return &command{
		path:    "visitors delete",
		summary: "delete visitors' data within the API's quota, resumably",
		usage: `visitors delete [ID...] [--from FILE|-] [--journal FILE]
      [--rate N/h|N/s] [--dry-run]`,
		help: `Deletes the data of each visitor ID (an Enterprise plan feature), one request at a time,
paced to the API's documented quota: 30 per hour and 500 per day. --rate replaces that
for raised quotas (N/s, N/m, N/h or N/d; repeat or separate with commas). On 429 the
command waits as Retry-After says, then tries the same ID again.

--from reads IDs one per line from FILE, or stdin with "-"; blank lines and lines
starting with # are ignored. --journal FILE records every finished ID (deleted or
not_found, and failed ones) as one synced JSON line; running the same command again
skips the IDs the journal lists as finished and keeps within the quota by counting the
journal's recent deletes. A run locks its journal: a second run on it fails at once.
A file that is not a journal of this command is refused, untouched. --dry-run prints
what would be deleted and how long it takes, and changes no file.

It ends with one line: "deleted N, skipped N (journal), not found N, failed N", and
exits 1 if any failed.

Examples:
  fpctl --fake visitors delete ` + DemoVisitorID + `
  fpctl visitors delete --from privacy-requests.txt --journal privacy.journal
  fpctl visitors delete --from - --journal privacy.journal --dry-run < ids.txt
  fpctl visitors delete --from ids.txt --journal j.log \
      --rate 100/h --rate 2000/d`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &batchOpts{}
			o.register(fs, deleteSpec)
			return bind(o, func(ctx context.Context, a *app, o *batchOpts, args []string) error {
				return runBatch(ctx, a, deleteSpec, o, args)
			}), nil
		},
	}
}
