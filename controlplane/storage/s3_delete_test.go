package storage_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/controlplane/storage"
)

// refusingBatchServer is an S3 endpoint that lacks DeleteObjects and
// records single deletes. Any other request fails the test.
type refusingBatchServer struct {
	t *testing.T

	mu      sync.Mutex
	batches int
	deleted []string
}

func (s *refusingBatchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()

	switch {
	case r.Method == http.MethodPost && r.URL.Query().Has("delete"):
		s.batches++
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<Error><Code>NotImplemented</Code><Message>no batch</Message></Error>`))
	case r.Method == http.MethodDelete:
		s.deleted = append(s.deleted, strings.TrimPrefix(r.URL.Path, "/bucket/"))
		w.WriteHeader(http.StatusNoContent)
	default:
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusBadRequest)
	}
}

func TestS3DeleteFallsBackToSingleDeletes(t *testing.T) {
	fake := &refusingBatchServer{t: t}
	server := httptest.NewServer(fake)
	defer server.Close()

	target, err := storage.NewS3(storage.S3Config{
		Endpoint: server.URL, Bucket: "bucket", PathStyle: true,
		AccessKeyID: "id", SecretAccessKey: "secret",
	})
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}

	ctx := testContext(t)
	if err := target.Delete(ctx, "a", "b"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := target.Delete(ctx, "c", "d"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}

	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.batches != 1 {
		t.Errorf("batch requests = %d, want 1: the refusal should be remembered", fake.batches)
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(fake.deleted, want) {
		t.Errorf("deleted %q, want %q", fake.deleted, want)
	}
}
