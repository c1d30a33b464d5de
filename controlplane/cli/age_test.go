package cli

import (
	"testing"
	"time"
)

func TestAges(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s ago"},
		{12 * time.Second, "12s ago"},
		{time.Minute, "1m ago"},
		{59*time.Minute + 59*time.Second, "59m ago"},
		{time.Hour, "1h ago"},
		{time.Hour + 29*time.Minute + 59*time.Second, "1h29m ago"},
		{10*time.Hour + 5*time.Minute, "10h ago"},
		{47 * time.Hour, "47h ago"},
		{48 * time.Hour, "2d ago"},
		{-5 * time.Second, "just now"},
	} {
		if got := ago(now.Add(-tc.d), now); got != tc.want {
			t.Errorf("ago(now-%s): got %q, want %q", tc.d, got, tc.want)
		}
	}

	if got := fromNow(now.Add(time.Hour), now); got != "in 1h" {
		t.Errorf("fromNow(now+1h): got %q, want %q", got, "in 1h")
	}
	if got := fromNow(now.Add(-time.Minute), now); got != "1m ago" {
		t.Errorf("fromNow(now-1m): got %q, want %q", got, "1m ago")
	}
}
