package archive_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
)

func TestDigest(t *testing.T) {
	var buf bytes.Buffer
	d := archive.NewDigest(&buf)
	for _, part := range []string{"coffer ", "keeps ", "", "volumes"} {
		if _, err := io.WriteString(d, part); err != nil {
			t.Fatal(err)
		}
	}

	want := sha256.Sum256([]byte("coffer keeps volumes"))
	size, sum := d.Sum()
	if size != 20 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("Sum() = %d, %s; want 20, %x", size, sum, want)
	}
	if buf.String() != "coffer keeps volumes" {
		t.Errorf("passed through %q, want %q", buf.String(), "coffer keeps volumes")
	}
}

// shortWriter accepts only its first n bytes.
type shortWriter struct{ n int }

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestDigestCountsOnlyAcceptedBytes(t *testing.T) {
	d := archive.NewDigest(&shortWriter{n: 4})
	if _, err := io.WriteString(d, "coffer"); err == nil {
		t.Fatal("Write past the limit succeeded, want the writer's error")
	}
	want := sha256.Sum256([]byte("coff"))
	if size, sum := d.Sum(); size != 4 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("Sum() = %d, %s; want 4, %x", size, sum, want)
	}
}

func TestDigestWithoutWriter(t *testing.T) {
	d := archive.NewDigest(nil)
	if _, err := io.Copy(d, strings.NewReader("restore side")); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte("restore side"))
	if size, sum := d.Sum(); size != 12 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("Sum() = %d, %s; want 12, %x", size, sum, want)
	}
}
