package store_test

import (
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/host"
)

func TestRevokeHostHidesIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		kept := enroll(t, s, "kept")
		gone := enroll(t, s, "gone")

		mustNot(t, "RevokeHost", s.RevokeHost(t.Context(), gone.ID, epoch))

		_, err := s.GetHost(t.Context(), gone.ID)
		wantErr(t, "GetHost of a revoked host", err, store.ErrNotFound)
		mustNot(t, "TouchHosts of a revoked host",
			s.TouchHosts(t.Context(), []string{gone.ID}, epoch))
		err = s.RevokeHost(t.Context(), gone.ID, epoch)
		wantErr(t, "RevokeHost again", err, store.ErrNotFound)

		hs, err := s.ListHosts(t.Context())
		mustNot(t, "ListHosts", err)
		if len(hs) != 1 || hs[0].ID != kept.ID {
			t.Errorf("ListHosts: got %d hosts, want only %s", len(hs), kept.ID)
		}
	})
}

func TestHostLiveness(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		h := enroll(t, s, "node")
		facts := map[string]string{"os": "linux", "kernel": "6.1"}
		later := epoch.Add(time.Minute)

		err := s.MarkHostOnline(t.Context(), h.ID, "0.2.0", facts, later)
		mustNot(t, "MarkHostOnline", err)
		got, err := s.GetHost(t.Context(), h.ID)
		mustNot(t, "GetHost", err)
		if got.Status != host.StatusOnline || got.AgentVersion != "0.2.0" ||
			got.Facts["kernel"] != "6.1" {
			t.Errorf("online host: got %s %s %v, want online 0.2.0 with kernel fact",
				got.Status, got.AgentVersion, got.Facts)
		}
		checkLastSeen(t, got.LastSeenAt, later)

		latest := later.Add(time.Minute)
		mustNot(t, "TouchHosts", s.TouchHosts(t.Context(), []string{h.ID}, latest))
		got, err = s.GetHost(t.Context(), h.ID)
		mustNot(t, "GetHost", err)
		checkLastSeen(t, got.LastSeenAt, latest)

		mustNot(t, "MarkAllHostsOffline", s.MarkAllHostsOffline(t.Context()))
		got, err = s.GetHost(t.Context(), h.ID)
		mustNot(t, "GetHost", err)
		if got.Status != host.StatusOffline {
			t.Errorf("after MarkAllHostsOffline: got %s, want offline", got.Status)
		}

		err = s.MarkHostOffline(t.Context(), "missing", epoch)
		wantErr(t, "MarkHostOffline of an unknown host", err, store.ErrNotFound)
		err = s.MarkHostOnline(t.Context(), "missing", "0.2.0", nil, epoch)
		wantErr(t, "MarkHostOnline of an unknown host", err, store.ErrNotFound)
	})
}

func TestMarkHostOffline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		h := enroll(t, s, "node")
		mustNot(t, "MarkHostOnline", s.MarkHostOnline(t.Context(), h.ID, "0.1.0", nil, epoch))

		mustNot(t, "MarkHostOffline", s.MarkHostOffline(t.Context(), h.ID, epoch))
		got, err := s.GetHost(t.Context(), h.ID)
		mustNot(t, "GetHost", err)
		if got.Status != host.StatusOffline {
			t.Errorf("status: got %s, want offline", got.Status)
		}

		// The session of a revoked host still ends and is still recorded.
		mustNot(t, "RevokeHost", s.RevokeHost(t.Context(), h.ID, epoch))
		err = s.MarkHostOffline(t.Context(), h.ID, epoch)
		mustNot(t, "MarkHostOffline of a revoked host", err)
	})
}

func checkLastSeen(t *testing.T, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want.Truncate(time.Microsecond)) {
		t.Errorf("last seen: got %v, want %v", got, want)
	}
}
