// Package schema declares the entities of Coffer's metadata model: projects
// and their paths, hosts and their containers, storage targets, backups and
// their items, restores, and API and enrollment tokens. Package ent is
// generated from it; run `go generate ./ent` after a change.
package schema
