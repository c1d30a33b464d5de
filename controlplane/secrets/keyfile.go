package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvMasterKey names the environment variable that may hold the master key,
// base64-encoded. When set and not empty, it takes precedence over the key
// file.
const EnvMasterKey = "COFFER_MASTER_KEY"

// KeyFileName is the key file inside the data directory.
const KeyFileName = "master.key"

// LoadKey returns the master key from COFFER_MASTER_KEY, or else from
// <dataDir>/master.key, which is generated on first use. Losing the key
// loses every secret sealed under it; it belongs in the operator's backups
// of the control plane itself.
func LoadKey(dataDir string) (Key, error) {
	if encoded := os.Getenv(EnvMasterKey); encoded != "" {
		key, err := parseKey(encoded)
		if err != nil {
			return Key{}, fmt.Errorf("read %s: %w", EnvMasterKey, err)
		}
		return key, nil
	}

	path := filepath.Join(dataDir, KeyFileName)
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return Key{}, err
		}
		key, err = readKeyFile(path)
	}
	return key, err
}

func parseKey(encoded string) (Key, error) {
	encoded = strings.TrimSpace(encoded)
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(encoded)
	}
	if err != nil {
		return Key{}, fmt.Errorf("decode base64: %w", ErrInvalidKey)
	}
	return NewKey(raw)
}

// readKeyFile refuses a key file that others may read, as ssh does for
// private keys: the file is the one secret that unlocks all others.
func readKeyFile(path string) (Key, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Key{}, fmt.Errorf("read key file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return Key{}, fmt.Errorf("read key file %s: mode %04o lets others read it, "+
			"want 0600: %w", path, perm, ErrInvalidKey)
	}

	encoded, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("read key file: %w", err)
	}
	key, err := parseKey(string(encoded))
	if err != nil {
		return Key{}, fmt.Errorf("read key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile writes a new random key. The key is written completely to
// a temporary file and then linked to its name, which fails if the name
// exists: two control planes starting together on one data directory
// both end up with the key that was linked first.
func createKeyFile(path string) error {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("generate master key: %w", err)
	}
	encoded := base64.StdEncoding.EncodeToString(raw) + "\n"

	tmp, err := os.CreateTemp(filepath.Dir(path), ".master.key-")
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())

	// CreateTemp makes the file 0600 already.
	_, err = tmp.WriteString(encoded)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}

	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create key file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a new directory entry durable, so the key file survives a
// crash right after secrets were sealed with it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync data directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync data directory: %w", err)
	}
	return nil
}
