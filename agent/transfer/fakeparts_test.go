package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// secretMark is part of every fake URL, so tests can check that no error
// or log line repeats a URL.
const secretMark = "X-Amz-Signature=topsecret"

// fakeParts stands in for an S3 server behind presigned UploadPart URLs:
// PUT /part/N stores the body and answers with an ETag. Failures are
// injected per part number.
type fakeParts struct {
	t      *testing.T
	server *httptest.Server

	mu          sync.Mutex
	parts       map[int32][]byte
	fail        map[int32][]int // statuses to answer, in order, before succeeding
	failAlways  map[int32]int
	resetOnce   map[int32]bool // drop the connection instead of answering
	requests    map[int32]int
	inFlight    int
	maxInFlight int
}

func newFakeParts(t *testing.T) *fakeParts {
	f := &fakeParts{
		t:          t,
		parts:      make(map[int32][]byte),
		fail:       make(map[int32][]int),
		failAlways: make(map[int32]int),
		resetOnce:  make(map[int32]bool),
		requests:   make(map[int32]int),
	}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeParts) serve(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/part/"))
	if r.Method != http.MethodPut || err != nil || !strings.Contains(r.URL.RawQuery, secretMark) {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	if r.Header.Get("X-Test-Signed") != "yes" {
		f.t.Errorf("part %d sent without its signed header", n)
	}
	if r.ContentLength < 0 {
		f.t.Errorf("part %d sent without Content-Length", n)
	}

	f.enter()
	defer f.leave()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if status := f.injected(int32(n)); status != 0 {
		f.answerFailure(w, status)
		return
	}

	f.mu.Lock()
	f.parts[int32(n)] = body
	f.mu.Unlock()
	w.Header().Set("ETag", fmt.Sprintf(`"etag-%d"`, n))
	w.WriteHeader(http.StatusOK)
}

// injected returns the failure to answer for part n now, if any; -1 means
// dropping the connection.
func (f *fakeParts) injected(n int32) int {
	f.mu.Lock()
	defer f.mu.Unlock()

	f.requests[n]++
	if f.resetOnce[n] {
		delete(f.resetOnce, n)
		return -1
	}
	if status, ok := f.failAlways[n]; ok {
		return status
	}
	if queue := f.fail[n]; len(queue) > 0 {
		f.fail[n] = queue[1:]
		return queue[0]
	}
	return 0
}

func (f *fakeParts) answerFailure(w http.ResponseWriter, status int) {
	if status == -1 {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<Error><Code>Injected</Code></Error>`))
}

func (f *fakeParts) enter() {
	f.mu.Lock()
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()

	// Holding each part a moment lets concurrent uploads overlap, so the
	// test can see whether more than allowed are in flight.
	time.Sleep(5 * time.Millisecond)
}

func (f *fakeParts) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
}

// url returns the presigned part as the control plane would send it.
func (f *fakeParts) url(n int32, expires time.Time) protocol.PresignedPart {
	return protocol.PresignedPart{
		Number:    n,
		URL:       fmt.Sprintf("%s/part/%d?%s", f.server.URL, n, secretMark),
		Headers:   map[string]string{"X-Test-Signed": "yes"},
		ExpiresAt: expires,
	}
}

// signer counts the batches asked for and answers them.
type signer struct {
	fake  *fakeParts
	ttl   time.Duration
	mu    sync.Mutex
	calls [][2]int32
}

func (s *signer) next(_ context.Context, first, count int32) ([]protocol.PresignedPart, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, [2]int32{first, count})

	parts := make([]protocol.PresignedPart, 0, count)
	for n := first; n < first+count; n++ {
		parts = append(parts, s.fake.url(n, time.Now().Add(s.ttl)))
	}
	return parts, nil
}

// assembled joins the stored parts in order, as completing would.
func (f *fakeParts) assembled() ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.parts) == 0 {
		return nil, false
	}
	var all bytes.Buffer
	for n := int32(1); n <= int32(len(f.parts)); n++ {
		part, ok := f.parts[n]
		if !ok {
			f.t.Errorf("part %d missing among %d", n, len(f.parts))
		}
		all.Write(part)
	}
	return all.Bytes(), true
}
