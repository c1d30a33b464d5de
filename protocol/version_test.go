package protocol_test

import (
	"errors"
	"testing"

	"github.com/cofferhq/coffer/protocol"
)

func TestVersionCompatible(t *testing.T) {
	cur := protocol.Current
	mismatch := protocol.ErrVersionMismatch
	tests := []struct {
		name    string
		peer    protocol.Version
		wantErr error
	}{
		{"same version", cur, nil},
		{"newer minor", protocol.Version{Major: cur.Major, Minor: cur.Minor + 1}, nil},
		{"much newer minor", protocol.Version{Major: cur.Major, Minor: cur.Minor + 40}, nil},
		{"older minor", protocol.Version{Major: cur.Major, Minor: cur.Minor - 1}, nil},
		{"newer major", protocol.Version{Major: cur.Major + 1, Minor: cur.Minor}, mismatch},
		{"older major", protocol.Version{Major: cur.Major - 1, Minor: cur.Minor}, mismatch},
		{"zero version", protocol.Version{}, mismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.peer.Compatible()
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Version %s Compatible: got %v, want %v", tt.peer, err, tt.wantErr)
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	v := protocol.Version{Major: 3, Minor: 14}
	if got, want := v.String(), "3.14"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
}
