package store

import (
	"crypto/ed25519"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cofferhq/coffer/ent/schema"
)

// Limits on what agents and API clients may store. Agents are authenticated
// but not trusted with unbounded rows.
const (
	maxHostNameLen  = 253 // a fully qualified DNS name
	maxTokenNameLen = 128
	maxFacts        = 100
	maxFactKeyLen   = 128
	maxFactValueLen = 1024
	maxScopes       = 64
	maxScopeLen     = 128
	// MaxEnrollmentTTL bounds how long an enrollment token stays usable.
	MaxEnrollmentTTL = 30 * 24 * time.Hour
)

func validateProjectName(name string) error {
	if name == "" || len(name) > schema.ProjectNameMaxLen {
		return invalid("project name must be 1 to %d characters", schema.ProjectNameMaxLen)
	}
	if !schema.ProjectNamePattern.MatchString(name) {
		return invalid("project name %q must be lowercase letters, digits, '_', '.' "+
			"or '-', starting with a letter or digit", name)
	}
	return nil
}

func validateTTL(ttl time.Duration) error {
	if ttl <= 0 || ttl > MaxEnrollmentTTL {
		return invalid("ttl %s must be positive and at most %s", ttl, MaxEnrollmentTTL)
	}
	return nil
}

func validateNewHost(h NewHost) error {
	if err := validateText("host name", h.Name, maxHostNameLen); err != nil {
		return err
	}
	if len(h.PublicKey) != ed25519.PublicKeySize {
		return invalid("public key has %d bytes, want %d",
			len(h.PublicKey), ed25519.PublicKeySize)
	}
	return validateFacts(h.Facts)
}

func validateFacts(facts map[string]string) error {
	if len(facts) > maxFacts {
		return invalid("%d host facts, at most %d allowed", len(facts), maxFacts)
	}
	for k, v := range facts {
		if k == "" || len(k) > maxFactKeyLen || len(v) > maxFactValueLen {
			return invalid("host fact %.32q is empty or too long", k)
		}
	}
	return nil
}

func validateTokenInput(name, token string, scopes []string) error {
	if err := validateText("token name", name, maxTokenNameLen); err != nil {
		return err
	}
	if token == "" {
		return invalid("token is empty")
	}
	if len(scopes) > maxScopes {
		return invalid("%d scopes, at most %d allowed", len(scopes), maxScopes)
	}
	for _, sc := range scopes {
		if err := validateText("scope", sc, maxScopeLen); err != nil {
			return err
		}
	}
	return nil
}

// validateText accepts printable UTF-8 of 1 to maxLen bytes.
func validateText(what, s string, maxLen int) error {
	if s == "" || len(s) > maxLen {
		return invalid("%s must be 1 to %d bytes", what, maxLen)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return invalid("%s %q contains invalid characters", what, s)
	}
	return nil
}
