// Package archive turns a directory into one stream and back: a PAX tar
// inside a run of zstd frames, so that `zstd -d < x.tar.zst | tar -x`
// restores it by hand as well as [Extract] does.
//
// # Format
//
// [Write] walks a directory in byte order of names, depth first, and writes
// one entry per file. Names are relative and start with "./": the directory
// itself is "./", a file in it "./etc/app.conf", a directory "./etc/". This is
// the shape `tar -C dir -cf - .` produces, so people reading an archive with
// `tar -t` see what they expect, and the first entry carries the mode, owner
// and time of the directory itself (a database volume must keep its owner).
//
// Owners are numeric only. User and group names are left out on purpose: a
// container's user database is not the host's, and GNU tar would map names
// through the host's /etc/passwd when extracting by hand.
//
// Extended attributes in the user and trusted namespaces and
// security.capability are kept as SCHILY.xattr records, the form GNU tar
// reads with --xattrs. Symlinks and FIFOs carry no attributes.
//
// # Safety
//
// [Extract] treats the archive as hostile. It resolves every name one
// component at a time below the destination without following a symlink,
// creates files with O_EXCL after removing what was there, and refuses, with
// an error matching [ErrUnsafePath], absolute names, ".." components, names
// below a symlink, hard links out of the tree and symlinks that point out of
// it. Nothing outside the destination is created, written or changed.
//
// Both directions assume nobody else changes the tree while they run: the
// agent pauses or stops the container first. Extract still never follows a
// symlink it did not create itself; Write reports files that change under it.
package archive
