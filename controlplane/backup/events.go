package backup

import (
	"sync"
	"time"
)

// The types of events.
const (
	// EventBackup: the backup's status changed.
	EventBackup = "backup"
	// EventItem: an item's status changed, or its measured size is known.
	EventItem = "item"
	// EventProgress: bytes an item or a restored item has moved so far.
	EventProgress = "progress"
	// EventRestore: a restore of the backup changed status.
	EventRestore = "restore"
)

// Event is one change of a backup or of one of its restores, as the API
// streams it to clients.
type Event struct {
	Type      string    `json:"type"`
	BackupID  string    `json:"backupId"`
	RestoreID string    `json:"restoreId,omitempty"`
	ItemID    string    `json:"itemId,omitempty"`
	Status    string    `json:"status,omitempty"`
	Error     string    `json:"error,omitempty"`
	Message   string    `json:"message,omitempty"`
	At        time.Time `json:"at"`
	// TotalBytes is what an item measured before it started, when known.
	TotalBytes   int64 `json:"totalBytes,omitempty"`
	ReadBytes    int64 `json:"readBytes,omitempty"`
	WrittenBytes int64 `json:"writtenBytes,omitempty"`
	// Size and SHA256 describe a completed item's object.
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Final reports whether the event ends a backup or a restore, rather than
// one item of them.
func (e Event) Final() bool {
	return (e.Type == EventBackup || e.Type == EventRestore) && e.ItemID == "" &&
		final(e.Status)
}

// subscriberBuffer is how many events a subscriber may fall behind.
const subscriberBuffer = 256

// Broker fans events out to subscribers of one backup. Publishing never
// waits: a subscriber too slow to take a progress event misses it, and
// one too slow to take a status event is dropped, its channel closed, so
// that it can subscribe again and start from the current state instead of
// showing a wrong one.
type Broker struct {
	mu     sync.Mutex
	subs   map[string]map[*subscriber]struct{} // by backup id
	closed bool
}

type subscriber struct {
	ch     chan Event
	closed bool
}

// NewBroker returns a broker without subscribers.
func NewBroker() *Broker {
	return &Broker{subs: make(map[string]map[*subscriber]struct{})}
}

// Subscribe returns the events of backupID from now on. Call cancel when
// done; the channel is closed then, or earlier if the subscriber fell
// behind.
func (b *Broker) Subscribe(backupID string) (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, subscriberBuffer)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	if b.subs[backupID] == nil {
		b.subs[backupID] = make(map[*subscriber]struct{})
	}
	b.subs[backupID][s] = struct{}{}
	b.mu.Unlock()

	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.drop(backupID, s)
		})
	}
}

// Publish hands e to every subscriber of its backup.
func (b *Broker) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs[e.BackupID] {
		select {
		case s.ch <- e:
		default:
			if e.Type != EventProgress {
				b.drop(e.BackupID, s)
			}
		}
	}
}

// drop removes s and closes its channel. b.mu must be held.
func (b *Broker) drop(backupID string, s *subscriber) {
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
	delete(b.subs[backupID], s)
	if len(b.subs[backupID]) == 0 {
		delete(b.subs, backupID)
	}
}

// Close ends every subscription and refuses new ones, so that streams to
// clients end when the control plane stops.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for id, subs := range b.subs {
		for s := range subs {
			b.drop(id, s)
		}
	}
}

// Subscribers returns how many subscribers backupID has.
func (b *Broker) Subscribers(backupID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[backupID])
}
