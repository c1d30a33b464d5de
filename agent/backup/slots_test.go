package backup_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// acceptParts stands in for storage that stores every part.
func acceptParts(t *testing.T) string {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", fmt.Sprintf("%q", r.URL.Path))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(server.Close)
	return server.URL
}

func TestItemsWaitForSlot(t *testing.T) {
	src := t.TempDir()
	archivetest.Generate(t, src, archivetest.Options{Files: 20, Seed: 10})
	srv := newServer(t, runtime.Config{})
	storage := acceptParts(t)

	// Each item asks for its first URL once its stream has ended; the
	// control plane holds the answers back until all three have spoken.
	asked := make(chan struct{}, 3)
	answer := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]protocol.Message, 3)
	items := make([]*item, 3)
	for i := range items {
		items[i] = startSlowBackup(t, srv, fmt.Sprintf("job-%d", i), src, storage, asked, answer)
		wg.Go(func() { results[i] = items[i].result() })
	}
	for range 3 {
		<-asked
	}
	if jobs := srv.RunningJobs(); len(jobs) != 3 {
		t.Errorf("RunningJobs = %v, want all three jobs", jobs)
	}
	close(answer)
	wg.Wait()

	waited := 0
	for i, it := range items {
		decodeResult[protocol.BackupItemResult](t, results[i])
		for _, ev := range it.events {
			if strings.Contains(ev.Message, "waiting for a free slot") {
				waited++
			}
		}
	}
	if waited != 1 {
		t.Errorf("%d items waited for a slot, want 1 of 3 with 2 slots", waited)
	}
}

// startSlowBackup starts a backup into storage whose control plane reports
// on asked when the item asks for URLs or waits for a slot, and answers
// URL requests only once answer is closed.
func startSlowBackup(t *testing.T, srv *testServer, job, src, storage string,
	asked chan<- struct{}, answer <-chan struct{}) *item {
	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: job, ItemID: "item",
		Source:      protocol.Source{Kind: protocol.KindPath, Path: src},
		Consistency: protocol.ConsistencyNone,
		Sink: protocol.Sink{S3: &protocol.S3Upload{
			Plan: protocol.UploadPlan{PartSize: 5 << 20, MaxParts: 100},
		}},
	})
	it.onEvent = func(ev protocol.ItemEvent) bool {
		if ev.NeedURLs != nil || strings.Contains(ev.Message, "waiting") {
			asked <- struct{}{}
		}
		if ev.NeedURLs != nil {
			<-answer
		}
		return true
	}
	it.signer = func(first, _ int32) []protocol.PresignedPart {
		return []protocol.PresignedPart{{Number: first, URL: storage + "/p",
			ExpiresAt: time.Now().Add(time.Hour)}}
	}
	return it
}
