package protocol

import (
	"path"
	"slices"
	"strings"
)

// ExcludeLabel names, comma-separated, the destinations of a container's
// mounts that are not to be backed up.
const ExcludeLabel = "coffer.exclude"

// systemTrees are destinations that runtimes and orchestrators fill for
// themselves; nothing at or below them is the container's data.
var systemTrees = []string{"/proc", "/sys", "/dev", "/run/secrets", "/var/run/secrets"}

// systemFiles are the files a runtime writes for each container.
var systemFiles = []string{"/etc/resolv.conf", "/etc/hosts", "/etc/hostname"}

// kubeletGenerated are the kinds of Kubernetes volume that kubelet writes from
// API objects: credentials and facts that the cluster regenerates. Config
// maps are kept, since they are plain configuration a restore may want.
var kubeletGenerated = []string{
	"kubernetes.io~secret", "kubernetes.io~projected", "kubernetes.io~downward-api",
}

// BackupVolumes returns the mounts of c worth backing up: its bind mounts,
// minus the ones runtimes make for themselves and minus those at or below a
// destination named in the ExcludeLabel label. Agent and control plane both
// need the answer, so it lives in the contract between them.
func BackupVolumes(c Container) []Mount {
	excluded := excludedDestinations(c.Labels[ExcludeLabel])
	var volumes []Mount
	for _, m := range c.Mounts {
		if isVolume(m, excluded) {
			volumes = append(volumes, m)
		}
	}
	return volumes
}

func isVolume(m Mount, excluded []string) bool {
	dest := path.Clean(m.Destination)
	if m.Type != "bind" || systemMount(dest, m.Source) {
		return false
	}
	return !slices.ContainsFunc(excluded, func(root string) bool { return within(dest, root) })
}

func excludedDestinations(label string) []string {
	var dests []string
	for _, d := range strings.Split(label, ",") {
		if d = strings.TrimSpace(d); d != "" {
			dests = append(dests, path.Clean(d))
		}
	}
	return dests
}

// systemMount reports whether a mount belongs to the runtime rather than to
// the container's data.
func systemMount(dest, source string) bool {
	if slices.Contains(systemFiles, dest) {
		return true
	}
	if slices.ContainsFunc(systemTrees, func(root string) bool { return within(dest, root) }) {
		return true
	}
	return kubeletGeneratedSource(source)
}

// kubeletGeneratedSource recognises <kubelet root>/pods/<uid>/volumes/<kind>/…
// for a generated kind, whatever kubelet's root directory is.
func kubeletGeneratedSource(source string) bool {
	parts := strings.Split(path.Clean(source), "/")
	for i := 2; i+1 < len(parts); i++ {
		if parts[i] == "volumes" && parts[i-2] == "pods" &&
			slices.Contains(kubeletGenerated, parts[i+1]) {
			return true
		}
	}
	return false
}

// within reports whether p is root or lies below it.
func within(p, root string) bool {
	return p == root || root == "/" || strings.HasPrefix(p, root+"/")
}
