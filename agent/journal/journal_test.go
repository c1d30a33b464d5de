package journal_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/protocol"
)

func entry(id string, action journal.Action) journal.Entry {
	return journal.Entry{
		Container: protocol.ContainerRef{Namespace: "default", ID: id},
		Action:    action,
		Purpose:   journal.PurposeBackup,
		JobID:     "job-1",
	}
}

func open(t *testing.T) (*journal.Journal, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "journal")
	j, err := journal.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return j, dir
}

func TestAddListRemove(t *testing.T) {
	j, dir := open(t)
	first, err := j.Add(entry("a", journal.ActionPause))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if _, err := j.Add(entry("b", journal.ActionStop)); err != nil {
		t.Fatalf("Add: %v", err)
	}

	records, err := j.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(records) != 2 || records[0].Container.ID != "a" || records[1].Container.ID != "b" {
		t.Fatalf("List = %+v, want a then b", records)
	}
	if records[0].At.IsZero() || records[0].JobID != "job-1" {
		t.Errorf("record = %+v, want a time and job-1", records[0])
	}

	// A second journal on the same directory, as after a restart, sees them.
	again, err := journal.Open(dir)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	if records, _ := again.List(); len(records) != 2 {
		t.Fatalf("List after reopening = %d records, want 2", len(records))
	}

	for range 2 {
		if err := j.Remove(first.ID); err != nil {
			t.Fatalf("Remove: %v", err)
		}
	}
	if records, _ := j.List(); len(records) != 1 || records[0].Container.ID != "b" {
		t.Fatalf("List after Remove = %+v, want only b", records)
	}
}

func TestAddRefusesIncompleteEntry(t *testing.T) {
	j, _ := open(t)
	for _, e := range []journal.Entry{
		{Action: journal.ActionPause},
		{Container: protocol.ContainerRef{Namespace: "default", ID: "x"}, Action: "freeze"},
	} {
		if _, err := j.Add(e); err == nil {
			t.Errorf("Add(%+v) succeeded, want an error", e)
		}
	}
}

func TestOpenRemovesTemporaryFiles(t *testing.T) {
	_, dir := open(t)
	tmp := filepath.Join(dir, ".tmp-123-abc.json")
	if err := os.WriteFile(tmp, []byte(`{"container":`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file still there after Open (stat: %v)", err)
	}
	if records, err := j.List(); err != nil || len(records) != 0 {
		t.Errorf("List = %v, %v; want nothing", records, err)
	}
}

func TestConcurrentAdds(t *testing.T) {
	j, _ := open(t)
	const n = 40
	var wg sync.WaitGroup
	ids := make([]string, n)
	for i := range n {
		wg.Go(func() {
			rec, err := j.Add(entry("c", journal.ActionPause))
			if err != nil {
				t.Errorf("Add: %v", err)
			}
			ids[i] = rec.ID
		})
	}
	wg.Wait()

	records, err := j.List()
	if err != nil || len(records) != n {
		t.Fatalf("List = %d records, %v; want %d", len(records), err, n)
	}
	for _, id := range ids {
		wg.Go(func() {
			if err := j.Remove(id); err != nil {
				t.Errorf("Remove: %v", err)
			}
		})
	}
	wg.Wait()
	if records, _ := j.List(); len(records) != 0 {
		t.Fatalf("List after removing all = %d records, want 0", len(records))
	}
}

func TestLockSerialises(t *testing.T) {
	j, _ := open(t)
	c := protocol.ContainerRef{Namespace: "default", ID: "db"}
	ctx := context.Background()

	unlock, err := j.Lock(ctx, c)
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := j.Lock(short, c); err != context.DeadlineExceeded {
		t.Fatalf("second Lock while held = %v, want DeadlineExceeded", err)
	}
	other, err := j.Lock(ctx, protocol.ContainerRef{Namespace: "default", ID: "web"})
	if err != nil {
		t.Fatalf("Lock of another container: %v", err)
	}
	other()

	got := make(chan func(), 1)
	go func() {
		u, err := j.Lock(ctx, c)
		if err != nil {
			t.Errorf("Lock after release: %v", err)
		}
		got <- u
	}()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-got:
		t.Fatal("Lock returned while the lock was held")
	default:
	}
	unlock()
	unlock() // releasing twice is harmless
	select {
	case u := <-got:
		u()
	case <-time.After(5 * time.Second):
		t.Fatal("Lock still waiting 5s after release")
	}
}

func TestListReportsUnreadable(t *testing.T) {
	j, dir := open(t)
	if _, err := j.Add(entry("a", journal.ActionPause)); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "1-bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	records, err := j.List()
	if err == nil || !strings.Contains(err.Error(), "1 unreadable") {
		t.Errorf("List error = %v, want one unreadable record", err)
	}
	if len(records) != 1 {
		t.Errorf("List = %d records, want the readable one", len(records))
	}
}
