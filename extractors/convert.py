"""LibreOffice headless conversion (.doc/.wps/.rtf/.odt → .docx, .xls/.et/.ods → .xlsx) that holds
up in a nightly job.

- Many files per `soffice` start: one start costs seconds, a file about one more second.
- A private user profile per conversion slot (-env:UserInstallation): two soffice processes
  sharing a profile block each other or crash.
- A timeout per file: soffice prints one `convert … ->` line as each file is done, so the clock
  restarts at every line; when it runs out the whole process group is killed, the file being
  converted fails (conversion_failed) and the batch goes on with the files after it.
- At most `workers` conversions at once across processes: a slot is an flock on a file in the
  cache dir, held for the life of one soffice.
- Results cached by the source sha256 in `cache_dir` (next to the warehouse): a re-run never
  converts again. A failure is cached too, so a file that hangs LibreOffice costs its timeout once.
  `clean_cache` drops entries whose source is no longer in the inbox.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from extractors.errors import fail

# input suffix LibreOffice is given (it sniffs content too) and the target of each family
INPUT_SUFFIX = {"doc": ".doc", "wps": ".doc", "rtf": ".rtf", "odt": ".odt",
                "xls": ".xls", "et": ".xls", "ods": ".ods"}
TARGET = {"doc": "docx", "wps": "docx", "rtf": "docx", "odt": "docx",
          "xls": "xlsx", "et": "xlsx", "ods": "xlsx"}
FILTER = {"docx": 'docx:"MS Word 2007 XML"', "xlsx": 'xlsx:"Calc MS Excel 2007 XML"'}
STARTUP_S = 60.0  # a cold soffice start on a loaded machine takes ~10 s; first file gets this extra


@dataclass(frozen=True)
class Failure:
    """Why a conversion gave no file: code is conversion_failed or converter_missing."""

    code: str
    detail: str


@dataclass
class Converter:
    cache_dir: Path | None = None  # None: a private temporary cache, dropped with the process
    soffice: str | None = None  # None: found on PATH
    timeout_s: float = 120.0
    workers: int | None = None  # slots; None → CPUs
    startup_s: float = STARTUP_S
    _tmp: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.cache_dir is None:
            self._tmp = tempfile.mkdtemp(prefix="jixiao-convert-")
            self.cache_dir = Path(self._tmp)
        # absolute: the profile becomes a file:// URI (a relative --db made `make demo` fail)
        self.cache_dir = Path(self.cache_dir).resolve()

    # -- public -----------------------------------------------------------------------------
    def binary(self) -> str | None:
        if self.soffice:
            return self.soffice if (os.path.isfile(self.soffice) and os.access(self.soffice, os.X_OK)) \
                else shutil.which(self.soffice)
        return shutil.which("soffice") or shutil.which("libreoffice")

    def cached(self, sha256: str, fmt: str) -> bytes | Failure | None:
        path = self._out_path(sha256, fmt)
        if path.exists():
            return path.read_bytes()
        failed = path.with_suffix(".failed")
        if failed.exists():
            try:
                d = json.loads(failed.read_text("utf-8"))
                return Failure(d["code"], d["detail"])
            except (ValueError, KeyError):
                return None
        return None

    def convert(self, data: bytes, fmt: str) -> bytes | Failure:
        sha = hashlib.sha256(data).hexdigest()
        return self.convert_many([(sha, data, fmt)])[sha]

    def convert_many(self, items: list[tuple[str, bytes, str]]) -> dict[str, bytes | Failure]:
        """(sha256, bytes, source format) → converted bytes or Failure, by sha256; cached ones are
        not converted again. One soffice start per target format for all the rest."""
        out: dict[str, bytes | Failure] = {}
        todo: dict[str, list[tuple[str, bytes, str]]] = {}
        for sha, data, fmt in items:
            hit = self.cached(sha, fmt)
            if hit is not None:
                out[sha] = hit
            elif sha not in out:
                todo.setdefault(TARGET[fmt], []).append((sha, data, fmt))
                out[sha] = Failure("conversion_failed", "pending")
        if not todo:
            return out
        binary = self.binary()
        if binary is None:
            for group in todo.values():
                for sha, _, _ in group:
                    out[sha] = Failure("converter_missing", "LibreOffice (soffice) not found")
            return out  # never cached: installing LibreOffice must make the next run read them
        for target, group in todo.items():
            with self._slot() as profile:
                out.update(self._run_batch(binary, profile, target, group))
        return out

    # -- internals ---------------------------------------------------------------------------
    def _out_path(self, sha256: str, fmt: str) -> Path:
        return self.cache_dir / sha256[:2] / f"{sha256}.{TARGET[fmt]}"

    def _store(self, sha: str, fmt: str, result: bytes | Failure) -> None:
        path = self._out_path(sha, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(result, Failure):
            path, payload = path.with_suffix(".failed"), json.dumps(
                {"code": result.code, "detail": result.detail}, ensure_ascii=False).encode()
        else:
            payload = result
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, path)  # a reader never sees half a file

    def _slot(self):
        return _Slot(self.cache_dir / ".slots", self.workers or os.cpu_count() or 1)

    def _run_batch(self, binary: str, profile: Path, target: str,
                   group: list[tuple[str, bytes, str]]) -> dict[str, bytes | Failure]:
        results: dict[str, bytes | Failure] = {}
        with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as work:
            src_dir, out_dir = Path(work, "in"), Path(work, "out")
            src_dir.mkdir()
            out_dir.mkdir()
            pending: list[tuple[str, str, Path]] = []
            for sha, data, fmt in group:
                p = src_dir / f"{sha}{INPUT_SUFFIX[fmt]}"
                p.write_bytes(data)
                pending.append((sha, fmt, p))
            while pending:
                done, stuck, detail = self._soffice(binary, profile, target, [p for _, _, p in pending], out_dir)
                rest = []
                for sha, fmt, p in pending:
                    produced = out_dir / f"{p.stem}.{target}"
                    if produced.exists() and produced.stat().st_size > 0:
                        results[sha] = produced.read_bytes()
                        self._store(sha, fmt, results[sha])
                    elif p.name in done or p == stuck or stuck is None:
                        # soffice said it was done (or exited) yet wrote nothing: it cannot read the file
                        why = detail if p == stuck else "LibreOffice could not open the file"
                        results[sha] = Failure("conversion_failed", why)
                        self._store(sha, fmt, results[sha])
                    else:
                        rest.append((sha, fmt, p))
                pending = rest
        return results

    def _soffice(self, binary: str, profile: Path, target: str, inputs: list[Path],
                 out_dir: Path) -> tuple[set[str], Path | None, str]:
        """Run one soffice over `inputs`. Returns (names it reported done, the input it was stuck on
        when killed or None when it exited, detail)."""
        cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", FILTER[target].replace('"', ""), "--outdir", str(out_dir),
               *map(str, inputs)]
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(profile))
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True)
        except OSError as e:
            return set(), inputs[0], f"soffice did not start: {e}"
        done: set[str] = set()
        progress = threading.Event()

        def read() -> None:
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace")
                if line.startswith("convert "):
                    src = line[len("convert "):].split(" -> ", 1)[0].strip()
                    done.add(Path(src).name)
                    progress.set()
                elif "Error" in line:
                    # e.g. "Error: source file could not be loaded": the next input is skipped
                    done.add(inputs[min(len(done), len(inputs) - 1)].name)
                    progress.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + self.startup_s + self.timeout_s
        while True:
            if progress.wait(timeout=0.2):
                progress.clear()
                deadline = time.monotonic() + self.timeout_s
            if proc.poll() is not None:
                reader.join(timeout=5)
                return done, None, f"soffice exited ({proc.returncode})"
            if time.monotonic() > deadline:
                _kill_group(proc)
                reader.join(timeout=5)
                stuck = next((p for p in inputs if p.name not in done), None)
                return done, stuck, f"超时（{self.timeout_s:g}秒）"

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _kill_group(proc: subprocess.Popen) -> None:
    """soffice forks soffice.bin (and helpers): killing the script alone leaves them running."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


