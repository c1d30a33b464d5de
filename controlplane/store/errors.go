package store

import (
	"errors"
	"fmt"

	"github.com/cofferhq/coffer/ent"
)

// The sentinels every store error wraps where the caller can act on it.
// Check them with errors.Is; the store never hands out ent or driver types
// to branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid input")
	// ErrTokenInvalid stands for an enrollment token that is unknown, spent
	// or expired alike, so that a caller cannot learn which.
	ErrTokenInvalid = errors.New("invalid enrollment token")
)

// classify translates ent's error types into the store's sentinels. The
// message of a conflict or validation error is kept as text because it
// names the column at fault.
func classify(err error) error {
	switch {
	case ent.IsNotFound(err):
		return ErrNotFound
	case ent.IsConstraintError(err):
		return fmt.Errorf("%w: %v", ErrConflict, err)
	case ent.IsValidationError(err):
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	default:
		return err
	}
}

// invalid builds an ErrInvalid that says what is wrong with the input.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
