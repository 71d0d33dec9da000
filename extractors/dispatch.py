"""The one entry point of the extract stage: bytes of any supported format → ExtractedDocument.

The format is chosen by content (magic bytes, OLE directory, zip content types), never by the
file name alone; the name only tells a .wps from a .doc (Kingsoft WPS writes Word 97 binary) and
an .et from an .xls, which are the same content.

A .doc/.wps is read directly from its Word 97 binary (extractors.word97) and an .xls/.et with
xlrd (extractors.sheet) when they can be: `direct()` asks once per file and keeps the answer
until the file is read. Formats that LibreOffice converts (.rtf .odt .ods, and the .doc .wps .xls
.et files their direct readers leave) go through one Converter:
`configure()` sets it up once per process (cache dir next to the warehouse, soffice, timeout,
workers); `preconvert()` converts a whole batch in one soffice start before its files are read
one by one with `read_document`.
"""
from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path, PurePath

from extractors import doc as doc_extractor
from extractors import pdf as pdf_extractor
from extractors import sheet as sheet_extractor
from extractors.convert import Converter, needs_password
from extractors.docx_reader import OLE_MAGIC, _check_size, ole_stream_names, read_docx_bytes
from extractors.errors import ExtractError, fail
from extractors.model import ExtractedDocument

ENCRYPTION_NAMES = {"EncryptionInfo", "EncryptedPackage"}
CONVERTED = {"doc", "wps", "rtf", "odt", "xls", "et", "ods"}
# the formats LibreOffice would convert that have a reader of their own: document, or None
DIRECT_READERS = {"doc": doc_extractor.read_direct, "wps": doc_extractor.read_direct,
                  "xls": sheet_extractor.read_xls_direct, "et": sheet_extractor.read_xls_direct}
_converter: Converter | None = None
# what the direct readers made of the files `needs_conversion` asked about, until they are read:
# a batch asks before it converts, then reads each file once. Locked: preconversion asks in a
# thread while the batch's other files are read (Preconversion)
_direct_docs: OrderedDict[bytes, ExtractedDocument | None] = OrderedDict()
_DIRECT_KEPT = 256
_direct_lock = threading.Lock()
_MISSING = object()
_direct_on = True  # Settings.direct_readers


def configure(cache_dir=None, soffice: str | None = None, timeout_s: float = 120.0,
              workers: int | None = None) -> Converter:
    """Set the converter this process uses (call once per worker; the flow passes Settings)."""
    global _converter
    _converter = Converter(cache_dir=cache_dir, soffice=soffice, timeout_s=timeout_s, workers=workers)
    return _converter


def use_cache(cache_dir: str | None, soffice: str | None = None, timeout_s: float = 120.0) -> None:
    """Keep this process's converter on `cache_dir`, `soffice` and `timeout_s` (a worker serves
    many batches of one run; a new run may name others)."""
    c = _converter
    if cache_dir is not None and (c is None or str(c.cache_dir) != str(Path(cache_dir).resolve())
                                  or c.soffice != soffice or c.timeout_s != timeout_s):
        configure(cache_dir=cache_dir, soffice=soffice, timeout_s=timeout_s)


def converter() -> Converter:
    global _converter
    if _converter is None:
        _converter = Converter()
    return _converter


def sniff(data: bytes, source: str = "") -> str:
    """The format of `data`: docx xlsx pdf doc wps rtf odt xls et ods, or "unknown".
    Raises ExtractError(encrypted) for a password-protected Office file."""
    suffix = PurePath(source).suffix.lower()
    head = data[:8]
    if head == OLE_MAGIC:
        names = ole_stream_names(data)
        if names & ENCRYPTION_NAMES:  # an encrypted OOXML file is an OLE container
            raise fail("encrypted", source)
        if "WordDocument" in names:
            return "wps" if suffix == ".wps" else "doc"
        if names & {"Workbook", "Book"}:
            return "et" if suffix == ".et" else "xls"
        if not names:
            raise fail("corrupt", source, "detail", detail="OLE目录无法读取")
        return "unknown"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if head.startswith(b"PK"):
        return _zip_kind(data)
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                mime = zf.read("mimetype").decode("ascii", "replace")
                if mime.endswith("opendocument.text"):
                    return "odt"
                if mime.endswith("opendocument.spreadsheet"):
                    return "ods"
            if "word/document.xml" in names and "xl/workbook.xml" not in names:
                return "docx"  # the usual case, without reading [Content_Types].xml
            types = ""
            if "[Content_Types].xml" in names and zf.getinfo("[Content_Types].xml").file_size < 1 << 20:
                types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return "docx"  # the .docx reader names the damage
    if "spreadsheetml.sheet.main" in types or "xl/workbook.xml" in names:
        return "xlsx"
    return "docx"


