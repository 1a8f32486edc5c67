"""Where the warehouse lives and how it is opened.

DuckDB lets one read-write connection lock the file against every other process, readers
included. So a writer never opens the live file: it copies it beside itself, changes the copy,
closes it and swaps it in with ``os.replace``. Readers that are open keep the old file (its inode)
until they reopen; a crash before the swap leaves the live file untouched. The order rows are not in
that file but in part files beside it (warehouse.parts): a load writes a new part, which only the
swapped-in file lists, and copies megabytes, however long the history.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from warehouse import parts
from warehouse.backups import WarehouseCorruptError, corrupt_message, keep_version, kept_heads

DEFAULT_DB = Path("data/hotline.duckdb")
DDL_DIR = Path(__file__).parent / "sql" / "ddl"


class WarehouseBusyError(RuntimeError):
    """Another load holds the warehouse."""


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` beats ``HOTLINE_DB`` beats ``data/hotline.duckdb`` (SPEC §7)."""
    if db:
        return Path(db)
    env = os.environ.get("HOTLINE_DB")
    return Path(env) if env else DEFAULT_DB


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the base tables if missing (idempotent)."""
    for ddl in sorted(DDL_DIR.glob("*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))
    parts.create_raw(con)


def connect_read(db: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the live file; raises FileNotFoundError when there is none."""
    path = resolve_db_path(db)
    if not path.exists():
        raise FileNotFoundError(f"数据仓库文件不存在：{path}（请先用 python -m etl load 导入数据）")
    return open_read_only(path)


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the part files attached (warehouse.parts: the order tables read
    natively); a file DuckDB does not recognise raises WarehouseCorruptError (which names the restore
    command) instead of DuckDB's own error."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:  # a bad header is an IOException, a bad block checksum a plain Error
        if "not a valid DuckDB database" in str(exc) or "Corrupt" in str(exc):
            raise WarehouseCorruptError(corrupt_message(path, exc)) from None
        raise
    try:
        parts.attach_parts(con, path)
    except (duckdb.Error, FileNotFoundError) as exc:
        con.close()
        raise WarehouseCorruptError(corrupt_message(path, exc)) from None
    return con


class Reader:
    """A cached read-only connection that reopens when the file was swapped by a load.

    Reopening on a changed (inode, mtime) costs far less than a connection per query.
    """

    def __init__(self, db: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_db_path(db)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None
        self._views: list[str] = []  # the parts' temp views of the open connection (warehouse.parts)

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def connection(self) -> duckdb.DuckDBPyConnection:
        stamp = self._current_stamp()
        if stamp is None:
            self.close()
            raise FileNotFoundError(f"数据仓库文件不存在：{self.path}")
        if self._con is None or stamp != self._stamp:
            self.close()
            self._con = open_read_only(self.path)
            self._stamp = stamp
            self._views = parts.view_statements(self._con)
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of :meth:`connection` (one per thread: a DuckDB connection must not be shared) that
        reads the part files natively, as the connection does. Temp views belong to one connection, so
        a bare cursor would read the head's own views over ``read_duckdb`` of absolute paths instead:
        slower, and broken once the warehouse folder has moved (warehouse.parts)."""
        cur = self.connection().cursor()
        for sql in self._views:
            cur.execute(sql)
        return cur

    def close(self) -> None:
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.close()
        self._con = None
        self._stamp = None
        self._views = []


def private_dir(folder: Path) -> None:
    """Create the warehouse's folder readable by its owner only (it holds personal data, keys and
    accounts); tighten an existing one we own that others could read."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.stat()
    if info.st_uid == os.geteuid() and info.st_mode & 0o077:
        os.chmod(folder, 0o700)


@contextlib.contextmanager
def load_lock(path: Path, wait_seconds: float = 30.0) -> Iterator[None]:
    """Serialise writers: a second load waits up to ``wait_seconds``, then is refused clearly."""
    private_dir(path.parent)
    lock_path = path.with_name(path.name + ".lock")
    with os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(f"另一个导入任务正在写入 {path}，请等它完成后再试。") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def writer(
    db: str | os.PathLike[str] | None = None,
    step: Callable[..., None] | None = None,
    fresh: bool = False,
    on_swapped: Callable[[], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the warehouse file that replaces the live file on
    success, writing its order rows into a new part (warehouse.parts) that only the copy lists.

    Any exception (or a killed process) leaves the live file and its parts exactly as they were: the
    copy and the new part are private until the swap. Statements commit one by one inside them (DuckDB
    writes one database per transaction: the part and the copy take turns). ``step(name, seconds, cpu)``
    hears the time of the copy, the commit and the swap. ``fresh``: start from an empty warehouse
    instead of a copy (the live one is still kept under backups/ at the swap, with its parts).
    ``on_swapped`` runs right after the swap, still under the load lock. Every file made here is 0600
    in a 0700 folder.
    """
    step = step or (lambda *_: None)
    path = resolve_db_path(db)
    with load_lock(path, float(os.environ.get("HOTLINE_LOCK_WAIT", 30))):
        tmp = path.with_name(f".{path.name}.loading-{os.getpid()}")
        for stale in path.parent.glob(f".{path.name}.loading-*"):
            stale.unlink(missing_ok=True)
        started, cpu = time.perf_counter(), time.process_time()
        if path.exists() and not fresh:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            shutil.copyfile(path, tmp)  # into the 0600 file made above (its mode is kept; the copy is in-kernel)
        step("copy the warehouse file", time.perf_counter() - started, time.process_time() - cpu)
        try:
            con = duckdb.connect(str(tmp))
            os.chmod(tmp, 0o600)  # DuckDB made it (fresh) with the process umask
        except duckdb.IOException as exc:
            tmp.unlink(missing_ok=True)
            raise WarehouseCorruptError(corrupt_message(path, exc)) from None
        own: Path | None = None
        try:
            apply_schema(con)
            own = parts.open_writing(con, path)
            yield con
            started, cpu = time.perf_counter(), time.process_time()
            parts.publish(con, own, path)
            live = {name for name, _fct in parts.listed(con)}
            con.execute("CHECKPOINT")
            con.close()
            step("commit, checkpoint", time.perf_counter() - started, time.process_time() - cpu)
            if os.environ.get("HOTLINE_CRASH_BEFORE_SWAP"):  # fault-injection hook for the kill tests
                os.kill(os.getpid(), 9)
            keep_version(path)
            os.replace(tmp, path)
            parts.collect_garbage(path, live, kept_heads(path))
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
            if own is not None:
                own.unlink(missing_ok=True)
                own.with_name(own.name + ".wal").unlink(missing_ok=True)
            raise
        if on_swapped is not None:
            with contextlib.suppress(OSError):  # a note about the load must never undo it
                on_swapped()
