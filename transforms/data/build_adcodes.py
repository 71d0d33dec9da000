"""Rebuild ``transforms/data/adcodes.csv`` from the ``adcodes.csv`` shipped by cpca.

Source: the MIT-licensed PyPI package ``cpca`` (https://github.com/DQinYuan/
chinese_province_city_area_mapper) ships ``cpca/resources/adcodes.csv`` with
columns ``adcode,name,longitude,latitude`` (12-digit codes).  We only read it;
cpca is NOT a dependency of this project.

Usage (from the repo root)::

    .venv/bin/pip download --no-deps -d /tmp/cpca cpca
    .venv/bin/python transforms/data/build_adcodes.py /tmp/cpca/cpca-*.whl

The argument may be the wheel, the sdist (.tar.gz) or the extracted csv.
The output (default: ``adcodes.csv`` next to this script) has the columns
``code,name,province_code,city_code,level``:

* ``code`` is the 6-digit GB/T 2260 code; ``level`` is province/city/county.
* Placeholder rows (``市辖区``, ``县``, ``省直辖县级行政区划``,
  ``自治区直辖县级行政区划``) are dropped.
* Units directly administered by a province (code digits 3-4 == ``90``, e.g.
  湖北 仙桃市 429004, 河南 济源市 419001, 海南 琼海市 469002, 新疆 石河子市
  659001) are city-level peers: ``level=city``, ``city_code`` = own code.
* Districts and counties of the four municipalities (北京/天津/上海/重庆) have
  the municipality as their city: ``city_code`` = the municipality's code
  (e.g. 朝阳区 110105 -> 110000).
* Province rows have an empty ``city_code``.
* ``CORRECTIONS`` below updates units renamed after the cpca snapshot
  (about 2016/2017) that matter for Hubei filings.
"""

from __future__ import annotations

import csv
import io
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "adcodes.csv"
MUNICIPALITIES = {"11", "12", "31", "50"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# old 6-digit code -> (new code, new name); newer than the cpca snapshot.
CORRECTIONS = {
    "420821": ("420882", "京山市"),  # 京山县 -> 京山市 (county-level city, 2018)
    "421023": ("421088", "监利市"),  # 监利县 -> 监利市 (county-level city, 2020)
}


def read_source(path: Path) -> str:
    """Return the text of cpca's adcodes.csv from a wheel, sdist or plain csv."""
    if path.suffix == ".whl" or zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            name = next(n for n in zf.namelist() if n.endswith("resources/adcodes.csv"))
            return zf.read(name).decode("utf-8-sig")
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tf:
            member = next(m for m in tf.getmembers() if m.name.endswith("resources/adcodes.csv"))
            return tf.extractfile(member).read().decode("utf-8-sig")
    return path.read_text(encoding="utf-8-sig")


def convert(text: str) -> list[dict[str, str]]:
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code, name = row["adcode"].strip()[:6], row["name"].strip()
        if name in PLACEHOLDERS:
            continue
        code, name = CORRECTIONS.get(code, (code, name))
        names[code] = name

    out = []
    for code in sorted(names):
        prov = code[:2] + "0000"
        if code == prov:
            level, city = "province", ""
        elif code[4:] == "00" or code[2:4] == "90":  # prefecture, or province-administered peer
            level, city = "city", code
        else:
            level = "county"
            city = prov if code[:2] in MUNICIPALITIES else code[:4] + "00"
        if prov not in names or (city and city not in names):
            raise ValueError(f"{code} {names[code]}: parent missing in source")
        out.append({"code": code, "name": names[code], "province_code": prov,
                    "city_code": city, "level": level})
    return out


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = convert(read_source(Path(argv[0])))
    out = Path(argv[1]) if len(argv) == 2 else DEFAULT_OUT
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "name", "province_code", "city_code", "level"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
