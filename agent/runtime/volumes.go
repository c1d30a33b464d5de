package runtime

import "github.com/cofferhq/coffer/protocol"

// ExcludeLabel names, comma-separated, the destinations of a container's
// mounts that are not to be backed up.
const ExcludeLabel = protocol.ExcludeLabel

// Volumes returns the mounts of c worth backing up, as protocol.BackupVolumes
// decides: the control plane must choose exactly what the agent would.
func Volumes(c protocol.Container) []protocol.Mount { return protocol.BackupVolumes(c) }
