package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/runtime"
)

// recoveryInterval is how often the agent looks again for containers an
// item paused or stopped and could not resume or start afterwards.
const recoveryInterval = time.Minute

// firstRecoveryTimeout bounds the recovery before the agent connects, so a
// hanging containerd does not keep the agent offline.
const firstRecoveryTimeout = time.Minute

// recoverContainers resumes or starts every container the journal still
// records, logging each one. Its error means records are left to retry.
func recoverContainers(ctx context.Context, j *journal.Journal, cfg runtime.Config,
	log zerolog.Logger) error {
	records, err := j.List()
	if err == nil && len(records) == 0 {
		return nil
	}
	rt, err := runtime.Connect(ctx, cfg)
	if err != nil {
		return fmt.Errorf("recover containers: %w", err)
	}
	defer rt.Close()

	outcomes, err := j.Recover(ctx, rt)
	for _, o := range outcomes {
		if o.Err != nil {
			continue // part of err
		}
		ev := log.Info()
		if o.Record.Purpose == journal.PurposeRestore {
			// The volume may hold a partial restore.
			ev = log.Warn()
		}
		ev.Str("container", o.Record.Key()).Str("action", string(o.Record.Action)).
			Str("purpose", string(o.Record.Purpose)).Str("jobId", o.Record.JobID).
			Str("itemId", o.Record.ItemID).Time("since", o.Record.At).
			Str("settled", string(o.Settled)).Msg("container recovered after interrupted item")
	}
	return err
}

// keepRecovering repeats recovery until ctx ends. A failure is logged when
// it first happens and when it changes, not on every pass.
func keepRecovering(ctx context.Context, j *journal.Journal, cfg runtime.Config,
	log zerolog.Logger) {
	tick := time.NewTicker(recoveryInterval)
	defer tick.Stop()
	reported := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := recoverContainers(ctx, j, cfg, log)
		if err == nil || ctx.Err() != nil {
			reported = ""
			continue
		}
		if msg := err.Error(); msg != reported {
			log.Error().Err(err).Msg("container recovery failed")
			reported = msg
		}
	}
}
