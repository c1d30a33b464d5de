package backup_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

func putObject(t *testing.T, srv *testServer, obj protocol.LocalObject,
	content []byte) protocol.Message {
	t.Helper()
	it := startItem(t, srv.PutObject, protocol.OpPutObject,
		protocol.PutObjectRequest{Object: obj, Content: content})
	return it.result()
}

func deleteObjects(t *testing.T, srv *testServer, dir string, keys ...string) protocol.Message {
	t.Helper()
	it := startItem(t, srv.DeleteObjects, protocol.OpDeleteObjects,
		protocol.DeleteObjectsRequest{Target: protocol.LocalTarget{Dir: dir}, Keys: keys})
	return it.result()
}

func writeFile(t *testing.T, p string, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatalf("create directory of %s: %v", p, err)
	}
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		t.Fatalf("write %s: %v", p, err)
	}
}

func TestPutObjectWritesWholeFile(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	obj := localSink(t, "p/b/manifest.json")
	content := []byte(`{"version":1}`)

	res := decodeResult[protocol.PutObjectResult](t, putObject(t, srv, *obj, content))
	if res.Size != int64(len(content)) {
		t.Errorf("result size %d, want %d", res.Size, len(content))
	}
	got, err := os.ReadFile(storedFile(obj))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("stored file = %q, %v; want %q", got, err, content)
	}
	entries, err := os.ReadDir(filepath.Dir(storedFile(obj)))
	if err != nil || len(entries) != 1 {
		t.Errorf("backup directory holds %v (%v), want the manifest alone", entries, err)
	}
}

func TestPutObjectRefusesUnsafeKeysAndLargeContent(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "escape")
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "link")); err != nil {
		t.Fatalf("symlink: %v", err)
	}

	tests := map[string]struct {
		key     string
		content []byte
		code    string
	}{
		"parent":     {"../escape", []byte("x"), protocol.CodeInternal},
		"absolute":   {outside, []byte("x"), protocol.CodeInternal},
		"unclean":    {"p/../../escape", []byte("x"), protocol.CodeInternal},
		"empty":      {"", []byte("x"), protocol.CodeInternal},
		"symlink":    {"link/escape", []byte("x"), protocol.CodeStorage},
		"over limit": {"p/b/big", make([]byte, protocol.MaxObjectSize+1), protocol.CodeInternal},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			obj := protocol.LocalObject{Target: protocol.LocalTarget{Dir: dir}, Key: tt.key}
			expectFailure(t, putObject(t, srv, obj, tt.content), tt.code)
		})
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("file outside the target: %v, want none", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "p", "b", "big")); !os.IsNotExist(err) {
		t.Errorf("oversized file: %v, want none", err)
	}
}

func TestDeleteObjectsRemovesFilesAndFolder(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p/b/vol.tar.zst"), "data")
	writeFile(t, filepath.Join(dir, "p/b/manifest.json"), "{}")
	writeFile(t, filepath.Join(dir, "p/b/.coffer-tmp-0123"), "partial")
	writeFile(t, filepath.Join(dir, "p/other/vol.tar.zst"), "kept")

	m := deleteObjects(t, srv, dir, "p/b/vol.tar.zst", "p/b/gone.tar.zst", "p/b/manifest.json")
	res := decodeResult[protocol.DeleteObjectsResult](t, m)
	if res != (protocol.DeleteObjectsResult{Deleted: 2, Missing: 1}) {
		t.Errorf("result %+v, want 2 deleted, 1 missing", res)
	}
	if _, err := os.Lstat(filepath.Join(dir, "p/b")); !os.IsNotExist(err) {
		t.Errorf("backup folder after delete: %v, want it gone", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "p/other/vol.tar.zst")); err != nil {
		t.Errorf("another backup's file: %v, want it kept", err)
	}

	// Deleting again finds nothing and is not an error.
	m = deleteObjects(t, srv, dir, "p/b/vol.tar.zst")
	res = decodeResult[protocol.DeleteObjectsResult](t, m)
	if res != (protocol.DeleteObjectsResult{Missing: 1}) {
		t.Errorf("second delete %+v, want 1 missing", res)
	}
}

func TestDeleteObjectsKeepsFolderWithOtherFiles(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p/b/vol.tar.zst"), "data")
	writeFile(t, filepath.Join(dir, "p/b/notes.txt"), "a person's file")

	decodeResult[protocol.DeleteObjectsResult](t, deleteObjects(t, srv, dir, "p/b/vol.tar.zst"))
	if _, err := os.Stat(filepath.Join(dir, "p/b/notes.txt")); err != nil {
		t.Errorf("unnamed file after delete: %v, want it kept", err)
	}
}

func TestDeleteObjectsRefusesUnsafeKeys(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	writeFile(t, victim, "not a backup")
	writeFile(t, filepath.Join(dir, "p/b/vol.tar.zst"), "data")
	if err := os.Symlink(filepath.Dir(victim), filepath.Join(dir, "link")); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	rel, err := filepath.Rel(dir, victim)
	if err != nil {
		t.Fatalf("relative path: %v", err)
	}

	tests := map[string]struct {
		dir, key, code string
	}{
		"parent":       {dir, filepath.ToSlash(rel), protocol.CodeInternal},
		"absolute":     {dir, victim, protocol.CodeInternal},
		"unclean":      {dir, "p/b/../../" + filepath.ToSlash(rel), protocol.CodeInternal},
		"symlink":      {dir, "link/victim", protocol.CodeStorage},
		"directory":    {dir, "p/b", protocol.CodeStorage},
		"relative dir": {"relative", "p/b/vol.tar.zst", protocol.CodeStorage},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			// The safe key comes first: nothing may be deleted before every
			// key is checked.
			m := deleteObjects(t, srv, tt.dir, "p/b/vol.tar.zst", tt.key)
			msg := expectFailure(t, m, tt.code)
			if !strings.Contains(msg, "Deleting backup files") {
				t.Errorf("message %q, want it to say what failed", msg)
			}
			if _, err := os.Stat(filepath.Join(dir, "p/b/vol.tar.zst")); err != nil {
				t.Errorf("safe key's file: %v, want it kept", err)
			}
		})
	}
	if _, err := os.Stat(victim); err != nil {
		t.Errorf("file outside the target: %v, want it kept", err)
	}
}
