package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/storage"
)

func TestObjectKey(t *testing.T) {
	tests := []struct {
		prefix, project, backup, item string
		want                          string
	}{
		{"", "shop", "01HX", "db.sql.zst", "shop/01HX/db.sql.zst"},
		{"backups", "shop", "01HX", "db.sql.zst", "backups/shop/01HX/db.sql.zst"},
		{"/backups/prod/", "shop", "01HX", "vol.tar.zst", "backups/prod/shop/01HX/vol.tar.zst"},
		{"b", "my project", "01HX", "manifest.json", "b/my project/01HX/manifest.json"},
		{"b", "ünïcode", "01HX", "..hidden", "b/ünïcode/01HX/..hidden"},
	}
	for _, tt := range tests {
		got, err := storage.ObjectKey(tt.prefix, tt.project, tt.backup, tt.item)
		if err != nil || got != tt.want {
			t.Errorf("ObjectKey(%q, %q, %q, %q) = %q, %v; want %q",
				tt.prefix, tt.project, tt.backup, tt.item, got, err, tt.want)
		}
	}
}

func TestObjectKeyRefusesInjection(t *testing.T) {
	tests := []struct {
		name                          string
		prefix, project, backup, item string
	}{
		{"empty project", "p", "", "b", "i"},
		{"empty backup", "p", "x", "", "i"},
		{"empty item", "p", "x", "b", ""},
		{"dot dot project", "p", "..", "b", "i"},
		{"dot backup", "p", "x", ".", "i"},
		{"slash in item", "p", "x", "b", "../../other/b/i"},
		{"slash in backup", "p", "x", "b/c", "i"},
		{"backslash", "p", "x", `b\..\c`, "i"},
		{"control character", "p", "x", "b\n", "i"},
		{"dot dot in prefix", "a/../b", "x", "b", "i"},
		{"empty segment in prefix", "a//b", "x", "b", "i"},
		{"invalid utf-8", "p", "x\xff", "b", "i"},
		{"overlong name", "p", "x", "b", strings.Repeat("i", 256)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := storage.ObjectKey(tt.prefix, tt.project, tt.backup, tt.item)
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Fatalf("ObjectKey = %q, %v; want ErrInvalidKey", got, err)
			}
		})
	}
}

func TestManifestAndBackupPrefix(t *testing.T) {
	dir, err := storage.BackupPrefix("/b/", "shop", "01HX")
	if err != nil || dir != "b/shop/01HX/" {
		t.Fatalf("BackupPrefix = %q, %v; want %q", dir, err, "b/shop/01HX/")
	}
	manifest, err := storage.ManifestKey("b", "shop", "01HX")
	if err != nil || manifest != "b/shop/01HX/manifest.json" {
		t.Fatalf("ManifestKey = %q, %v; want %q", manifest, err, "b/shop/01HX/manifest.json")
	}
}
