"""Real hostile files for the intake tests: OLE/CFB containers, zip bombs, XML with a DOCTYPE,
plus a compact department form with a full funding block (income and expenditure).

Everything is generated (deterministic bytes), so no binary blobs live in the repository.
"""
from __future__ import annotations

import io
import struct
import zipfile

from testkit.docx_builder import C, Document, P, Table, build

W = 1000
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# --------------------------------------------------------------------------- OLE / CFB


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid Compound File Binary (MS-CFB v3, 512-byte sectors): one FAT sector,
    one directory sector (Root Entry + the streams), stream data padded to 4096 bytes so it
    lives in regular sectors (no mini stream). Enough for any reader that walks the directory."""
    assert len(streams) <= 3
    sector = 512
    datas = [d.ljust(4096, b"\0") for d in streams.values()]
    # sector 0 = FAT, sector 1 = directory, then each stream's 8 sectors
    fat = [FATSECT, ENDOFCHAIN]
    starts = []
    for d in datas:
        n = len(d) // sector
        start = len(fat)
        starts.append(start)
        fat.extend(list(range(start + 1, start + n)) + [ENDOFCHAIN])
    fat += [FREESECT] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    names = list(streams)
    dir_entries = [entry("Root Entry", 5, 1 if names else NOSTREAM, NOSTREAM, ENDOFCHAIN, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        dir_entries.append(entry(name, 2, NOSTREAM, right, starts[i], len(streams[name])))
    directory = b"".join(dir_entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *([FREESECT] * 108)))
    assert len(header) == 512
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(datas)


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE container, not a zip."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption xmlns='http://schemas.microsoft.com/office/2006/encryption'/>"
    return cfb({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + bytes(range(256)) * 8})


def legacy_doc() -> bytes:
    """A Word 97-2003 binary (.doc): WordDocument + 1Table streams."""
    return cfb({"WordDocument": b"\xec\xa5\xc1\x00" + b"\0" * 64, "1Table": b"\0" * 64})


def legacy_wps() -> bytes:
    """A Kingsoft WPS binary (.wps), also an OLE container."""
    return cfb({"WordDocument": b"\xec\xa5\xc1\x00WPS" + b"\0" * 64, "WpsCustomData": b"\0" * 32})


# --------------------------------------------------------------------------- forms


def department_form(dept: str, income=("60", "40", "100"), spend=("70", "30", "100"),
                    income_share=("60%", "40%", "100%"), spend_share=("70%", "30%", "100%"),
                    years=("2022年", "2023年"), title="部门整体绩效目标表", target="100人次") -> Document:
    """A department form (Hubei layout) with income and expenditure blocks and two indicators."""
    return Document([P(title), Table([W] * 6, [
        [C("部门（单位）名称"), C(dept, colspan=5)],
        [C("填报人"), C("张三", colspan=2), C("联系电话"), C("0711-1234567", colspan=2)],
        [C("总体资金情况", colspan=2), C("当年金额"), C("占比"), C("近两年收支金额", colspan=2)],
        [C(""), C(""), C(""), C(""), C(years[0]), C(years[1])],
        [C("收入构成", rowspan=3), C("财政拨款"), C(income[0]), C(income_share[0]), C("50"), C("50")],
        [C("单位资金"), C(income[1]), C(income_share[1]), C("50"), C("50")],
        [C("合  计"), C(income[2]), C(income_share[2]), C("100"), C("100")],
        [C("支出构成", rowspan=3), C("人员类项目支出"), C(spend[0]), C(spend_share[0]), C("50"), C("50")],
        [C("运转类项目支出"), C(spend[1]), C(spend_share[1]), C("50"), C("50")],
        [C("合  计"), C(spend[2]), C(spend_share[2]), C("100"), C("100")],
        [C("一级指标"), C("二级指标"), C("三级指标", colspan=2), C("指标值", colspan=2)],
        [C("产出"), C("数量"), C("培训人次", colspan=2), C(target, colspan=2)],
        [C("效益"), C("社会效益"), C("群众满意度", colspan=2), C("≥95%", colspan=2)],
    ])])


def form_bytes(dept: str, **kw) -> bytes:
    return build(department_form(dept, **kw))


# --------------------------------------------------------------------------- zip surgery


def replace_part(docx: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info.filename))
    return out.getvalue()


def zip_bomb(inflated_mb: int = 400) -> bytes:
    """A .docx whose word/document.xml inflates to `inflated_mb` MB (about 1000:1 deflate),
    written in chunks so building it never holds the inflated text in memory."""
    base = zipfile.ZipFile(io.BytesIO(form_bytes("鄂州市财政局")))
    out = io.BytesIO()
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, base.read(info.filename))
                continue
            with dst.open("word/document.xml", "w") as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                        b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
                for _ in range(inflated_mb):
                    f.write(chunk)
                f.write(b"</w:body></w:document>")
    return out.getvalue()


def lie_about_size(docx: bytes, name: str = "word/document.xml", declared: int = 4000) -> bytes:
    """The same zip with `name`'s inflated size rewritten to `declared` in both its local
    header and its central directory entry: a zip bomb that lies about its size."""
    data = bytearray(docx)
    zf = zipfile.ZipFile(io.BytesIO(docx))
    info = zf.getinfo(name)
    assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    raw_name = name.encode()
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + n]) == raw_name:
            struct.pack_into("<I", data, pos + 24, declared)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    else:  # pragma: no cover
        raise AssertionError("central directory entry not found")
    return bytes(data)


def with_doctype(docx: bytes, url: str, secret_path: str, prolog_padding: int = 0) -> bytes:
    """The form with a DOCTYPE declaring external entities (a local file, a URL) that its text
    references, optionally behind a long comment so the DOCTYPE sits far from the start."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    head, body = xml.split("?>", 1)
    doctype = (f'<!DOCTYPE w:document SYSTEM "{url}/doc.dtd" ['
               f'<!ENTITY secret SYSTEM "file://{secret_path}">'
               f'<!ENTITY remote SYSTEM "{url}/entity">'
               '<!ENTITY lol "lollollollollol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    padding = f"<!--{'x' * prolog_padding}-->" if prolog_padding else ""
    body = body.replace("鄂州市财政局", "&secret;&remote;&lol2;鄂州市财政局", 1)
    return replace_part(docx, "word/document.xml", (head + "?>" + padding + doctype + body).encode("utf-8"))
