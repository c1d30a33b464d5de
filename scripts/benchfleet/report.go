package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// The targets the benchmark reports against; it does not fail on them.
const (
	targetBytesPerAgent = 64 << 10
	targetPingMs        = 2000
)

// result is everything one run measured; it is also the JSON summary.
type result struct {
	Agents             int         `json:"agents"`
	ControlPlane       string      `json:"controlPlane"`
	Inventory          bool        `json:"inventorySent"`
	ForcedGC           bool        `json:"forcedGC"`
	CPUs               int         `json:"cpus"`
	LoadAverage        float64     `json:"loadAverage1m"`
	ConnectSeconds     float64     `json:"connectSeconds"`
	IdleSeconds        float64     `json:"idleSeconds"`
	Before             sample      `json:"before"`
	After              sample      `json:"after"`
	RSSPerAgent        float64     `json:"rssPerAgentBytes"`
	HeapStackPerAgent  float64     `json:"heapStackPerAgentBytes"`
	GoroutinesPerAgent float64     `json:"goroutinesPerAgent"`
	Rounds             []pingRound `json:"pingRounds"`
	MedianServerMs     float64     `json:"pingMedianServerMs"`
	MedianWallMs       float64     `json:"pingMedianWallMs"`
	PingFailed         int         `json:"pingFailed"`
}

// summarize derives the per-agent and median figures.
func (r *result) summarize() {
	n := float64(r.Agents)
	r.RSSPerAgent = (r.After.RSS - r.Before.RSS) / n
	r.HeapStackPerAgent = (r.After.heapStack() - r.Before.heapStack()) / n
	r.GoroutinesPerAgent = (r.After.Goroutines - r.Before.Goroutines) / n

	var server, wall []float64
	r.PingFailed = 0
	for _, p := range r.Rounds {
		server = append(server, p.ServerMs)
		wall = append(wall, p.WallMs)
		// A host the control plane did not ping is as bad as a failed one.
		r.PingFailed += p.Failed + max(0, r.Agents-p.Hosts)
	}
	r.MedianServerMs = median(server)
	r.MedianWallMs = median(wall)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

func (r *result) print(w io.Writer) {
	fmt.Fprintf(w, "\nfleet benchmark: %d agents, one control plane (%s)\n",
		r.Agents, r.ControlPlane)
	fmt.Fprintf(w, "connected in %.2f s; idle %.0f s before memory was read; "+
		"inventory sent: %s; heap read after a forced GC: %s\n",
		r.ConnectSeconds, r.IdleSeconds, yesNo(r.Inventory), yesNo(r.ForcedGC))
	fmt.Fprintf(w, "host: %d CPUs shared by the agents and the control plane; "+
		"load average %.1f before the pings\n\n", r.CPUs, r.LoadAverage)
	r.printMemory(w)
	r.printPings(w)
	r.printTargets(w)
}

func (r *result) printMemory(w io.Writer) {
	fmt.Fprintf(w, "%-18s %12s %12s %12s\n", "control plane", "before", "after", "per agent")
	fmt.Fprintf(w, "%-18s %12s %12s %12s\n", "RSS",
		mib(r.Before.RSS), mib(r.After.RSS), kib(r.RSSPerAgent))
	fmt.Fprintf(w, "%-18s %12s %12s %12s\n", "heap+stack in use",
		mib(r.Before.heapStack()), mib(r.After.heapStack()), kib(r.HeapStackPerAgent))
	fmt.Fprintf(w, "%-18s %12s %12s %12s\n", "  heap in use",
		mib(r.Before.HeapInuse), mib(r.After.HeapInuse),
		kib((r.After.HeapInuse-r.Before.HeapInuse)/float64(r.Agents)))
	fmt.Fprintf(w, "%-18s %12s %12s %12s\n", "  stacks in use",
		mib(r.Before.StackInuse), mib(r.After.StackInuse),
		kib((r.After.StackInuse-r.Before.StackInuse)/float64(r.Agents)))
	fmt.Fprintf(w, "%-18s %12.0f %12.0f %12.2f\n\n", "goroutines",
		r.Before.Goroutines, r.After.Goroutines, r.GoroutinesPerAgent)
}

func (r *result) printPings(w io.Writer) {
	fmt.Fprintf(w, "%-10s %7s %7s %7s %12s %12s %12s\n",
		"ping round", "hosts", "ok", "failed", "server ms", "wall ms", "slowest ms")
	for i, p := range r.Rounds {
		fmt.Fprintf(w, "%-10d %7d %7d %7d %12.1f %12.1f %12.1f\n",
			i+1, p.Hosts, p.OK, p.Failed, p.ServerMs, p.WallMs, p.SlowestMs)
	}
	fmt.Fprintf(w, "%-34s %12.1f %12.1f\n\n", "median", r.MedianServerMs, r.MedianWallMs)
}

func (r *result) printTargets(w io.Writer) {
	fmt.Fprintf(w, "target: control plane memory per idle agent < %s: RSS %s (%s), "+
		"heap+stack %s (%s)\n", kib(targetBytesPerAgent),
		kib(r.RSSPerAgent), verdict(r.RSSPerAgent < targetBytesPerAgent),
		kib(r.HeapStackPerAgent), verdict(r.HeapStackPerAgent < targetBytesPerAgent))
	fmt.Fprintf(w, "target: no-op command to every agent < %d ms (for 1,000 agents): "+
		"median wall %.0f ms (%s)\n", targetPingMs, r.MedianWallMs,
		verdict(r.MedianWallMs < targetPingMs))
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

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/(1<<10)) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}
