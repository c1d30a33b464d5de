package protocol_test

import (
	"reflect"
	"testing"

	"github.com/cofferhq/coffer/protocol"
)

func TestBackupVolumes(t *testing.T) {
	const pods = "/var/lib/kubelet/pods/0b6c/volumes/"
	tests := []struct {
		name    string
		mount   protocol.Mount
		exclude string
		keep    bool
	}{
		{"bind data", bind("/srv/db", "/var/lib/db"), "", true},
		{"trailing slash", bind("/srv/db", "/data/"), "", true},
		{"tmpfs", protocol.Mount{Source: "tmpfs", Destination: "/tmp", Type: "tmpfs"}, "", false},
		{"proc", protocol.Mount{Source: "proc", Destination: "/proc", Type: "proc"}, "", false},
		{"bind under proc", bind("/x", "/proc/sys"), "", false},
		{"sys", bind("/sys/fs/cgroup", "/sys/fs/cgroup"), "", false},
		{"dev", bind("/dev", "/dev"), "", false},
		{"dev shm", bind("/run/shm/abc", "/dev/shm"), "", false},
		{"termination log", bind("/var/lib/kubelet/pods/0b6c/containers/app/1",
			"/dev/termination-log"), "", false},
		{"not under dev", bind("/srv/d", "/devices"), "", true},
		{"resolv.conf", bind("/var/lib/docker/containers/1/resolv.conf", "/etc/resolv.conf"),
			"", false},
		{"hosts", bind("/var/lib/kubelet/pods/0b6c/etc-hosts", "/etc/hosts"), "", false},
		{"hostname", bind("/var/lib/docker/containers/1/hostname", "/etc/hostname"), "", false},
		{"etc config", bind("/srv/nginx.conf", "/etc/nginx/nginx.conf"), "", true},
		{"run secrets", bind("/var/lib/docker/secrets", "/run/secrets/db"), "", false},
		{"service account", bind(pods+"kubernetes.io~projected/kube-api-access",
			"/var/run/secrets/kubernetes.io/serviceaccount"), "", false},
		{"k8s secret", bind(pods+"kubernetes.io~secret/tls", "/tls"), "", false},
		{"k8s projected", bind(pods+"kubernetes.io~projected/token", "/token"), "", false},
		{"k8s downward api", bind(pods+"kubernetes.io~downward-api/info", "/info"), "", false},
		{"k8s secret, custom kubelet root",
			bind("/data/kubelet/pods/0b6c/volumes/kubernetes.io~secret/tls", "/tls"), "", false},
		{"k8s config map", bind(pods+"kubernetes.io~configmap/app", "/config"), "", true},
		{"k8s empty dir", bind(pods+"kubernetes.io~empty-dir/cache", "/cache"), "", true},
		{"k8s persistent", bind("/var/lib/kubelet/pods/0b6c/volumes/kubernetes.io~csi/pvc/mount",
			"/var/lib/postgresql"), "", true},
		{"excluded", bind("/srv/cache", "/cache"), "/cache", false},
		{"excluded among others", bind("/srv/cache", "/cache"), " /tmp , /cache/ ,", false},
		{"below excluded", bind("/srv/cache", "/srv/tmp/x"), "/srv/tmp", false},
		{"excluded prefix only", bind("/srv/cache", "/cachex"), "/cache", true},
		{"above excluded", bind("/srv", "/srv"), "/srv/tmp", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := protocol.Container{
				Labels: map[string]string{protocol.ExcludeLabel: tt.exclude},
				Mounts: []protocol.Mount{tt.mount},
			}
			got := protocol.BackupVolumes(c)
			if kept := len(got) == 1; kept != tt.keep {
				t.Errorf("BackupVolumes kept %+v: got %v, want %v", tt.mount, kept, tt.keep)
			}
		})
	}
}

func TestBackupVolumesKeepsOrder(t *testing.T) {
	c := protocol.Container{Mounts: []protocol.Mount{
		bind("/srv/b", "/b"),
		{Source: "proc", Destination: "/proc", Type: "proc"},
		bind("/srv/a", "/a"),
	}}
	want := []protocol.Mount{bind("/srv/b", "/b"), bind("/srv/a", "/a")}
	if got := protocol.BackupVolumes(c); !reflect.DeepEqual(got, want) {
		t.Errorf("BackupVolumes = %v, want %v", got, want)
	}
	if got := protocol.BackupVolumes(protocol.Container{}); len(got) != 0 {
		t.Errorf("BackupVolumes of a container without mounts = %v, want none", got)
	}
}

func bind(source, destination string) protocol.Mount {
	return protocol.Mount{Source: source, Destination: destination, Type: "bind"}
}
