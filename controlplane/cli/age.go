package cli

import (
	"fmt"
	"time"
)

// ago says how long before now t was, roughly: "12s ago", "3h ago".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		// Clocks of client and server disagree; the event is not future.
		return "just now"
	}
	return roughly(d) + " ago"
}

// fromNow says how long after now t is, roughly: "in 59m".
func fromNow(t, now time.Time) string {
	d := t.Sub(now)
	if d < 0 {
		return roughly(-d) + " ago"
	}
	return "in " + roughly(d)
}

// roughly renders d in its largest whole unit, keeping the minutes of a
// few hours (a token that expires in 1h29m is not one that expires in 1h)
// and counting in hours up to two days, since "1d" hides too much.
func roughly(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", m)
	case h < 10 && m != 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dd", h/24)
	}
}

// stamp renders a moment for a detail view: absolute and relative.
func stamp(t, now time.Time) string {
	return t.Local().Format(time.RFC3339) + " (" + ago(t, now) + ")"
}