class _Slot:
    """One of n conversion slots shared by every process using the cache dir (flock), each with its
    own LibreOffice profile directory."""

    def __init__(self, slots_dir: Path, n: int):
        self.dir, self.n, self.fd = slots_dir, max(1, n), None

    def __enter__(self) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        while True:
            for k in range(self.n):
                fd = os.open(self.dir / f"slot-{k}.lock", os.O_CREAT | os.O_RDWR, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                self.fd = fd
                profile = self.dir / f"profile-{k}"
                profile.mkdir(exist_ok=True)
                return profile
            time.sleep(0.2)  # every slot busy: wait for one

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# -- the convert step of a reader (doc.py, sheet.py): checks, conversion, the clerk's error ---------
OLE_FORMATS = {"doc", "wps", "xls", "et"}
NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt", "xls": ".xls", "et": ".et", "ods": ".ods"}
# what the clerk asks the department to do instead, by the converted family
SAVE_AS = {"docx": "在Word或WPS中打开，另存为 .docx", "xlsx": "在Excel或WPS表格中打开，另存为 .xlsx"}


def needs_password(data: bytes, fmt: str) -> bool:
    """An encrypted Word 97 or BIFF8 file: LibreOffice would wait for a password, so it is never
    given one (the reader reports `encrypted`, preconvert skips it)."""
    if fmt in ("doc", "wps"):
        return _doc_encrypted(data)
    if fmt in ("xls", "et"):
        return _xls_encrypted(data)
    return False


def converted_bytes(data: bytes, fmt: str, source: str, converter: Converter) -> bytes:
    """The .docx/.xlsx LibreOffice makes of `data` (from the cache when a batch preconverted it),
    or the ExtractError a clerk reads: corrupt (no OLE directory), encrypted, converter_missing,
    conversion_failed."""
    if fmt in OLE_FORMATS:
        check_ole(data, source)
        if needs_password(data, fmt):
            raise fail("encrypted", source)
    sha = hashlib.sha256(data).hexdigest()
    result = converter.convert_many([(sha, data, fmt)])[sha]
    if isinstance(result, Failure):
        name, save_as = NAMES.get(fmt, "." + fmt), SAVE_AS[TARGET[fmt]]
        if result.code == "converter_missing":
            raise fail("converter_missing", source, format=name, save_as=save_as)
        raise fail("conversion_failed", source, format=name, detail=result.detail, save_as=save_as)
    return result


def check_ole(data: bytes, source: str) -> None:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            ole.listdir()
    except (OSError, ValueError, struct.error, IndexError) as e:
        raise fail("corrupt", source, "detail", detail=f"OLE: {type(e).__name__}") from e


def _ole_stream(data: bytes, names: tuple[str, ...], size: int) -> bytes | None:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in names if ole.exists(n)), None)
            return ole.openstream(name).read(size) if name else None
    except (OSError, ValueError, struct.error, IndexError):
        return None


