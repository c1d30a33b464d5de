package auth_test

import (
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/auth"
)

func TestNewTokenShape(t *testing.T) {
	tok, err := auth.NewToken(auth.APITokenPrefix)
	if err != nil {
		t.Fatalf("NewToken: %v", err)
	}

	rest, ok := strings.CutPrefix(tok, "cft_")
	if !ok {
		t.Fatalf("token %q: want prefix cft_", tok)
	}
	// 32 bytes are 256 bits, which take 52 base32 characters.
	if got, want := len(rest), 52; got != want {
		t.Errorf("secret length: got %d, want %d", got, want)
	}
	for _, r := range rest {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz234567", r) {
			t.Errorf("secret %q: unexpected character %q", rest, r)
		}
	}
}

func TestNewTokenIsRandom(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		tok, err := auth.NewToken(auth.EnrollmentTokenPrefix)
		if err != nil {
			t.Fatalf("NewToken: %v", err)
		}
		if seen[tok] {
			t.Fatalf("token %q returned twice", tok)
		}
		seen[tok] = true
	}
}

func TestNewTokenRejectsBadPrefix(t *testing.T) {
	for _, prefix := range []string{"", "CFT", "cf_t", "cf t", "é"} {
		if tok, err := auth.NewToken(prefix); err == nil {
			t.Errorf("NewToken(%q): got %q, want error", prefix, tok)
		}
	}
}

func TestHashToken(t *testing.T) {
	// sha256("abc") from FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := auth.HashToken("abc"); got != want {
		t.Errorf("HashToken(abc): got %s, want %s", got, want)
	}

	if auth.HashToken("cft_a") == auth.HashToken("cft_b") {
		t.Error("different tokens hash alike")
	}
}
