package transfer_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// flakyObject serves one object and breaks off the first responses
// halfway, as a dropped connection would.
type flakyObject struct {
	data    []byte
	breaks  int // responses still to break off
	fail500 int // responses still to refuse with 500
	stalls  int // responses still to go silent halfway

	mu     sync.Mutex
	ranges []string
}

func (o *flakyObject) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.ranges = append(o.ranges, r.Header.Get("Range"))
	refuse, breakOff := o.fail500 > 0, o.fail500 == 0 && o.breaks > 0
	stall := !refuse && !breakOff && o.stalls > 0
	if refuse {
		o.fail500--
	} else if breakOff {
		o.breaks--
	} else if stall {
		o.stalls--
	}
	o.mu.Unlock()

	if refuse {
		http.Error(w, "busy", http.StatusInternalServerError)
		return
	}

	start := 0
	status := http.StatusOK
	if spec := r.Header.Get("Range"); spec != "" {
		start, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(spec, "bytes="), "-"))
		status = http.StatusPartialContent
		w.Header().Set("Content-Range",
			fmt.Sprintf("bytes %d-%d/%d", start, len(o.data)-1, len(o.data)))
	}
	body := o.data[start:]
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)

	if stall {
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done() // silent, with the connection open
		return
	}
	if breakOff {
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	_, _ = w.Write(body)
}

func serveObject(t *testing.T, o *flakyObject) protocol.PresignedGet {
	server := httptest.NewServer(o)
	t.Cleanup(server.Close)
	return protocol.PresignedGet{
		URL:       server.URL + "/object?" + secretMark,
		ExpiresAt: time.Now().Add(time.Hour),
		Size:      int64(len(o.data)),
	}
}

// downloadAll reads object through d and checks that every byte came.
func downloadAll(t *testing.T, d transfer.Downloader, object *flakyObject) {
	t.Helper()
	body, err := d.Download(testContext(t), serveObject(t, object))
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	defer body.Close()
	got, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, object.data) {
		t.Fatalf("read %d bytes that differ from the %d stored", len(got), len(object.data))
	}
}

func TestDownloadResumesAfterBreaks(t *testing.T) {
	object := &flakyObject{data: randomData(t, 1<<20), breaks: 2, fail500: 1}
	downloadAll(t, transfer.Downloader{Retry: fastRetry}, object)

	if len(object.ranges) != 4 || object.ranges[1] != "" || object.ranges[2] == "" {
		t.Fatalf("requests had ranges %q; want a refusal, a full request, then ranges",
			object.ranges)
	}
}

// TestDownloadResumesAfterStall: a connection that goes silent halfway is
// given up after the stall timeout and the rest asked for again.
func TestDownloadResumesAfterStall(t *testing.T) {
	object := &flakyObject{data: randomData(t, 1<<20), stalls: 1}
	d := transfer.Downloader{Retry: fastRetry, StallTimeout: 200 * time.Millisecond}
	downloadAll(t, d, object)

	object.mu.Lock()
	defer object.mu.Unlock()
	if len(object.ranges) != 2 || object.ranges[0] != "" || object.ranges[1] == "" {
		t.Fatalf("requests had ranges %q; want a full request, then a range", object.ranges)
	}
}

func TestDownloadChecksSize(t *testing.T) {
	get := serveObject(t, &flakyObject{data: []byte("short")})
	get.Size = 10

	_, err := transfer.Downloader{Retry: fastRetry}.Download(testContext(t), get)
	if !errors.Is(err, transfer.ErrIncomplete) {
		t.Fatalf("Download = %v, want ErrIncomplete", err)
	}
}

func TestDownloadNotFound(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	defer server.Close()
	get := protocol.PresignedGet{URL: server.URL + "/gone?" + secretMark}

	_, err := transfer.Downloader{Retry: fastRetry}.Download(testContext(t), get)
	if !errors.Is(err, transfer.ErrNotFound) {
		t.Fatalf("Download = %v, want ErrNotFound", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("error %q repeats the presigned URL", err)
	}
}

func TestDownloadUnreachable(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	url := server.URL
	server.Close()
	get := protocol.PresignedGet{URL: url + "/x?" + secretMark}

	_, err := transfer.Downloader{Retry: fastRetry}.Download(testContext(t), get)
	if !errors.Is(err, transfer.ErrUnavailable) || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("Download = %v, want ErrUnavailable without the URL", err)
	}
}