def _doc_encrypted(data: bytes) -> bool:
    """The FIB's fEncrypted bit (MS-DOC 2.5.2: flags at offset 0x0A, bit 0x0100)."""
    head = _ole_stream(data, ("WordDocument",), 12)
    return head is not None and len(head) >= 12 and bool(struct.unpack_from("<H", head, 10)[0] & 0x0100)


def _xls_encrypted(data: bytes) -> bool:
    """A FILEPASS record (0x002F) in the workbook globals, before the first sheet's BOF."""
    stream = _ole_stream(data, ("Workbook", "Book"), 1 << 20)
    pos = 0
    while stream is not None and pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        if rtype == 0x002F:
            return True
        if rtype == 0x0085:  # BOUNDSHEET: past the part where FILEPASS would be
            return False
        pos += 4 + size
    return False


def clean_cache(cache_dir: str | Path, keep_sha256s) -> int:
    """Remove cached conversions whose source sha256 is not in `keep_sha256s` (the inbox's
    contents); returns how many entries were removed. The flow calls it after a scan."""
    keep = set(keep_sha256s)
    removed = 0
    root = Path(cache_dir)
    if not root.is_dir():
        return 0
    for sub in root.iterdir():
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        for f in sub.iterdir():
            if f.name.split(".", 1)[0] not in keep:
                f.unlink(missing_ok=True)
                removed += 1
    return removed
