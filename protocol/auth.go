package protocol

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Headers of the agent's connect request. Together they prove that the
// caller holds the host's private key at this moment.
const (
	HeaderHostID    = "X-Coffer-Host"
	HeaderTimestamp = "X-Coffer-Timestamp"
	HeaderNonce     = "X-Coffer-Nonce"
	HeaderSignature = "X-Coffer-Signature"
)

// MaxClockSkew is how far an agent's clock may be from the control plane's
// before its connect proof is refused. Nonces must be remembered this long.
const MaxClockSkew = 5 * time.Minute

// ErrBadProof means a connect proof is missing, malformed, stale or forged.
var ErrBadProof = errors.New("invalid connect proof")

// ConnectProof is the signed, timestamped challenge of a connect request.
type ConnectProof struct {
	HostID    string
	Timestamp time.Time
	Nonce     string
	Signature []byte
}

// SignConnect makes the headers of a connect request for hostID.
func SignConnect(key ed25519.PrivateKey, hostID string, now time.Time) http.Header {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:]) // crypto/rand.Read never fails on Linux

	p := ConnectProof{HostID: hostID, Timestamp: now.UTC(), Nonce: hex.EncodeToString(nonce[:])}
	p.Signature = ed25519.Sign(key, p.message())

	h := http.Header{}
	h.Set(HeaderHostID, p.HostID)
	h.Set(HeaderTimestamp, strconv.FormatInt(p.Timestamp.Unix(), 10))
	h.Set(HeaderNonce, p.Nonce)
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(p.Signature))
	return h
}

// ParseConnect reads a connect proof from request headers.
func ParseConnect(h http.Header) (ConnectProof, error) {
	p := ConnectProof{HostID: h.Get(HeaderHostID), Nonce: h.Get(HeaderNonce)}
	if p.HostID == "" || len(p.HostID) > 64 || len(p.Nonce) != 32 {
		return p, ErrBadProof
	}
	if _, err := hex.DecodeString(p.Nonce); err != nil {
		return p, ErrBadProof
	}

	secs, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return p, ErrBadProof
	}
	p.Timestamp = time.Unix(secs, 0).UTC()

	p.Signature, err = base64.StdEncoding.DecodeString(h.Get(HeaderSignature))
	if err != nil || len(p.Signature) != ed25519.SignatureSize {
		return p, ErrBadProof
	}
	return p, nil
}

// Verify checks the signature against the host's public key and the
// timestamp against now. Replays within the skew window must be caught by
// the caller, which remembers nonces.
func (p ConnectProof) Verify(pub ed25519.PublicKey, now time.Time) error {
	skew := now.Sub(p.Timestamp)
	if skew > MaxClockSkew || skew < -MaxClockSkew {
		return ErrBadProof
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, p.message(), p.Signature) {
		return ErrBadProof
	}
	return nil
}

// message is what gets signed. The fixed prefix keeps a connect signature
// from ever being valid for anything else the key might sign.
func (p ConnectProof) message() []byte {
	return []byte("coffer-connect-v1\n" + p.HostID + "\n" +
		strconv.FormatInt(p.Timestamp.Unix(), 10) + "\n" + p.Nonce)
}
