package targets_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/storagetarget"
)

func newKey(t *testing.T, b byte) secrets.Key {
	t.Helper()
	key, err := secrets.NewKey(bytes.Repeat([]byte{b}, secrets.KeySize))
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	return key
}

func TestOpenLocal(t *testing.T) {
	r, err := targets.Open(&ent.StorageTarget{
		Name: "disk", Type: storagetarget.TypeLocal, LocalDir: "/srv", MaxParts: 1000,
	}, secrets.Key{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if r.Type != "local" || r.LocalDir != "/srv" || r.S3 != nil || r.MaxParts != 1000 {
		t.Errorf("resolved: got %+v, want local /srv without S3", r)
	}
}

func TestOpenS3(t *testing.T) {
	key := newKey(t, 1)
	sealed, err := key.Seal([]byte("secret"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	stored := &ent.StorageTarget{
		Name: "b2", Type: storagetarget.TypeS3, Endpoint: "http://127.0.0.1:7070",
		Bucket: "b", AccessKeyID: "a", SecretSealed: sealed, MaxParts: 10000,
	}

	r, err := targets.Open(stored, key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if r.Type != "s3" || r.S3 == nil || r.LocalDir != "" || r.MaxParts != 10000 {
		t.Errorf("resolved: got %+v, want s3 with a target", r)
	}

	_, err = targets.Open(stored, newKey(t, 2))
	if !errors.Is(err, secrets.ErrTampered) {
		t.Errorf("Open under another key: got %v, want %v", err, secrets.ErrTampered)
	}
	if _, err := targets.Open(nil, key); err == nil {
		t.Error("Open(nil): got no error, want one")
	}
}
