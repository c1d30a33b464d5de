package secrets_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/controlplane/secrets"
)

func TestLoadKeyGeneratesFileOnce(t *testing.T) {
	t.Setenv(secrets.EnvMasterKey, "")
	dir := t.TempDir()

	first, err := secrets.LoadKey(dir)
	if err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	path := filepath.Join(dir, secrets.KeyFileName)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file stat = %v, %v; want mode 0600", info, err)
	}

	sealed, err := first.Seal([]byte("kept"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	second, err := secrets.LoadKey(dir)
	if err != nil {
		t.Fatalf("second LoadKey: %v", err)
	}
	if got, err := second.Open(sealed); err != nil || string(got) != "kept" {
		t.Fatalf("reloaded key opens %q, %v; want %q", got, err, "kept")
	}
	checkNoTempFiles(t, dir)
}

// TestLoadKeyConcurrentFirstUse starts several loaders on an empty data
// directory: they must all end with the same key.
func TestLoadKeyConcurrentFirstUse(t *testing.T) {
	t.Setenv(secrets.EnvMasterKey, "")
	dir := t.TempDir()

	const loaders = 8
	keys := make([]secrets.Key, loaders)
	errs := make([]error, loaders)
	var wg sync.WaitGroup
	for i := range loaders {
		wg.Go(func() { keys[i], errs[i] = secrets.LoadKey(dir) })
	}
	wg.Wait()

	sealed, err := keys[0].Seal([]byte("shared"))
	if err != nil {
		t.Fatalf("Seal: %v (load: %v)", err, errs[0])
	}
	for i := range loaders {
		if errs[i] != nil {
			t.Fatalf("loader %d: %v", i, errs[i])
		}
		if _, err := keys[i].Open(sealed); err != nil {
			t.Fatalf("loader %d got another key: %v", i, err)
		}
	}
	checkNoTempFiles(t, dir)
}

func TestLoadKeyFromEnvironment(t *testing.T) {
	raw := make([]byte, secrets.KeySize)
	_, _ = rand.Read(raw)
	t.Setenv(secrets.EnvMasterKey, base64.StdEncoding.EncodeToString(raw))
	dir := t.TempDir()

	fromEnv, err := secrets.LoadKey(dir)
	if err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	_, err = os.Stat(filepath.Join(dir, secrets.KeyFileName))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("key file written although the environment holds the key: %v", err)
	}

	direct, _ := secrets.NewKey(raw)
	sealed, _ := fromEnv.Seal([]byte("x"))
	if got, err := direct.Open(sealed); err != nil || !bytes.Equal(got, []byte("x")) {
		t.Fatalf("key from environment differs from its bytes: %q, %v", got, err)
	}
}

func TestLoadKeyRefusesBadKeys(t *testing.T) {
	short := base64.StdEncoding.EncodeToString([]byte("short"))
	for _, value := range []string{"not base64!", short} {
		t.Setenv(secrets.EnvMasterKey, value)
		if _, err := secrets.LoadKey(t.TempDir()); !errors.Is(err, secrets.ErrInvalidKey) {
			t.Errorf("LoadKey with %s=%q = %v, want ErrInvalidKey",
				secrets.EnvMasterKey, value, err)
		}
	}

	t.Setenv(secrets.EnvMasterKey, "")
	dir := t.TempDir()
	if _, err := secrets.LoadKey(dir); err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	if err := os.Chmod(filepath.Join(dir, secrets.KeyFileName), 0o644); err != nil {
		t.Fatalf("chmod: %v", err)
	}
	if _, err := secrets.LoadKey(dir); !errors.Is(err, secrets.ErrInvalidKey) {
		t.Fatalf("LoadKey with a world-readable key file = %v, want ErrInvalidKey", err)
	}
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	if len(entries) != 1 || entries[0].Name() != secrets.KeyFileName {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("data directory holds %q, want only %s", names, secrets.KeyFileName)
	}
}
