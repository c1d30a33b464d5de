package storage_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
)

func TestS3Probe(t *testing.T) {
	good := testS3Config(t)
	tests := []struct {
		name      string
		change    func(*storage.S3Config)
		want      error
		retryable bool
	}{
		{"valid", func(*storage.S3Config) {}, nil, false},
		{"wrong secret", func(c *storage.S3Config) { c.SecretAccessKey = "wrong" },
			storage.ErrAccessDenied, false},
		{"wrong access key", func(c *storage.S3Config) { c.AccessKeyID = "nobody" },
			storage.ErrAccessDenied, false},
		{"missing bucket", func(c *storage.S3Config) { c.Bucket = "coffer-no-such-bucket" },
			storage.ErrBucketNotFound, false},
		{"closed port", func(c *storage.S3Config) { c.Endpoint = "http://" + closedAddr(t) },
			storage.ErrUnreachable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			target, err := storage.NewS3(cfg)
			if err != nil {
				t.Fatalf("NewS3: %v", err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			err = target.Probe(ctx)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Probe error = %v, want %v", err, tt.want)
			}
			if got := storage.IsRetryable(err); got != tt.retryable {
				t.Fatalf("IsRetryable(%v) = %v, want %v", err, got, tt.retryable)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Fatalf("Probe took %s, want an answer within seconds", elapsed)
			}
		})
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
