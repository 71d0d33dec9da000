import csv

import pytest

from transforms.regions import ADCODES_CSV, Region, infer_region

# DOMAIN.md "Regions": Hubei prefecture-level units and province-administered peers.
HUBEI_CITIES = {
    "武汉市": "420100", "黄石市": "420200", "十堰市": "420300", "宜昌市": "420500",
    "襄阳市": "420600", "鄂州市": "420700", "荆门市": "420800", "孝感市": "420900",
    "荆州市": "421000", "黄冈市": "421100", "咸宁市": "421200", "随州市": "421300",
    "恩施土家族苗族自治州": "422800",
    "仙桃市": "429004", "潜江市": "429005", "天门市": "429006", "神农架林区": "429021",
}


def _rows():
    with ADCODES_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r for r in csv.DictReader(fh)}


def test_adcodes_table_has_domain_codes():
    rows = _rows()
    assert rows["420000"] == {"code": "420000", "name": "湖北省", "province_code": "420000",
                              "city_code": "", "level": "province"}
    for name, code in HUBEI_CITIES.items():
        assert rows[code]["name"] == name
        assert rows[code]["level"] == "city" and rows[code]["city_code"] == code
    assert rows["420281"]["city_code"] == "420200"  # 大冶市 -> 黄石市
    assert rows["419001"]["level"] == "city"  # 河南 济源市, a province-administered peer
    for r in rows.values():  # every parent exists
        assert r["province_code"] in rows and (r["city_code"] == "" or r["city_code"] in rows)


@pytest.mark.parametrize("name,code", HUBEI_CITIES.items())
def test_hubei_city_level_units(name, code):
    region = infer_region(f"{name}财政局")
    assert region == Region("湖北省", name, None, "city", code)


