package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxEventLine bounds one line of an event stream; the state event, which
// lists every item, is the longest.
const maxEventLine = 16 << 20

// FollowBackup streams a backup's events to fn, the current state first,
// until the server ends the stream (the backup and its restores have
// finished, or the server is stopping), fn returns an error, or ctx ends.
// A stream that ends is not proof that the backup finished: check its
// state again.
func (c *Client) FollowBackup(ctx context.Context, id string,
	fn func(BackupEvent) error) error {
	seg, err := segment("backup id", id)
	if err != nil {
		return err
	}
	req, err := c.newRequest(ctx, http.MethodGet, "/api/backups/"+seg+"/events", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")

	// The stream lasts as long as the backup: no overall timeout applies.
	streaming := *c.http
	streaming.Timeout = 0
	resp, err := streaming.Do(req)
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		body, _ := readLimited(resp.Body)
		return parseAPIError(resp.StatusCode, body)
	}
	return readEvents(resp.Body, fn)
}

// readEvents reads "data:" lines of server-sent events. Comments and other
// fields are skipped; each event here is a single data line.
func readEvents(r io.Reader, fn func(BackupEvent) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxEventLine)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		var e BackupEvent
		if err := json.Unmarshal([]byte(strings.TrimSpace(data)), &e); err != nil {
			return fmt.Errorf("decode backup event: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("read backup events: %w", err)
	}
	return nil
}
