"""Atomic output: build into a fresh folder beside the target, then swap it in.

On any failure the previous output folder is left as it was. On Linux the swap is one
atomic exchange (renameat2); elsewhere two renames, and a build killed between them is
restored on the next run.

One build at a time: a lock file beside the output folder (``.OUT.lock``, held with
``flock``) makes a second build on the same folder refuse at once. The lock file is also
the journal of this build: before quizgen creates a staging folder or moves the old output
aside it writes that folder's exact name there, so the next build removes (or restores)
exactly the folders an interrupted build made and nothing else. Folder names are never
globbed: a user's own ``.out.tmp-…`` folder is never touched.

A symbolic link as the output folder is followed: the build is swapped in at the link's
target, and the link stays as it was. A link that points nowhere is refused.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import ExportError, located

MARKER = ".quizgen-output"
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    return False


def _os_error(display: str, doing: str, exc: OSError, hint: str = "") -> ExportError:
    reason = exc.strerror or str(exc)
    if not hint:
        hint = {
            errno.EACCES: "check the folder's permissions, or choose another --out",
            errno.EPERM: "check the folder's permissions, or choose another --out",
            errno.EROFS: "the file system is read-only; choose another --out",
            errno.ENOSPC: "free some disk space and run again; the previous output is unchanged",
            errno.EDQUOT: "free some disk space and run again; the previous output is unchanged",
            errno.ENOTDIR: "a part of the path is a file, not a folder; choose another --out",
            errno.EEXIST: "a part of the path is a file, not a folder; choose another --out",
        }.get(exc.errno or 0, "check the path, free disk space and permissions")
    return ExportError(located(display, None, None, f"cannot {doing}: {reason}", hint))


class _Journal:
    """The lock file beside the output folder: held for the whole build, it records the exact
    names of the folders this build creates, so an interrupted build's leftovers can be undone."""

    def __init__(self, out: Path, display: str):
        self.out = out
        self.display = display
        self.path = out.parent / f".{out.name}.lock"
        self.fd = -1
        self.names: list[str] = []

    def acquire(self) -> None:
        import fcntl

        while True:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
            except OSError as exc:
                raise _os_error(self.display, "write beside the output folder", exc) from None
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(self.fd)
                self.fd = -1
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise ExportError(located(
                        self.display, None, None, "another quizgen build is writing this output folder right now",
                        f"wait for it to finish and run again (it holds {self.path})")) from None
                raise _os_error(self.display, "lock the output folder", exc) from None
            # The build that held it may have removed the file meanwhile: lock the file that is there.
            held = os.fstat(self.fd)
            try:
                there = os.stat(self.path)
            except FileNotFoundError:
                there = None
            if there is not None and (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino):
                return
            os.close(self.fd)
            self.fd = -1

    def release(self) -> None:
        """Unlock; the file goes too unless it still names a folder left to undo."""
        if self.fd < 0:
            return
        if not any(os.path.lexists(self.out.parent / name) for _kind, name in self.recorded()):
            try:
                os.unlink(self.path)
            except OSError:
                pass
        os.close(self.fd)  # closing the file releases the lock
        self.fd = -1

    def recorded(self) -> list[tuple[str, str]]:
        """(kind, name) entries an earlier, interrupted build left; only names this module makes."""
        os.lseek(self.fd, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(self.fd, 65536):
            chunks.append(chunk)
        entries = []
        for line in b"".join(chunks).decode("utf-8", "replace").splitlines():
            kind, _, name = line.partition(" ")
            if kind in ("tmp", "old") and name.startswith(f".{self.out.name}.{kind}-") and "/" not in name \
                    and name not in (".", ".."):
                entries.append((kind, name))
        return entries

    def record(self, kind: str, name: str) -> None:
        self.names.append(f"{kind} {name}")
        self._write()

    def clear(self) -> None:
        self.names = []
        self._write()

    def _write(self) -> None:
        data = "".join(f"{n}\n" for n in self.names).encode("utf-8")
        try:
            os.ftruncate(self.fd, 0)
            os.lseek(self.fd, 0, os.SEEK_SET)
            os.write(self.fd, data)
            os.fsync(self.fd)
        except OSError as exc:
            raise _os_error(self.display, "write beside the output folder", exc) from None


def _recover(journal: _Journal) -> None:
    """Undo what an interrupted build left, by the exact names it recorded."""
    out = journal.out
    entries = journal.recorded()
    olds = [out.parent / name for kind, name in entries if kind == "old"]
    if not os.path.lexists(out):
        for old in reversed(olds):
            if old.is_dir() and (old / MARKER).exists():
                os.rename(old, out)
                olds.remove(old)
                break
    for _kind, name in entries:
        leftover = out.parent / name
        if leftover.is_dir() and not leftover.is_symlink() and leftover != out:
            shutil.rmtree(leftover, ignore_errors=True)
    journal.clear()


def recover(out: Path) -> None:
    """Undo what an interrupted build on ``out`` left (the next build does this by itself)."""
    out = Path(out)
    journal = _Journal(out, str(out))
    journal.acquire()
    try:
        _recover(journal)
    finally:
        journal.release()


def resolve_target(out: Path, display: str) -> Path:
    """The folder to replace: ``out`` itself, or a symbolic link's target."""
    if out.is_symlink():
        if not out.exists():
            raise ExportError(located(display, None, None, "the output folder is a symbolic link to nothing",
                                      "remove the link, or create the folder it points to"))
        return Path(os.path.realpath(out))
    return out


def guard(out: Path, protected: list[Path], display: str | None = None) -> None:
    display = display or str(out)
    if out.exists() and not out.is_dir():
        raise ExportError(located(display, None, None, "output path exists and is not a folder",
                                  "choose another --out"))
    resolved = out.resolve()
    for path in protected + [Path.cwd()]:
        path = path.resolve()
        if resolved == path or resolved in path.parents:
            raise ExportError(located(display, None, None, f"refusing to replace a folder that holds {path.name or path}",
                                      "give --out a folder of its own, such as out/"))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ExportError(located(display, None, None, "folder is not empty and was not written by quizgen",
                                  "quizgen replaces its output folder whole; choose an empty or new --out"))


@contextmanager
def _no_interrupts() -> Iterator[None]:
    """Hold Ctrl-C back (it is delivered afterwards) while the output and the state change together."""
    blockable = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
    if blockable:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        if blockable:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_atomically(out: Path, produce: Callable[[Path], list[str]], protected: list[Path],
                     commit: Callable[[], Callable[[], None] | None] | None = None,
                     on_replaced: Callable[[], None] | None = None) -> list[str]:
    """Run ``produce(staging)`` and swap the staging folder in as ``out``; return the files written.

    ``commit()`` runs after every output was made and just before the swap (the Anki state file
    is written there); it may return an ``undo`` that is called if the swap then fails. Ctrl-C is
    held back from ``commit`` to the end of the swap; ``on_replaced()`` is called the moment the
    new output is in place.
    """
    display = str(out)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(display, f"create the folder {out.parent}", exc) from None
    if not out.parent.is_dir():
        raise _os_error(display, f"create the folder {out.parent}", NotADirectoryError(errno.ENOTDIR, "Not a directory"))
    out = resolve_target(out, display)
    journal = _Journal(out, display)
    journal.acquire()
    try:
        _recover(journal)
        guard(out, protected, display)
        staging = out.parent / f".{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        journal.record("tmp", staging.name)
        try:
            os.mkdir(staging)  # mode 0o777 less the umask, as any folder the user makes
        except OSError as exc:
            raise _os_error(display, "create a folder beside the output folder", exc) from None
        try:
            files = produce(staging)
            (staging / MARKER).write_text("This folder is written by quizgen and replaced whole by each build.\n",
                                          encoding="utf-8")
            with _no_interrupts():
                undo = commit() if commit else None
                try:
                    if out.exists():
                        if _exchange(staging, out):
                            # one atomic step: out/ is the new build, staging holds the old one
                            pass
                        else:
                            old = out.parent / f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                            journal.record("old", old.name)
                            os.rename(out, old)
                            try:
                                os.rename(staging, out)
                            except BaseException:
                                os.rename(old, out)
                                raise
                            staging = old
                    else:
                        os.rename(staging, out)
                except BaseException:
                    if undo:
                        undo()
                    raise
                if on_replaced:
                    on_replaced()
        except OSError as exc:
            raise _os_error(display, "write the output folder", exc) from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        try:
            journal.clear()
        except ExportError:
            pass  # it names only folders already removed; the next build clears it
    finally:
        journal.release()
    return files