def read_document(data: bytes, source: str = "", converter_: Converter | None = None) -> ExtractedDocument:
    _check_size(len(data))
    fmt = sniff(data, source)
    conv = converter_ or converter()
    if fmt in DIRECT_READERS:
        # the direct readers refuse a damaged or password-protected file; the LibreOffice path's
        # checks (convert.converted_bytes) then name it `corrupt` or `encrypted`
        doc = direct(data, fmt, keep=False)
        if doc is not None:
            doc.source = source
        elif fmt in ("doc", "wps"):
            doc = doc_extractor.read_converted(data, fmt, source, conv)
        else:
            doc = sheet_extractor.read_legacy_sheet(data, fmt, source, conv)
    elif fmt == "pdf":
        doc = pdf_extractor.read_pdf_bytes(data, source)
    elif fmt == "xlsx":
        doc = sheet_extractor.read_xlsx_bytes(data, source)
    elif fmt in ("ods", "rtf", "odt"):
        reader = sheet_extractor.read_legacy_sheet if fmt == "ods" else doc_extractor.read_converted
        doc = reader(data, fmt, source, conv)
    else:
        doc = read_docx_bytes(data, source=source)  # docx, or the reader's not_a_docx / corrupt
        fmt = "docx"
    doc.source_format = fmt
    return doc


def use_direct_readers(on: bool) -> None:
    """Whether this process reads .doc/.wps/.xls/.et itself (Settings.direct_readers)."""
    global _direct_on
    if on != _direct_on:
        with _direct_lock:
            _direct_docs.clear()
        _direct_on = on


def direct(data: bytes, fmt: str, keep: bool = True) -> ExtractedDocument | None:
    """What the direct reader of `fmt` makes of `data` (None: LibreOffice's to read). keep: hold
    the answer for the read that follows; otherwise hand it over (the read)."""
    if not _direct_on:
        return None
    key = hashlib.sha256(data).digest()
    with _direct_lock:
        hit = _direct_docs.get(key, _MISSING) if keep else _direct_docs.pop(key, _MISSING)
    if hit is not _MISSING:
        return hit
    doc = DIRECT_READERS[fmt](data)
    if keep:
        with _direct_lock:
            _direct_docs[key] = doc
            while len(_direct_docs) > _DIRECT_KEPT:
                _direct_docs.popitem(last=False)
    return doc


def needs_conversion(data: bytes, source: str = "") -> bool:
    """Whether `read_document` would hand this file to LibreOffice (and so waits for preconvert)."""
    if data[:2] == b"PK" and data[30:38] != b"mimetype":
        # a .docx or .xlsx: only ODF packages convert, and they name their mimetype first
        # (one ODF file that does not is still converted, by read_document on its own)
        return False
    try:
        fmt = sniff(data, source)
    except ExtractError:
        return False
    if fmt not in CONVERTED or needs_password(data, fmt):
        return False
    return fmt not in DIRECT_READERS or direct(data, fmt) is None


def preconvert(items: list[tuple[bytes, str]], converter_: Converter | None = None) -> int:
    """Convert every file of a batch that needs LibreOffice in one soffice start, filling the
    cache that `read_document` then reads. (bytes, source) pairs; returns how many needed it.
    Never raises for bad input: the per-file read reports it."""
    todo = []
    for data, source in items:
        if needs_conversion(data, source):
            todo.append((hashlib.sha256(data).hexdigest(), data, sniff(data, source)))
    if todo:
        (converter_ or converter()).convert_many(todo)
    return len(todo)


class Preconversion:
    """preconvert in a thread: soffice is another process, so while it converts the .doc/.wps/.xls
    files of a batch this worker extracts the batch's other files (.docx, .xlsx, PDF) instead of
    waiting. `wait()` before reading a file that `needs_conversion`; it returns how many were
    converted and re-raises nothing (a failed conversion is the per-file read's finding)."""

    def __init__(self, items: list[tuple[bytes, str]], converter_: Converter | None = None):
        import threading

        self._n = 0
        conv = converter_ or converter()

        def run() -> None:
            try:
                self._n = preconvert(items, conv)
            except Exception:  # noqa: BLE001 - the per-file read converts again and reports it
                self._n = -1

        self._thread = threading.Thread(target=run, name="jixiao-preconvert", daemon=True)
        self._thread.start()

    def wait(self) -> int:
        self._thread.join()
        return self._n
