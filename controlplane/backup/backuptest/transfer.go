package backuptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// backupItem uploads the payload in parts. Only the first part's URL is
// taken from the request; the others are asked for on the stream, so that
// every upload exercises the control plane's answers.
func (a *Agent) backupItem(st *protocol.Stream, req protocol.BackupItemRequest) {
	a.mu.Lock()
	a.backups = append(a.backups, req)
	a.mu.Unlock()
	if req.Sink.Local != nil {
		a.backupLocal(st, *req.Sink.Local)
		return
	}
	if req.Sink.S3 == nil || len(req.Sink.S3.URLs) == 0 {
		_ = st.Fail(protocol.CodeInternal, "the request names no storage")
		return
	}

	start := time.Now()
	urls := map[int32]protocol.PresignedPart{1: req.Sink.S3.URLs[0]}
	var receipts []protocol.PartReceipt
	partSize := int(req.Sink.S3.Plan.PartSize)
	for i := 0; i*partSize < len(a.payload); i++ {
		n := int32(i + 1)
		if a.failAfter > 0 && i == a.failAfter {
			_ = st.Fail(protocol.CodeSourceMissing, "the volume vanished while it was read")
			return
		}
		part, err := a.urlFor(st, urls, n)
		if err != nil {
			_ = st.Fail(protocol.CodeStorage, err.Error())
			return
		}
		chunk := a.payload[i*partSize : min((i+1)*partSize, len(a.payload))]
		etag, err := put(part, chunk)
		if err != nil {
			_ = st.Fail(protocol.CodeStorage, err.Error())
			return
		}
		receipts = append(receipts, protocol.PartReceipt{Number: n, ETag: etag,
			Size: int64(len(chunk))})
		done := int64(i*partSize + len(chunk))
		_ = st.Send(protocol.TypeEvent, protocol.ItemEvent{ReadBytes: done, WrittenBytes: done})
	}

	sum := sha256.Sum256(a.payload)
	_ = st.Send(protocol.TypeResult, protocol.BackupItemResult{
		Size: int64(len(a.payload)), SHA256: hex.EncodeToString(sum[:]),
		SourceBytes: int64(len(a.payload)), Files: 1, Parts: receipts,
		Duration: time.Since(start),
	})
}

// urlFor returns part n's URL, asking the control plane for a batch when
// it has none.
func (a *Agent) urlFor(st *protocol.Stream, urls map[int32]protocol.PresignedPart,
	n int32) (protocol.PresignedPart, error) {
	if part, ok := urls[n]; ok {
		return part, nil
	}
	want := protocol.URLRange{First: n, Count: 4}
	a.mu.Lock()
	a.askedFor = append(a.askedFor, want)
	a.mu.Unlock()

	if err := st.Send(protocol.TypeEvent, protocol.ItemEvent{NeedURLs: &want}); err != nil {
		return protocol.PresignedPart{}, err
	}
	m, err := st.Recv()
	if err != nil {
		return protocol.PresignedPart{}, err
	}
	var ev protocol.ItemEvent
	if err := m.Decode(&ev); err != nil {
		return protocol.PresignedPart{}, err
	}
	for _, p := range ev.URLs {
		urls[p.Number] = p
	}
	part, ok := urls[n]
	if !ok {
		return part, fmt.Errorf("no url for part %d in the answer", n)
	}
	return part, nil
}

func put(part protocol.PresignedPart, body []byte) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, part.URL,
		bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("build part request: %w", err)
	}
	for k, v := range part.Headers {
		req.Header.Set(k, v)
	}
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("upload part %d: %w", part.Number, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("upload part %d: status %d", part.Number, resp.StatusCode)
	}
	return resp.Header.Get("ETag"), nil
}

// restoreItem downloads the object and checks it against the recorded
// size and sha256, as an agent does before it writes anything.
func (a *Agent) restoreItem(st *protocol.Stream, req protocol.RestoreItemRequest) {
	a.mu.Lock()
	a.restores = append(a.restores, req)
	a.mu.Unlock()
	if req.S3 == nil {
		_ = st.Fail(protocol.CodeInternal, "the fake agent only reads from S3")
		return
	}

	resp, err := http.Get(req.S3.URL)
	if err != nil {
		_ = st.Fail(protocol.CodeStorage, "download failed")
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	sum := sha256.Sum256(body)
	if err != nil || resp.StatusCode != http.StatusOK || int64(len(body)) != req.Size ||
		hex.EncodeToString(sum[:]) != req.SHA256 {
		_ = st.Fail(protocol.CodeChecksum, "the object does not match its record")
		return
	}
	_ = st.Send(protocol.TypeEvent, protocol.ItemEvent{ReadBytes: int64(len(body)),
		WrittenBytes: int64(len(body))})
	_ = st.Send(protocol.TypeResult, protocol.RestoreItemResult{Bytes: int64(len(body)),
		Files: 1, Duration: time.Millisecond})
}
