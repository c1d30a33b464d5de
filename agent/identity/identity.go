// Package identity keeps the agent's enrolled identity in its state
// directory: the host id the control plane assigned, the control plane's
// URL, and the Ed25519 key that proves the host is who it says.
package identity

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrNotEnrolled means the state directory holds no identity yet.
var ErrNotEnrolled = errors.New("agent is not enrolled")

const (
	identityFile = "identity.json"
	keyFile      = "agent.key"
)

// Identity is what an enrolled agent knows about itself.
type Identity struct {
	ServerURL  string    `json:"serverUrl"`
	HostID     string    `json:"hostId"`
	EnrolledAt time.Time `json:"enrolledAt"`

	Key ed25519.PrivateKey `json:"-"`
}

// Load reads the identity from dir.
func Load(dir string) (*Identity, error) {
	raw, err := os.ReadFile(filepath.Join(dir, identityFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("read identity: %w", err)
	}

	var id Identity
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, fmt.Errorf("decode identity in %s: %w", dir, err)
	}
	if id.HostID == "" || id.ServerURL == "" {
		return nil, fmt.Errorf("decode identity in %s: host id or server missing", dir)
	}
	id.Key, err = loadKey(dir)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// Save writes the identity file atomically, readable by its owner only.
func (id *Identity) Save(dir string) error {
	raw, err := json.MarshalIndent(id, "", "  ")
	if err != nil {
		return fmt.Errorf("encode identity: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, identityFile), append(raw, '\n'))
}

// LoadOrCreateKey returns the key in dir, generating and saving one first
// if there is none. Keeping the key before enrolling means a retried
// enrollment registers the same key.
func LoadOrCreateKey(dir string) (ed25519.PrivateKey, error) {
	key, err := loadKey(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	block := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := writeFileAtomic(filepath.Join(dir, keyFile), block); err != nil {
		return nil, err
	}
	return key, nil
}

func loadKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, keyFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("decode key %s: no PEM block", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("decode key %s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("decode key %s: not an Ed25519 key", path)
	}
	return key, nil
}

// writeFileAtomic replaces path with data, mode 0600, never leaving a
// partial file under the final name.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())

	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}
