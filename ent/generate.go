// Package ent holds Coffer's metadata model: the schema in ./schema and the
// client generated from it. Run `go generate ./ent` after changing a schema.
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert ./schema
