package storage_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/protocol"
)

// TestS3MultipartRoundTrip plays both sides of the data path: the control
// plane creates, signs and completes; a bare HTTP client stands in for the
// agent, which holds no key.
func TestS3MultipartRoundTrip(t *testing.T) {
	target := newTestS3(t)
	ctx := testContext(t)
	key := target.Prefix() + "/shop/b1/vol.tar.zst"
	data := randomBytes(t, 2*storage.MinPartSize+1234)

	uploadID, err := target.CreateUpload(ctx, key)
	if err != nil {
		t.Fatalf("CreateUpload: %v", err)
	}
	parts, err := target.PresignParts(ctx, key, uploadID, 1, 3, time.Hour)
	if err != nil {
		t.Fatalf("PresignParts: %v", err)
	}
	checkPresignedParts(t, parts, 1, 3)

	var receipts []protocol.PartReceipt
	for i, part := range parts {
		start := int64(i) * storage.MinPartSize
		chunk := data[start:min(start+storage.MinPartSize, int64(len(data)))]
		receipts = append(receipts, protocol.PartReceipt{
			Number: part.Number, ETag: putPart(t, part, chunk), Size: int64(len(chunk)),
		})
	}
	if err := target.CompleteUpload(ctx, key, uploadID, receipts); err != nil {
		t.Fatalf("CompleteUpload: %v", err)
	}

	size, _, err := target.Head(ctx, key)
	if err != nil || size != int64(len(data)) {
		t.Fatalf("Head = %d, %v; want %d", size, err, len(data))
	}

	get, err := target.PresignGet(ctx, key, time.Hour)
	if err != nil {
		t.Fatalf("PresignGet: %v", err)
	}
	if get.Size != int64(len(data)) {
		t.Fatalf("PresignGet size = %d, want %d", get.Size, len(data))
	}
	if got := fetch(t, get); sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(got), len(data))
	}
}

func TestS3AbortLeavesNothing(t *testing.T) {
	target := newTestS3(t)
	ctx := testContext(t)
	key := target.Prefix() + "/shop/b2/db.sql.zst"

	uploadID, err := target.CreateUpload(ctx, key)
	if err != nil {
		t.Fatalf("CreateUpload: %v", err)
	}
	parts, err := target.PresignParts(ctx, key, uploadID, 1, 1, time.Hour)
	if err != nil {
		t.Fatalf("PresignParts: %v", err)
	}
	etag := putPart(t, parts[0], []byte("partial"))

	if err := target.AbortUpload(ctx, key, uploadID); err != nil {
		t.Fatalf("AbortUpload: %v", err)
	}
	if err := target.AbortUpload(ctx, key, uploadID); err != nil {
		t.Fatalf("second AbortUpload: %v, want nil", err)
	}

	if _, _, err := target.Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Head after abort: %v, want ErrNotFound", err)
	}
	receipts := []protocol.PartReceipt{{Number: 1, ETag: etag, Size: 7}}
	err = target.CompleteUpload(ctx, key, uploadID, receipts)
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("CompleteUpload after abort: %v, want ErrNotFound", err)
	}
	if objects, err := target.List(ctx, target.Prefix()+"/"); err != nil || len(objects) != 0 {
		t.Fatalf("List after abort = %v, %v; want nothing", objects, err)
	}
}

func TestS3PresignPartsRefusesBadRanges(t *testing.T) {
	target, err := storage.NewS3(storage.S3Config{
		Bucket: "b", AccessKeyID: "id", SecretAccessKey: "s",
	})
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	ctx := testContext(t)

	for _, r := range [][2]int32{{0, 1}, {1, 0}, {10000, 2}, {1, storage.MaxPresignBatch + 1}} {
		_, err := target.PresignParts(ctx, "k", "u", r[0], r[1], time.Hour)
		if !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("PresignParts(%d, %d) error = %v, want ErrInvalidArgument", r[0], r[1], err)
		}
	}
	if _, err := target.PresignParts(ctx, "k", "u", 1, 1, 8*24*time.Hour); !errors.Is(err,
		storage.ErrInvalidArgument) {
		t.Errorf("PresignParts with 8 days error = %v, want ErrInvalidArgument", err)
	}
}

// checkPresignedParts checks numbering, expiry, and that no checksum was
// signed into the URLs: the agent sends none, and providers that do not
// know the headers reject the request.
func checkPresignedParts(t *testing.T, parts []protocol.PresignedPart, first, count int32) {
	t.Helper()
	if int32(len(parts)) != count {
		t.Fatalf("got %d presigned parts, want %d", len(parts), count)
	}
	for i, p := range parts {
		if p.Number != first+int32(i) {
			t.Fatalf("part %d has number %d, want %d", i, p.Number, first+int32(i))
		}
		if time.Until(p.ExpiresAt) < 50*time.Minute {
			t.Fatalf("part %d expires at %s, want about an hour from now", p.Number, p.ExpiresAt)
		}
		u, err := url.Parse(p.URL)
		if err != nil {
			t.Fatalf("part %d: unparsable url", p.Number)
		}
		for name := range u.Query() {
			if strings.Contains(strings.ToLower(name), "checksum") {
				t.Fatalf("part %d url signs %s; want no checksum", p.Number, name)
			}
		}
		if strings.Contains(p.Redacted(), "Signature") {
			t.Fatalf("Redacted() = %q still carries the signature", p.Redacted())
		}
	}
}

// putPart uploads one part as the agent does: a plain PUT to the URL.
func putPart(t *testing.T, part protocol.PresignedPart, body []byte) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, part.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("build part request: %v", err)
	}
	for name, value := range part.Headers {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("put part %d: %v", part.Number, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("put part %d: %s: %s", part.Number, resp.Status, msg)
	}
	return resp.Header.Get("ETag")
}

func fetch(t *testing.T, get protocol.PresignedGet) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, get.URL, nil)
	if err != nil {
		t.Fatalf("build get request: %v", err)
	}
	for name, value := range get.Headers {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("get object: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get object: %s, %v", resp.Status, err)
	}
	return body
}

func randomBytes(t *testing.T, n int64) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random bytes: %v", err)
	}
	return b
}
