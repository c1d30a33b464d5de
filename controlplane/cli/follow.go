package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cofferhq/coffer/controlplane/client"
)

// reconnectDelay is the pause before following a stream again that the
// server ended early, e.g. because this client fell behind.
const reconnectDelay = time.Second

// errFollowed ends a stream once the awaited job has finished.
var errFollowed = errors.New("job finished")

// follower watches a backup, or one restore of it, until it finishes,
// showing the bytes moved so far against the measured total.
type follower struct {
	backupID  string
	restoreID string // empty when the backup itself is awaited
	out       io.Writer
	bar       *progressbar.ProgressBar // nil when out is not a terminal

	total map[string]int64 // by item: measured size of its source
	moved map[string]int64 // by item: bytes read or restored so far
}

func newFollower(out io.Writer, backupID, restoreID string) *follower {
	f := &follower{
		backupID: backupID, restoreID: restoreID, out: out,
		total: make(map[string]int64), moved: make(map[string]int64),
	}
	if isTerminal(out) {
		f.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(out),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetDescription(f.what()),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionFullWidth(),
			progressbar.OptionSetRenderBlankState(true),
		)
	}
	return f
}

func (f *follower) what() string {
	if f.restoreID != "" {
		return "restore " + f.restoreID
	}
	return "backup " + f.backupID
}

// run follows the event stream until the job has finished, reconnecting
// when the server ends the stream before that.
func (f *follower) run(ctx context.Context, c *client.Client,
	finished func(context.Context) (bool, error)) error {
	defer f.finish()
	for {
		err := c.FollowBackup(ctx, f.backupID, f.handle)
		if errors.Is(err, errFollowed) {
			return nil
		}
		if err != nil {
			return err
		}
		done, err := finished(ctx)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(reconnectDelay):
		}
	}
}

func (f *follower) finish() {
	if f.bar != nil {
		_ = f.bar.Finish()
		fmt.Fprintln(f.out)
	}
}
