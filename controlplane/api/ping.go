package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/cofferhq/coffer/controlplane/hub"
)

// pingTimeout bounds one ping round trip; an agent slower than this is
// reported as failed rather than holding the request open.
const pingTimeout = 10 * time.Second

// pingConcurrency caps the pings in flight for a fleet-wide check.
const pingConcurrency = 256

type pingResult struct {
	HostID     string  `json:"hostId"`
	OK         bool    `json:"ok"`
	DurationMs float64 `json:"durationMs"`
	Error      string  `json:"error,omitempty"`
}

type fleetPingResult struct {
	Hosts      int          `json:"hosts"`
	OK         int          `json:"ok"`
	Failed     int          `json:"failed"`
	DurationMs float64      `json:"durationMs"`
	Results    []pingResult `json:"results"`
}

// pingHost sends the no-op command through the host's tunnel and reports
// the round trip: the quickest way to see that an agent really answers.
func (s *Server) pingHost(w http.ResponseWriter, r *http.Request) *apiError {
	h, err := s.store.GetHost(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "host")
	}
	res, err := s.ping(r.Context(), h.ID)
	if errors.Is(err, hub.ErrHostOffline) {
		return errorf(http.StatusConflict, "host_offline", "The host is not connected.")
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// pingFleet pings every host connected to this control plane at once.
func (s *Server) pingFleet(w http.ResponseWriter, r *http.Request) *apiError {
	ids := s.hub.Connected()
	out := fleetPingResult{Hosts: len(ids), Results: make([]pingResult, len(ids))}
	start := time.Now()

	var wg sync.WaitGroup
	slots := make(chan struct{}, pingConcurrency)
	for i, id := range ids {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			out.Results[i], _ = s.ping(r.Context(), id)
		}()
	}
	wg.Wait()

	out.DurationMs = ms(time.Since(start))
	for _, res := range out.Results {
		if res.OK {
			out.OK++
		} else {
			out.Failed++
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) ping(ctx context.Context, hostID string) (pingResult, error) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	start := time.Now()
	err := s.hub.Ping(ctx, hostID)
	res := pingResult{HostID: hostID, OK: err == nil, DurationMs: ms(time.Since(start))}
	if err != nil {
		res.Error = err.Error()
	}
	return res, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
