package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"
)

// pingRound is one fleet-wide no-op command.
type pingRound struct {
	Hosts    int     `json:"hosts"`
	OK       int     `json:"ok"`
	Failed   int     `json:"failed"`
	ServerMs float64 `json:"serverMs"`
	WallMs   float64 `json:"wallMs"`
	// SlowestMs is the longest single agent's round trip: it tells a
	// round slowed by one straggler from one slowed by queueing.
	SlowestMs float64 `json:"slowestMs"`
}

type fleetPingReply struct {
	Hosts      int     `json:"hosts"`
	OK         int     `json:"ok"`
	Failed     int     `json:"failed"`
	DurationMs float64 `json:"durationMs"`
	Results    []struct {
		HostID     string  `json:"hostId"`
		OK         bool    `json:"ok"`
		DurationMs float64 `json:"durationMs"`
		Error      string  `json:"error"`
	} `json:"results"`
}

// pingRounds asks the control plane to ping every connected agent, rounds
// times in a row.
func pingRounds(ctx context.Context, api *apiClient, rounds int) ([]pingRound, error) {
	out := make([]pingRound, 0, rounds)
	for range rounds {
		r, err := pingFleet(ctx, api)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func pingFleet(ctx context.Context, api *apiClient) (pingRound, error) {
	var reply fleetPingReply
	start := time.Now()
	if err := api.call(ctx, http.MethodPost, "/api/hosts/ping", nil, &reply); err != nil {
		return pingRound{}, err
	}
	wall := time.Since(start)

	reportPingErrors(reply)
	r := pingRound{
		Hosts:    reply.Hosts,
		OK:       reply.OK,
		Failed:   reply.Failed,
		ServerMs: reply.DurationMs,
		WallMs:   float64(wall.Microseconds()) / 1000,
	}
	for _, res := range reply.Results {
		r.SlowestMs = max(r.SlowestMs, res.DurationMs)
	}
	return r, nil
}

// reportPingErrors shows a few failures, enough to see their kind.
func reportPingErrors(reply fleetPingReply) {
	const show = 3
	shown := 0
	for _, r := range reply.Results {
		if r.OK || shown == show {
			continue
		}
		fmt.Fprintf(os.Stderr, "ping %s failed: %s\n", r.HostID, r.Error)
		shown++
	}
}
