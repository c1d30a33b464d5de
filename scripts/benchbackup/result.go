package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// sample is one timed phase of one round; round 0 is the warm-up.
type sample struct {
	Round       int     `json:"round"`
	Seconds     float64 `json:"seconds"`
	StoredBytes int64   `json:"storedBytes,omitempty"`
	PeakRSS     int64   `json:"peakRSSBytes,omitempty"`
	// ItemSeconds is, for Coffer's backups, the agent's time on the items.
	ItemSeconds float64 `json:"itemSeconds,omitempty"`
}

// entry is everything measured of one tool.
type entry struct {
	Tool     string   `json:"tool"`
	Version  string   `json:"version,omitempty"`
	Skipped  bool     `json:"skipped,omitempty"`
	Error    string   `json:"error,omitempty"`
	Backups  []sample `json:"backups"`
	Restores []sample `json:"restores"`
	// Medians of the timed rounds, and the largest peak RSS of any round.
	BackupSeconds     float64 `json:"backupMedianSeconds,omitempty"`
	RestoreSeconds    float64 `json:"restoreMedianSeconds,omitempty"`
	StoredBytes       int64   `json:"storedBytes,omitempty"`
	BackupItemSeconds float64 `json:"backupItemMedianSeconds,omitempty"`
	BackupPeakRSS     int64   `json:"backupPeakRSSBytes,omitempty"`
	RestorePeakRSS    int64   `json:"restorePeakRSSBytes,omitempty"`
}

func (e *entry) fail(step string, err error) {
	if e.Error == "" {
		e.Error = step + ": " + err.Error()
		progress("%s: %s failed: %v", e.Tool, step, err)
	}
}

// complete reports whether the tool has medians to compare.
func (e *entry) complete() bool {
	return e != nil && e.Error == "" && !e.Skipped && e.BackupSeconds > 0 &&
		e.RestoreSeconds > 0
}

type datasetSummary struct {
	Dir     string `json:"dir"`
	SizeMiB int    `json:"sizeMiB"`
	Seed    uint64 `json:"seed"`
	Files   int    `json:"files"`
	Bytes   int64  `json:"bytes"`
}

// result is the whole run; it is also the JSON summary.
type result struct {
	Benchmark   string         `json:"benchmark"`
	DataSet     datasetSummary `json:"dataSet"`
	Runs        int            `json:"timedRuns"`
	WarmupRuns  int            `json:"warmupRuns"`
	CPUs        int            `json:"cpus"`
	LoadAverage float64        `json:"loadAverage1m"`
	LoadAtEnd   float64        `json:"loadAverage1mAtEnd"`
	Method      string         `json:"method"`
	Tools       []*entry       `json:"tools"`
	Ratios      ratios         `json:"ratios"`
	Targets     []target       `json:"targets"`
	// RSSSinceStart is set when the agent's peak could not be reset
	// between phases.
	RSSSinceStart bool `json:"rssSinceAgentStart,omitempty"`
	// CacheKept is set when the page cache could not be dropped before
	// the backups (the benchmark was not run as root).
	CacheKept bool `json:"pageCacheKept,omitempty"`
}

const method = "each tool runs once to warm up, then the timed runs; medians of the " +
	"timed runs; tools interleaved round by round; sync before every timed phase; " +
	"before every backup the page cache is dropped and the data set read back into it, " +
	"so every tool reads it from memory and starts with the same cache; " +
	"every restore is checked file by file (sha256) outside the timings; restored " +
	"trees and stored backups are removed only at the end, so that no phase follows " +
	"a mass deletion"

func newResult(opts options, ds *dataset) *result {
	r := &result{
		Benchmark: "backup",
		DataSet: datasetSummary{Dir: ds.dir, SizeMiB: ds.Spec.SizeMiB, Seed: ds.Spec.Seed,
			Files: ds.Files, Bytes: ds.Bytes},
		Runs: opts.runs, WarmupRuns: 1, CPUs: runtime.NumCPU(), LoadAverage: loadAverage(),
		Method: method,
	}
	for _, name := range toolNames {
		r.Tools = append(r.Tools, &entry{Tool: name, Backups: []sample{}, Restores: []sample{}})
	}
	return r
}

func (r *result) entry(name string) *entry {
	for _, e := range r.Tools {
		if e.Tool == name {
			return e
		}
	}
	panic("no entry for tool " + name)
}

// failed reports whether a tool that was not skipped did not finish.
func (r *result) failed() bool {
	return slices.ContainsFunc(r.Tools, func(e *entry) bool { return e.Error != "" })
}

// summarize derives the medians, ratios and target verdicts.
func (r *result) summarize() {
	r.LoadAtEnd = loadAverage()
	for _, e := range r.Tools {
		e.BackupSeconds = medianTimed(e.Backups, func(s sample) float64 { return s.Seconds })
		e.BackupItemSeconds = medianTimed(e.Backups,
			func(s sample) float64 { return s.ItemSeconds })
		e.RestoreSeconds = medianTimed(e.Restores, func(s sample) float64 { return s.Seconds })
		for _, s := range e.Backups {
			e.StoredBytes = s.StoredBytes
			e.BackupPeakRSS = max(e.BackupPeakRSS, s.PeakRSS)
		}
		for _, s := range e.Restores {
			e.RestorePeakRSS = max(e.RestorePeakRSS, s.PeakRSS)
		}
		// A tool that failed in a later round has no comparable median.
		if e.Error != "" {
			e.BackupSeconds, e.RestoreSeconds, e.BackupItemSeconds = 0, 0, 0
		}
	}
	r.Ratios = r.ratios()
	r.Targets = r.targets()
}

// medianTimed is the median of a value over the rounds after the warm-up.
func medianTimed(ss []sample, value func(sample) float64) float64 {
	var xs []float64
	for _, s := range ss {
		if s.Round > 0 {
			xs = append(xs, value(s))
		}
	}
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}

// loadAverage returns the one-minute load average, or 0 if unknown.
// Timings on a machine busy with other work say little, so it is reported.
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(raw), " ")
	v, _ := strconv.ParseFloat(first, 64)
	return v
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func mibString(b int64) string { return fmt.Sprintf("%.1f MiB", mib(b)) }
