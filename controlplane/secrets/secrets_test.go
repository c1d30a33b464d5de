package secrets_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/secrets"
)

func newTestKey(t *testing.T) secrets.Key {
	t.Helper()
	raw := make([]byte, secrets.KeySize)
	_, _ = rand.Read(raw)
	key, err := secrets.NewKey(raw)
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	return key
}

func TestSealOpenRoundTrip(t *testing.T) {
	key := newTestKey(t)
	for _, plaintext := range [][]byte{nil, []byte("s3cr3t"), bytes.Repeat([]byte{0}, 4096)} {
		sealed, err := key.Seal(plaintext)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if !strings.HasPrefix(sealed, "v1:") {
			t.Fatalf("sealed %q, want the v1: prefix", sealed)
		}
		if len(plaintext) > 0 && strings.Contains(sealed, string(plaintext)) {
			t.Fatalf("sealed value %q shows the plaintext", sealed)
		}

		got, err := key.Open(sealed)
		if err != nil || !bytes.Equal(got, plaintext) {
			t.Fatalf("Open = %q, %v; want %q", got, err, plaintext)
		}
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	key := newTestKey(t)
	a, _ := key.Seal([]byte("same"))
	b, _ := key.Seal([]byte("same"))
	if a == b {
		t.Fatalf("two seals of the same plaintext are equal: %q", a)
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	key := newTestKey(t)
	sealed, err := key.Seal([]byte("database password"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))

	// Flip one bit at every position: nonce, ciphertext and tag.
	for i := range raw {
		changed := bytes.Clone(raw)
		changed[i] ^= 0x01
		tampered := "v1:" + base64.StdEncoding.EncodeToString(changed)
		if _, err := key.Open(tampered); !errors.Is(err, secrets.ErrTampered) {
			t.Fatalf("Open with byte %d flipped = %v, want ErrTampered", i, err)
		}
	}

	if _, err := newTestKey(t).Open(sealed); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("Open under another key = %v, want ErrTampered", err)
	}
	truncated := "v1:" + base64.StdEncoding.EncodeToString(raw[:len(raw)-1])
	if _, err := key.Open(truncated); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("Open truncated = %v, want ErrTampered", err)
	}
}

func TestOpenRefusesMalformed(t *testing.T) {
	key := newTestKey(t)
	for _, sealed := range []string{"", "plain", "v2:AAAA", "v1:not base64!", "v1:AAAA"} {
		if _, err := key.Open(sealed); !errors.Is(err, secrets.ErrMalformed) {
			t.Errorf("Open(%q) = %v, want ErrMalformed", sealed, err)
		}
	}
}

func TestZeroKeyRefuses(t *testing.T) {
	var key secrets.Key
	if _, err := key.Seal([]byte("x")); !errors.Is(err, secrets.ErrInvalidKey) {
		t.Fatalf("Seal with zero Key = %v, want ErrInvalidKey", err)
	}
	if _, err := secrets.NewKey(make([]byte, 16)); !errors.Is(err, secrets.ErrInvalidKey) {
		t.Fatalf("NewKey(16 bytes) = %v, want ErrInvalidKey", err)
	}
}

// FuzzOpen feeds arbitrary stored values to Open, which must refuse them
// cleanly rather than panic.
func FuzzOpen(f *testing.F) {
	raw := bytes.Repeat([]byte{7}, secrets.KeySize)
	key, err := secrets.NewKey(raw)
	if err != nil {
		f.Fatalf("NewKey: %v", err)
	}
	sealed, _ := key.Seal([]byte("seed"))
	for _, seed := range []string{sealed, "", "v1:", "v1:AAAA", "v2:x"} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, value string) {
		// Only the seed's own sealed bytes may authenticate; anything else
		// opening would be a forgery.
		plaintext, err := key.Open(value)
		if err == nil && string(plaintext) != "seed" {
			t.Fatalf("Open(%q) = %q without error", value, plaintext)
		}
	})
}
