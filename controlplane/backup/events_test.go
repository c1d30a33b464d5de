package backup_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/backup"
)

func TestBrokerDeliversToSubscribersOfTheBackup(t *testing.T) {
	b := backup.NewBroker()
	mine, cancelMine := b.Subscribe("b1")
	defer cancelMine()
	other, cancelOther := b.Subscribe("b2")
	defer cancelOther()

	b.Publish(backup.Event{Type: backup.EventBackup, BackupID: "b1", Status: "RUNNING"})

	select {
	case e := <-mine:
		if e.Status != "RUNNING" {
			t.Fatalf("got status %q, want RUNNING", e.Status)
		}
	default:
		t.Fatalf("subscriber of b1 got nothing")
	}
	select {
	case e := <-other:
		t.Fatalf("subscriber of b2 got %+v, want nothing", e)
	default:
	}
}

// TestBrokerDropsProgressForSlowSubscriber checks that a full subscriber
// loses progress but keeps its subscription, and that Publish never waits.
func TestBrokerDropsProgressForSlowSubscriber(t *testing.T) {
	b := backup.NewBroker()
	ch, cancel := b.Subscribe("b1")
	defer cancel()

	for range 10000 {
		b.Publish(backup.Event{Type: backup.EventProgress, BackupID: "b1", ReadBytes: 1})
	}
	if n := b.Subscribers("b1"); n != 1 {
		t.Fatalf("after progress overflow: %d subscribers, want 1", n)
	}

	got := 0
	for len(ch) > 0 {
		<-ch
		got++
	}
	if got == 0 || got >= 10000 {
		t.Fatalf("slow subscriber received %d of 10000 progress events, want some dropped", got)
	}
}

// TestBrokerClosesSubscriberThatMissesStatus checks that a subscriber who
// would miss a status change is cut off rather than left with a wrong view.
func TestBrokerClosesSubscriberThatMissesStatus(t *testing.T) {
	b := backup.NewBroker()
	ch, cancel := b.Subscribe("b1")
	defer cancel()

	for range 10000 {
		b.Publish(backup.Event{Type: backup.EventItem, BackupID: "b1", Status: "RUNNING"})
	}
	if n := b.Subscribers("b1"); n != 0 {
		t.Fatalf("%d subscribers after a missed status event, want 0", n)
	}
	for range ch {
	}
	cancel() // a second cancel after the drop must be harmless
}

func TestBrokerCloseEndsStreams(t *testing.T) {
	b := backup.NewBroker()
	ch, cancel := b.Subscribe("b1")
	defer cancel()

	b.Close()
	if _, ok := <-ch; ok {
		t.Fatalf("channel still open after Close")
	}
	late, cancelLate := b.Subscribe("b1")
	defer cancelLate()
	if _, ok := <-late; ok {
		t.Fatalf("subscription after Close is open, want closed")
	}
}

func TestEventFinal(t *testing.T) {
	tests := []struct {
		e    backup.Event
		want bool
	}{
		{backup.Event{Type: backup.EventBackup, Status: "COMPLETED"}, true},
		{backup.Event{Type: backup.EventBackup, Status: "RUNNING"}, false},
		{backup.Event{Type: backup.EventRestore, Status: "FAILED"}, true},
		{backup.Event{Type: backup.EventRestore, ItemID: "i", Status: "FAILED"}, false},
		{backup.Event{Type: backup.EventItem, Status: "COMPLETED"}, false},
	}
	for _, tt := range tests {
		if got := tt.e.Final(); got != tt.want {
			t.Errorf("Final(%+v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}
