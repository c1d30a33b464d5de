package backup

import (
	"slices"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
)

func TestVolumeAndPathNames(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"plain", volumeName("web", "abc", "/var/lib/data"), "web-var-lib-data"},
		{"upper and spaces", volumeName("My App", "abc", "/Data Dir/"), "my-app-data-dir"},
		{"no container name", volumeName("", "0123456789abcdef", "/data"), "0123456789ab-data"},
		{"dots kept", volumeName("db.v2", "x", "/etc/my.cnf"), "db.v2-etc-my.cnf"},
		{"leading dot dropped", volumeName(".hidden", "x", "/.."), "hidden"},
		{"unicode", volumeName("wéb", "x", "/dätä"), "w-b-d-t"},
		{"nothing left", volumeName("", "", "/"), "item"},
		{"path", pathName("db1.example.com", "/etc/nginx"), "host-db1.example.com-etc-nginx"},
		{"path traversal", pathName("h", "/../../etc"), "host-h-..-..-etc"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestSanitizeBoundsLength(t *testing.T) {
	got := sanitize(strings.Repeat("a", 300))
	if len(got) != maxNameLen {
		t.Fatalf("sanitize of 300 letters has %d bytes, want %d", len(got), maxNameLen)
	}
	got = sanitize(strings.Repeat("a", maxNameLen-1) + "-b")
	if strings.HasSuffix(got, "-") {
		t.Fatalf("sanitize cut to %q, ending in a dash", got)
	}
}

func TestUniqueNames(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}},
		{[]string{"a", "a", "a"}, []string{"a", "a-2", "a-3"}},
		{[]string{"a", "a", "a-2"}, []string{"a", "a-3", "a-2"}},
		{[]string{"a-2", "a", "a"}, []string{"a-2", "a", "a-3"}},
		{nil, []string{}},
	}
	for _, tt := range tests {
		got := uniqueNames(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("uniqueNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeyItems(t *testing.T) {
	planned := []plannedItem{
		{item: store.NewBackupItem{Kind: kindVolume, SourcePath: "/srv/a"}, name: "web-data"},
		{item: store.NewBackupItem{Kind: kindVolume, SourcePath: "/srv/b"}, name: "web-data"},
		{item: store.NewBackupItem{Kind: kindPath, SourcePath: "/etc"}, name: "host-h-etc"},
	}
	items, err := keyItems(planned, "/backups/", "shop", "01hx")
	if err != nil {
		t.Fatalf("keyItems: %v", err)
	}

	want := []string{
		"backups/shop/01hx/web-data.tar.zst",
		"backups/shop/01hx/web-data-2.tar.zst",
		"backups/shop/01hx/host-h-etc.tar.zst",
	}
	for i, it := range items {
		if it.ObjectKey != want[i] || it.SourcePath != planned[i].item.SourcePath {
			t.Errorf("item %d: key %q source %q, want key %q source %q",
				i, it.ObjectKey, it.SourcePath, want[i], planned[i].item.SourcePath)
		}
	}

	if _, err := keyItems(planned, "", "shop", "../x"); err == nil {
		t.Errorf("keyItems with backup id ../x succeeded, want an error")
	}
}