@pytest.mark.parametrize(
    "department,hints,default_province,expected",
    [
        ("湖北省科学技术厅", (), None, Region("湖北省", None, None, "province", "420000")),
        ("中共湖北省委宣传部", (), None, Region("湖北省", None, None, "province", "420000")),
        ("省财政厅", (), "湖北省", Region("湖北省", None, None, "province", "420000")),
        ("省财政厅", ("湖北省", "2024"), None, Region("湖北省", None, None, "province", "420000")),
        ("鄂州市科学技术局", (), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("大冶市教育局", (), None, Region("湖北省", "黄石市", "大冶市", "county", "420281")),
        ("鄂城区财政局", (), None, Region("湖北省", "鄂州市", "鄂城区", "county", "420704")),
        ("湖北省鄂州市鄂城区财政局", (), None, Region("湖北省", "鄂州市", "鄂城区", "county", "420704")),
        ("荆州市荆州区教育局", (), None, Region("湖北省", "荆州市", "荆州区", "county", "421003")),
        ("宜都市财政局", (), None, Region("湖北省", "宜昌市", "宜都市", "county", "420581")),
        ("仙桃市财政局", (), None, Region("湖北省", "仙桃市", None, "city", "429004")),
        ("中共鄂州市委办公室", (), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("共青团鄂州市委", (), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("鄂州科技局", (), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("长阳县财政局", (), None,
         Region("湖北省", "宜昌市", "长阳土家族自治县", "county", "420528")),
        ("京山市财政局", (), None, Region("湖北省", "荆门市", "京山市", "county", "420882")),
        # truncated names take the region from the hints, most specific first
        ("市科技局", ("鄂州市",), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("市科技局", ("鄂州市科学技术局", "鄂州市", "2024"), None,
         Region("湖北省", "鄂州市", None, "city", "420700")),
        ("市财政局", ("大冶市", "黄石市"), None, Region("湖北省", "黄石市", "大冶市", "county", "420281")),
        ("市财政局", ("鄂城区",), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        ("县财政局", ("阳新县", "黄石市"), None, Region("湖北省", "黄石市", "阳新县", "county", "420222")),
        ("县财政局", ("鄂州市",), None, None),  # which county of 鄂州? unknown
        ("财政局", ("2024", "鄂州市"), None, Region("湖北省", "鄂州市", None, "city", "420700")),
        # no region at all
        ("科学技术局", (), None, None),
        ("省财政厅", (), None, None),
        ("财政局", ("2024", "预算绩效目标表"), "湖北省", None),
        # other provinces
        ("北京市朝阳区财政局", (), None, Region("北京市", "北京市", "朝阳区", "county", "110105")),
        ("北京市教育委员会", (), None, Region("北京市", None, None, "province", "110000")),
        ("朝阳市财政局", (), None, Region("辽宁省", "朝阳市", None, "city", "211300")),
        ("济源市财政局", (), None, Region("河南省", "济源市", None, "city", "419001")),
        # weak/generic names do not override explicit ones; an office's 驻 location is not its region
        ("湖北省中山舰博物馆", (), None, Region("湖北省", None, None, "province", "420000")),
        ("黄石市城区管理局", (), None, Region("湖北省", "黄石市", None, "city", "420200")),
        ("湖北省人民政府驻北京办事处", (), None, Region("湖北省", None, None, "province", "420000")),
        ("驻马店市财政局", (), None, Region("河南省", "驻马店市", None, "city", "411700")),
    ],
)
def test_infer_region(department, hints, default_province, expected):
    assert infer_region(department, hints, default_province) == expected


@pytest.mark.parametrize(
    "department,expected",
    [
        ("恩施市财政局", Region("湖北省", "恩施土家族苗族自治州", "恩施市", "county", "422801")),
        ("恩施州财政局", Region("湖北省", "恩施土家族苗族自治州", None, "city", "422800")),
        ("恩施土家族苗族自治州财政局", Region("湖北省", "恩施土家族苗族自治州", None, "city", "422800")),
        ("恩施州恩施市教育局", Region("湖北省", "恩施土家族苗族自治州", "恩施市", "county", "422801")),
    ],
)
def test_enshi_city_vs_prefecture(department, expected):
    assert infer_region(department) == expected


@pytest.mark.parametrize(
    "department,hints,default_province,code",
    [
        ("朝阳区财政局", (), None, None),  # Beijing or Changchun
        ("朝阳区财政局", ("北京市",), None, "110105"),
        ("朝阳区财政局", (), "吉林省", "220104"),
        ("朝阳区财政局", ("2024",), "湖北省", None),
        ("青山区财政局", (), "湖北省", "420107"),  # 武汉, not 包头
        ("青山区财政局", (), "420000", "420107"),
        ("城区财政局", (), None, None),  # five 城区 in 山西/广东
        ("中山舰博物馆", (), "湖北省", None),  # weak 中山 (广东) contradicts default_province
        ("中山市财政局", (), "湖北省", "442000"),  # an explicit name still wins
    ],
)
def test_ambiguous_names(department, hints, default_province, code):
    region = infer_region(department, hints, default_province)
    assert (region.region_code if region else None) == code


# Issue 13 item 8: the whole country (GB/T 2260, all 34 provincial units).
@pytest.mark.parametrize(
    "department,expected",
    [
        ("北京市朝阳区教育委员会", Region("北京市", "北京市", "朝阳区", "county", "110105")),
        ("成都市武侯区财政局", Region("四川省", "成都市", "武侯区", "county", "510107")),
        ("恩施州民族宗教事务委员会", Region("湖北省", "恩施土家族苗族自治州", None, "city", "422800")),
        ("潜江市财政局", Region("湖北省", "潜江市", None, "city", "429005")),
        ("天门市教育局", Region("湖北省", "天门市", None, "city", "429006")),
        ("广东省财政厅", Region("广东省", None, None, "province", "440000")),
        ("上海市浦东新区财政局", Region("上海市", "上海市", "浦东新区", "county", "310115")),
    ],
)
def test_national_regions(department, expected):
    assert infer_region(department) == expected


def test_name_before_folders_before_default_province():
    # the name wins over a folder of another province; a folder over --province
    assert infer_region("广东省财政厅", ("湖北省",), "湖北省").province == "广东省"
    assert infer_region("省财政厅", ("广东省",), "湖北省").province == "广东省"
    assert infer_region("省财政厅", (), "湖北省").province == "湖北省"


def test_every_provincial_unit_resolves_by_name():
    rows = _rows()
    provinces = [r for r in rows.values() if r["level"] == "province"]
    assert len(provinces) == 34
    for r in provinces:
        assert infer_region(r["name"] + "财政厅").region_code == r["code"], r["name"]
    for level in ("city", "county"):
        assert {r["province_code"] for r in rows.values() if r["level"] == level} >= \
            {r["code"] for r in provinces if r["code"] not in ("710000", "810000", "820000")} - \
            ({"110000", "120000", "310000", "500000"} if level == "city" else set())
