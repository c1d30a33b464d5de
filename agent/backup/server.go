package backup

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// Defaults of Config.
const (
	DefaultMaxItems    = 2
	DefaultStopTimeout = 30 * time.Second
)

// Config holds what a Server needs.
type Config struct {
	// Runtime says how to reach containerd to pause, stop and start
	// containers. It is dialled per item, only by items that need it.
	Runtime runtime.Config
	// Journal records every container an item pauses or stops. Required.
	Journal *journal.Journal
	// Logger receives one line per finished operation.
	Logger zerolog.Logger
	// MaxItems is how many backup and restore items run at once; more
	// wait in the order they arrived. Default 2.
	MaxItems int
	// StopTimeout is how long a stopping container may take to exit
	// before it is killed. Default 30 s.
	StopTimeout time.Duration
	// Retry bounds the retries of each storage request; zero values take
	// the transfer package's defaults.
	Retry transfer.RetryPolicy
	// HTTPClient sends storage requests; nil takes the transfer
	// package's default.
	HTTPClient *http.Client
	// SpoolDir holds the parts of S3 uploads in files while they are
	// sent. Empty keeps them in memory, which then grows with the part
	// size, and so with the volume.
	SpoolDir string
	// HoldGrace is how long a container stays paused or stopped after an
	// item that asked to keep it so for the next volume, if that item does
	// not come. Default one minute.
	HoldGrace time.Duration
}

// Server runs the operations. Its handler methods have the signature of
// tunnel.Handler.
type Server struct {
	cfg     Config
	log     zerolog.Logger
	slots   *queue
	jobs    jobSet
	parking *parking
}

// New makes a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Journal == nil {
		return nil, errors.New("make backup server: no journal")
	}
	if cfg.MaxItems <= 0 {
		cfg.MaxItems = DefaultMaxItems
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = DefaultStopTimeout
	}
	if cfg.HoldGrace <= 0 {
		cfg.HoldGrace = DefaultHoldGrace
	}
	log := cfg.Logger.With().Str("component", "backup").Logger()
	return &Server{
		cfg:     cfg,
		log:     log,
		slots:   newQueue(cfg.MaxItems),
		jobs:    jobSet{count: make(map[string]int)},
		parking: newParking(cfg.HoldGrace, log),
	}, nil
}

// Close resumes or starts every container still held for a next volume.
// Items that run on are not waited for: each releases its own container.
// A failure is left to the agent's recovery, which the journal drives.
func (s *Server) Close(ctx context.Context) error {
	return s.parking.close(ctx)
}

// RunningJobs names the jobs with items in progress or waiting, for the
// handshake after a reconnect.
func (s *Server) RunningJobs() []string { return s.jobs.list() }

// Measure serves OpMeasure.
func (s *Server) Measure(ctx context.Context, st *protocol.Stream, h protocol.Header) {
	serve(ctx, s, st, h, s.measure)
}

// BackupItem serves OpBackupItem.
func (s *Server) BackupItem(ctx context.Context, st *protocol.Stream, h protocol.Header) {
	serve(ctx, s, st, h, s.backupItem)
}

// RestoreItem serves OpRestoreItem.
func (s *Server) RestoreItem(ctx context.Context, st *protocol.Stream, h protocol.Header) {
	serve(ctx, s, st, h, s.restoreItem)
}
