// Package auth holds the control plane's credentials: bearer tokens for the
// API and one-time enrollment tokens for agents.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
)

// Token prefixes say what a token is for, so a leaked one is recognisable.
const (
	APITokenPrefix        = "cft"
	EnrollmentTokenPrefix = "cfe"
)

// tokenBytes is the secret's size: 256 bits leave nothing to guess.
const tokenBytes = 32

var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").
	WithPadding(base32.NoPadding)

// NewToken returns a fresh secret of the form <prefix>_<random>, the random
// part in lowercase unpadded base32. The prefix must be lowercase letters or
// digits so that the underscore stays an unambiguous separator.
func NewToken(prefix string) (string, error) {
	if !validPrefix(prefix) {
		return "", fmt.Errorf("create token: invalid prefix %q", prefix)
	}

	secret := make([]byte, tokenBytes)
	if _, err := rand.Read(secret); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}

	return prefix + "_" + tokenEncoding.EncodeToString(secret), nil
}

// HashToken returns the hex sha256 of a token, the form in which tokens are
// stored and looked up. A plain hash is enough: the secret has 256 bits of
// entropy, so there is nothing for a slow hash to protect.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func validPrefix(prefix string) bool {
	if prefix == "" {
		return false
	}
	for _, r := range prefix {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
