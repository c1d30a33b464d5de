package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

func (r *result) print(w io.Writer) {
	d := r.DataSet
	fmt.Fprintf(w, "\nbackup benchmark: %s in %d files (seed %d) at %s\n",
		mibString(d.Bytes), d.Files, d.Seed, d.Dir)
	fmt.Fprintf(w, "host: %d CPUs, load average %.1f at the start and %.1f at the end; "+
		"%d warm-up and %d timed runs per tool, medians shown\n", r.CPUs, r.LoadAverage,
		r.LoadAtEnd, r.WarmupRuns, r.Runs)
	fmt.Fprintf(w, "before every backup the page cache was dropped and the data set read "+
		"back into it, so every tool read it from memory; sync ran before every timed "+
		"phase; restored trees and stored backups were deleted only at the end\n")
	if r.CacheKept {
		fmt.Fprintf(w, "the page cache could NOT be dropped (not root): later rounds may "+
			"run slower than earlier ones\n")
	}
	fmt.Fprintln(w)
	r.printTable(w)
	r.printMemory(w)
	r.printRatios(w)
	r.printTargets(w)
}

func (r *result) printTable(w io.Writer) {
	fmt.Fprintf(w, "%-8s %10s %9s %10s %9s %11s   %s\n", "tool", "backup s", "MiB/s",
		"restore s", "MiB/s", "stored MiB", "timed runs: backup s / restore s")
	for _, e := range r.Tools {
		switch {
		case e.Skipped:
			fmt.Fprintf(w, "%-8s skipped\n", e.Tool)
			continue
		case e.Error != "":
			fmt.Fprintf(w, "%-8s FAILED: %s\n", e.Tool, oneLine(e.Error))
			continue
		}
		fmt.Fprintf(w, "%-8s %10.2f %9.1f %10.2f %9.1f %11.1f   %s / %s\n", e.Tool,
			e.BackupSeconds, r.rate(e.BackupSeconds), e.RestoreSeconds,
			r.rate(e.RestoreSeconds), mib(e.StoredBytes), timedRuns(e.Backups),
			timedRuns(e.Restores))
	}
	fmt.Fprintln(w)
	for _, e := range r.Tools {
		if e.Version != "" {
			fmt.Fprintf(w, "  %-8s %s\n", e.Tool, oneLine(e.Version))
		}
	}
	fmt.Fprintln(w)
}

func (r *result) rate(seconds float64) float64 {
	if seconds == 0 {
		return 0
	}
	return mib(r.DataSet.Bytes) / seconds
}

func timedRuns(ss []sample) string {
	var parts []string
	for _, s := range ss {
		if s.Round > 0 {
			parts = append(parts, fmt.Sprintf("%.2f", s.Seconds))
		}
	}
	return strings.Join(parts, " ")
}

func (r *result) printMemory(w io.Writer) {
	c := r.entry("coffer")
	if !c.complete() {
		return
	}
	scope := "reset before each phase"
	if r.RSSSinceStart {
		scope = "since the agent started: it could not be reset"
	}
	fmt.Fprintf(w, "coffer-agent peak RSS (VmHWM, %s): backup %s, restore %s\n",
		scope, mibString(c.BackupPeakRSS), mibString(c.RestorePeakRSS))
	fmt.Fprintf(w, "coffer backup: the agent spent %.2f s of the %.2f s on the item "+
		"(medians, as the control plane recorded it)\n\n", c.BackupItemSeconds,
		c.BackupSeconds)
}

func (r *result) printRatios(w io.Writer) {
	x := r.Ratios
	fmt.Fprintln(w, "ratios of median times (for classic and restic: their time over "+
		"Coffer's; for the limit: Coffer's over the limit's)")
	fmt.Fprintf(w, "  backup:  classic %s, restic %s, limit %s\n",
		times(x.BackupVsClassic), times(x.BackupVsRestic), times(x.BackupVsLimit))
	fmt.Fprintf(w, "  restore: classic %s, restic %s, limit %s\n\n",
		times(x.RestoreVsClassic), times(x.RestoreVsRestic), times(x.RestoreVsLimit))
}

func (r *result) printTargets(w io.Writer) {
	for _, t := range r.Targets {
		got, verdict := "-", "not measured"
		if t.Got != nil {
			got = fmt.Sprintf("%.2f", *t.Got)
		}
		if t.Met != nil {
			verdict = "MISSED"
			if *t.Met {
				verdict = "met"
			}
		}
		fmt.Fprintf(w, "target: %s: %s (%s)\n", t.Goal, got, verdict)
	}
	fmt.Fprintln(w)
}

func times(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fx", *v)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const n = 300
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// printJSON writes the one-line summary that scripts can parse.
func (r *result) printJSON(w io.Writer) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", raw)
	return err
}
