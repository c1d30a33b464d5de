package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sample is one reading of the control plane's own metrics.
type sample struct {
	Connected  float64 `json:"connected"`
	RSS        float64 `json:"rssBytes"`
	HeapInuse  float64 `json:"heapInuseBytes"`
	StackInuse float64 `json:"stackInuseBytes"`
	Goroutines float64 `json:"goroutines"`
}

// heapStack is the memory the Go runtime holds for live spans and
// goroutine stacks: closer to what the program uses than RSS, which keeps
// freed pages until the scavenger returns them.
func (s sample) heapStack() float64 { return s.HeapInuse + s.StackInuse }

// metricFields maps the gauges read to the fields they fill.
func (s *sample) metricFields() map[string]*float64 {
	return map[string]*float64{
		"coffer_agents_connected":       &s.Connected,
		"process_resident_memory_bytes": &s.RSS,
		"go_memstats_heap_inuse_bytes":  &s.HeapInuse,
		"go_memstats_stack_inuse_bytes": &s.StackInuse,
		"go_goroutines":                 &s.Goroutines,
	}
}

func scrape(ctx context.Context, api *apiClient) (sample, error) {
	body, err := api.get(ctx, api.base+"/metrics")
	if err != nil {
		return sample{}, err
	}
	return parseMetrics(body)
}

// parseMetrics reads the unlabelled gauges of a Prometheus text exposition.
func parseMetrics(body []byte) (sample, error) {
	var s sample
	fields := s.metricFields()
	found := make(map[string]bool, len(fields))
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		dst := fields[name]
		if !ok || dst == nil {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return s, fmt.Errorf("parse metric %s: %w", name, err)
		}
		*dst = v
		found[name] = true
	}
	for name := range fields {
		if !found[name] {
			return s, fmt.Errorf("read metrics: %s is missing", name)
		}
	}
	return s, nil
}

// measure waits for the control plane to settle, then samples it. With
// pprof available it forces a collection first; without, the heap includes
// garbage not yet collected.
func measure(ctx context.Context, api *apiClient, cp *controlPlane,
	settle time.Duration) (sample, error) {
	if err := sleepCtx(ctx, settle); err != nil {
		return sample{}, err
	}
	if cp.pprofURL != "" {
		// Taking a heap profile with gc=1 runs a full collection first.
		if _, err := api.get(ctx, cp.pprofURL+"/debug/pprof/heap?gc=1"); err != nil {
			return sample{}, err
		}
	}
	return scrape(ctx, api)
}

// waitConnected polls until the control plane counts n live agents.
func waitConnected(ctx context.Context, api *apiClient, n int,
	within time.Duration) error {
	deadline := time.Now().Add(within)
	var last sample
	for time.Now().Before(deadline) {
		s, err := scrape(ctx, api)
		if err != nil {
			return err
		}
		if int(s.Connected) == n {
			return nil
		}
		last = s
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("wait for agents: %d of %d connected after %s",
		int(last.Connected), n, within)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
