"""All-or-nothing writes of several files, even when the process dies half-way.

`write.write_all(contents, root)` is a small transaction on the files below `root`:

1. every target is checked first: it must resolve inside `root` (a symlink pointing elsewhere is
   refused, one inside is written through), be writable (mode bits, so root cannot overwrite a
   read-only file either) and not be a directory;
2. a journal, `root/.scaffold-journal`, is written (temp file, fsync, rename) listing for each
   target its temporary file, its backup and whether it existed, plus the directories to create;
3. missing directories are made, each new content goes to a temporary file beside its target
   (same directory, so `os.replace` is atomic) with the target's mode, and each existing target
   gets a backup beside it (a hard link to the old inode, a copy where links do not work);
4. the temporary files are renamed over their targets; the journal is then marked committed,
   and the backups and the journal are removed.

A failure in the process (a full disk, a rename refused) rolls back at once. A process killed
between two renames leaves the journal behind; the next writing command (`lock.locked(root)`)
rolls it back before reading anything (`journal.recover`): each backup is renamed back over its
target, files that did not exist are removed, temporary files and new empty directories go. A
journal already marked committed is rolled forward (only the backups and the journal are
removed).

`lock.locked(root)` serializes writing commands on one workspace with a `filelock` lock
(portable: `fcntl` on POSIX, `msvcrt` on Windows) on a file in the user's cache directory named
after the root, so nothing is left in the project; a second command waits up to
`lock.LOCK_TIMEOUT` seconds, then refuses.

A target whose text is `None` is removed the same way: backed up, unlinked with the renames,
restored by a rollback; the folders it leaves empty go at the commit.

Modules: `changeset` (`ChangeSet`, what a command would write: before/after per path, its
diff), `commit` (the one sequence every writing command follows: lock, plan, dirty-tree guard,
`write_all`), `write` (the transaction), `journal` (its record, rollback and recovery), `lock`
(one writer per workspace), `files` (the durable file operations they share). This package
imports nothing: `fix-features --check` imports only `journal`, to warn about a pending one.
"""
