// Package secrets seals the secrets the control plane stores (storage
// keys, database passwords) with AES-256-GCM under a master key, so that a
// copy of the database alone reveals none of them.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a master key in bytes.
const KeySize = 32

// version1 prefixes every sealed value: v1:<base64 of nonce, ciphertext
// and tag>. A later format gets a new prefix and Open keeps reading both.
const version1 = "v1:"

// additionalData binds each ciphertext to its format version, so that a
// sealed value cannot be replayed under another format.
var additionalData = []byte("coffer secret v1")

var (
	// ErrInvalidKey means a master key is missing, malformed or of the wrong
	// length.
	ErrInvalidKey = errors.New("invalid master key")
	// ErrMalformed means a sealed value is not in a format this version reads.
	ErrMalformed = errors.New("malformed sealed secret")
	// ErrTampered means a sealed value fails authentication: it was
	// changed, or sealed under another master key.
	ErrTampered = errors.New("sealed secret fails authentication")
)

// Key is a master key ready to seal and open secrets. The zero Key seals
// nothing.
type Key struct {
	aead cipher.AEAD
}

// NewKey returns a Key from KeySize raw bytes.
func NewKey(raw []byte) (Key, error) {
	if len(raw) != KeySize {
		return Key{}, fmt.Errorf("use key of %d bytes, want %d: %w", len(raw), KeySize,
			ErrInvalidKey)
	}

	block, err := aes.NewCipher(raw)
	if err != nil {
		return Key{}, fmt.Errorf("create cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return Key{}, fmt.Errorf("create gcm: %w", err)
	}
	return Key{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce.
func (k Key) Seal(plaintext []byte) (string, error) {
	if k.aead == nil {
		return "", fmt.Errorf("seal secret: %w", ErrInvalidKey)
	}

	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal secret: read nonce: %w", err)
	}

	sealed := k.aead.Seal(nonce, nonce, plaintext, additionalData)
	return version1 + base64.StdEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value made by Seal.
func (k Key) Open(sealed string) ([]byte, error) {
	if k.aead == nil {
		return nil, fmt.Errorf("open secret: %w", ErrInvalidKey)
	}

	encoded, ok := strings.CutPrefix(sealed, version1)
	if !ok {
		return nil, fmt.Errorf("open secret: unknown version: %w", ErrMalformed)
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(raw) < k.aead.NonceSize()+k.aead.Overhead() {
		return nil, fmt.Errorf("open secret: %w", ErrMalformed)
	}

	nonce, ciphertext := raw[:k.aead.NonceSize()], raw[k.aead.NonceSize():]
	plaintext, err := k.aead.Open(nil, nonce, ciphertext, additionalData)
	if err != nil {
		return nil, fmt.Errorf("open secret: %w", ErrTampered)
	}
	return plaintext, nil
}
