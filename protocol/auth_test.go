package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// The proof carries whole seconds, so test clocks stay on whole seconds.
var signedAt = time.Unix(1_750_000_000, 0).UTC()

const testHostID = "host-7f3a"

// testKey returns a fixed key pair; seed picks which.
func testKey(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

func TestConnectProofRoundTrip(t *testing.T) {
	pub, priv := testKey(1)
	h := protocol.SignConnect(priv, testHostID, signedAt.Add(300*time.Millisecond))

	p, err := protocol.ParseConnect(h)
	if err != nil {
		t.Fatalf("ParseConnect: got %v, want nil", err)
	}
	if p.HostID != testHostID {
		t.Errorf("HostID: got %q, want %q", p.HostID, testHostID)
	}
	if !p.Timestamp.Equal(signedAt) {
		t.Errorf("Timestamp: got %v, want %v", p.Timestamp, signedAt)
	}
	if len(p.Nonce) != 32 {
		t.Errorf("Nonce length: got %d, want 32", len(p.Nonce))
	}
	if err := p.Verify(pub, signedAt); err != nil {
		t.Errorf("Verify: got %v, want nil", err)
	}
}

func TestSignConnectNoncesDiffer(t *testing.T) {
	_, priv := testKey(1)
	a := protocol.SignConnect(priv, testHostID, signedAt).Get(protocol.HeaderNonce)
	b := protocol.SignConnect(priv, testHostID, signedAt).Get(protocol.HeaderNonce)
	if a == b {
		t.Errorf("nonces of two proofs: got %q twice, want different", a)
	}
}

func TestVerifyClockSkew(t *testing.T) {
	pub, priv := testKey(1)
	p, err := protocol.ParseConnect(protocol.SignConnect(priv, testHostID, signedAt))
	if err != nil {
		t.Fatalf("ParseConnect: got %v, want nil", err)
	}

	bad := protocol.ErrBadProof
	tests := []struct {
		name    string
		now     time.Time
		wantErr error
	}{
		{"verifier at skew limit ahead", signedAt.Add(protocol.MaxClockSkew), nil},
		{"verifier at skew limit behind", signedAt.Add(-protocol.MaxClockSkew), nil},
		{"verifier too far ahead", signedAt.Add(protocol.MaxClockSkew + time.Second), bad},
		{"verifier too far behind", signedAt.Add(-protocol.MaxClockSkew - time.Second), bad},
		{"verifier a day ahead", signedAt.Add(24 * time.Hour), bad},
		{"verifier at zero time", time.Time{}, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Verify(pub, tt.now)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify at %v: got %v, want %v", tt.now, err, tt.wantErr)
			}
		})
	}
}

func TestVerifyWrongKey(t *testing.T) {
	_, priv := testKey(1)
	otherPub, _ := testKey(2)
	p, err := protocol.ParseConnect(protocol.SignConnect(priv, testHostID, signedAt))
	if err != nil {
		t.Fatalf("ParseConnect: got %v, want nil", err)
	}

	tests := []struct {
		name string
		pub  ed25519.PublicKey
	}{
		{"another host's key", otherPub},
		{"no key", nil},
		{"short key", otherPub[:ed25519.PublicKeySize-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.Verify(tt.pub, signedAt); !errors.Is(err, protocol.ErrBadProof) {
				t.Errorf("Verify: got %v, want %v", err, protocol.ErrBadProof)
			}
		})
	}
}

// Each tampered proof still parses, but its signature no longer covers it.
func TestVerifyTampered(t *testing.T) {
	pub, priv := testKey(1)
	tests := []struct {
		name   string
		tamper func(h http.Header)
	}{
		{"host id", func(h http.Header) { h.Set(protocol.HeaderHostID, "host-other") }},
		{"timestamp", func(h http.Header) {
			h.Set(protocol.HeaderTimestamp, strconv.FormatInt(signedAt.Unix()+1, 10))
		}},
		{"nonce", func(h http.Header) {
			n := []byte(h.Get(protocol.HeaderNonce))
			if n[0] == '0' {
				n[0] = '1'
			} else {
				n[0] = '0'
			}
			h.Set(protocol.HeaderNonce, string(n))
		}},
		{"signature", func(h http.Header) {
			sig, _ := base64.StdEncoding.DecodeString(h.Get(protocol.HeaderSignature))
			sig[10] ^= 0x01
			h.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := protocol.SignConnect(priv, testHostID, signedAt)
			tt.tamper(h)

			p, err := protocol.ParseConnect(h)
			if err != nil {
				t.Fatalf("ParseConnect: got %v, want nil", err)
			}
			if err := p.Verify(pub, signedAt); !errors.Is(err, protocol.ErrBadProof) {
				t.Errorf("Verify: got %v, want %v", err, protocol.ErrBadProof)
			}
		})
	}
}

func TestParseConnectMalformed(t *testing.T) {
	_, priv := testKey(1)
	sig := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	tests := []struct {
		name   string
		header string
		value  string // "" deletes the header
	}{
		{"missing host id", protocol.HeaderHostID, ""},
		{"host id too long", protocol.HeaderHostID, strings.Repeat("h", 65)},
		{"missing timestamp", protocol.HeaderTimestamp, ""},
		{"timestamp not a number", protocol.HeaderTimestamp, "yesterday"},
		{"timestamp as RFC 3339", protocol.HeaderTimestamp, signedAt.Format(time.RFC3339)},
		{"timestamp overflows", protocol.HeaderTimestamp, "99999999999999999999"},
		{"missing nonce", protocol.HeaderNonce, ""},
		{"nonce too short", protocol.HeaderNonce, strings.Repeat("a", 31)},
		{"nonce too long", protocol.HeaderNonce, strings.Repeat("a", 33)},
		{"nonce not hex", protocol.HeaderNonce, strings.Repeat("g", 32)},
		{"missing signature", protocol.HeaderSignature, ""},
		{"signature not base64", protocol.HeaderSignature, "not*base64!"},
		{"signature url-safe base64", protocol.HeaderSignature, strings.Repeat("-_", 43)},
		{"signature too short", protocol.HeaderSignature, sig(ed25519.SignatureSize - 1)},
		{"signature too long", protocol.HeaderSignature, sig(ed25519.SignatureSize + 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := protocol.SignConnect(priv, testHostID, signedAt)
			if tt.value == "" {
				h.Del(tt.header)
			} else {
				h.Set(tt.header, tt.value)
			}

			if _, err := protocol.ParseConnect(h); !errors.Is(err, protocol.ErrBadProof) {
				t.Errorf("ParseConnect with %s %q: got %v, want %v",
					tt.header, tt.value, err, protocol.ErrBadProof)
			}
		})
	}

	if _, err := protocol.ParseConnect(http.Header{}); !errors.Is(err, protocol.ErrBadProof) {
		t.Errorf("ParseConnect with no headers: got %v, want %v", err, protocol.ErrBadProof)
	}
}

func TestVerifyZeroProof(t *testing.T) {
	pub, _ := testKey(1)
	var p protocol.ConnectProof
	if err := p.Verify(pub, signedAt); !errors.Is(err, protocol.ErrBadProof) {
		t.Errorf("Verify of empty proof: got %v, want %v", err, protocol.ErrBadProof)
	}
}
