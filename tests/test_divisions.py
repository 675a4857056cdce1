"""The divisions importer, the bundled jurisdiction table and its RDF mapping."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Literal, URIRef

from kg.divisions import (
    COUNTRY,
    TABLE_HEADER,
    Jurisdiction,
    JurisdictionTable,
    UnknownJurisdiction,
    default_table_path,
    import_divisions,
    jurisdiction_table,
    read_divisions,
    read_table,
    write_table,
)
from kg.errors import InputError, OutputError
from kg.mapping.jurisdictions import jurisdictions_graph
from kg.terms import FZ, SCHEMA, Ids

ID = "https://w3id.org/fazhi/id/"

# --- the real source folder ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(shared: Path) -> Path:
    return shared / "data" / "divisions"


@pytest.fixture(scope="module")
def imported(source: Path) -> dict[str, Jurisdiction]:
    return {j.code: j for j in read_divisions(source)}


def test_counts_per_level(imported: dict[str, Jurisdiction]) -> None:
    levels = Counter(j.level for j in imported.values())
    assert levels == {"province": 31, "prefecture": 333, "county": 2975}
    assert list(imported) == sorted(imported)


def test_summary_accounts_for_every_source_row(source: Path, tmp_path: Path) -> None:
    summary = import_divisions(source, tmp_path / "j.tsv")
    assert (summary.provinces, summary.prefectures, summary.counties) == (31, 333, 2975)
    # 3,342 source rows once the placeholders are dropped; three repeat a prefecture that has no counties
    assert summary.total + summary.merged == 3342
    assert summary.merged == 3
    assert summary.path == tmp_path / "j.tsv"


def test_beijing_is_a_municipality_with_its_wikidata_id(imported: dict[str, Jurisdiction]) -> None:
    assert imported["110000"] == Jurisdiction(
        "110000", "北京市", "province", None, "直辖市", "Beijing Municipality", "Q956"
    )


def test_placeholder_cities_are_dropped(imported: dict[str, Jurisdiction]) -> None:
    assert "110100" not in imported  # 市辖区 of Beijing
    assert "429000" not in imported  # 省直辖县级行政区划 of Hubei
    assert not any(j.name_zh in {"市辖区", "县", "省直辖县级行政区划"} for j in imported.values())
    assert imported["110105"].parent == "110000"
    assert imported["110105"].name_zh == "朝阳区"
    assert imported["429004"] == Jurisdiction("429004", "仙桃市", "county", "420000")


def test_prefecture_and_its_county(imported: dict[str, Jurisdiction]) -> None:
    assert imported["370200"] == Jurisdiction("370200", "青岛市", "prefecture", "370000")
    assert imported["370202"].parent == "370200"


def test_prefecture_without_counties_is_one_jurisdiction(imported: dict[str, Jurisdiction]) -> None:
    assert imported["441900"] == Jurisdiction("441900", "东莞市", "prefecture", "440000")
    assert [j.code for j in imported.values() if j.parent == "441900"] == []


def test_bundled_table_is_current(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "jurisdictions.tsv"
    import_divisions(source, out)
    assert out.read_bytes() == default_table_path().read_bytes()


# --- bad input ---------------------------------------------------------------------------------------------

GOOD = {
    "provinces.csv": 'code,name\n11,"北京市"\n13,"河北省"\n',
    "cities.csv": 'code,name,provinceCode\n1101,"市辖区",11\n1301,"石家庄市",13\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n110105,"朝阳区",1101,11\n130102,"长安区",1301,13\n',
    "provinces-en-wikidata.tsv": (
        "# a comment line\n"
        "code\tname_zh\tname_en\ttype\twikidata_qid\n"
        "110000\t北京市\tBeijing Municipality\t直辖市\tQ956\n"
        "130000\t河北省\tHebei Province\t省\tQ21208\n"
    ),
}


def _folder(tmp_path: Path, **changes: str | None) -> Path:
    """A small divisions folder; a change of None removes the file."""
    folder = tmp_path / "divisions"
    folder.mkdir()
    for name, text in GOOD.items():
        text = changes.get(name.replace(".", "_").replace("-", "_"), text)
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_small_folder_reads(tmp_path: Path) -> None:
    got = read_divisions(_folder(tmp_path, provinces_csv="\ufeff" + GOOD["provinces.csv"]))
    assert [(j.code, j.level, j.parent) for j in got] == [
        ("110000", "province", None),
        ("110105", "county", "110000"),
        ("130000", "province", None),
        ("130100", "prefecture", "130000"),
        ("130102", "county", "130100"),
    ]


@pytest.mark.parametrize(
    ("changes", "where", "says"),
    [
        ({"cities_csv": None}, "cities.csv", "file not found"),
        ({"cities_csv": "code,nom,provinceCode\n1301,石家庄市,13\n"}, "cities.csv:1:", "header"),
        ({"areas_csv": GOOD["areas.csv"] + '140102,"小店区",1401,14\n'}, "areas.csv:4:", "provinceCode 14"),
        ({"areas_csv": GOOD["areas.csv"] + '130202,"路南区",1302,13\n'}, "areas.csv:4:", "cityCode 1302"),
        (
            {"areas_csv": GOOD["areas.csv"] + '130102,"长安区",1301,13\n'},
            "areas.csv:4:",
            "duplicate code 130102",
        ),
        (
            {"cities_csv": GOOD["cities.csv"] + '1301,"石家庄市",13\n'},
            "cities.csv:4:",
            "duplicate code 130100",
        ),
        ({"provinces_csv": GOOD["provinces.csv"] + "1x,天津市\n"}, "provinces.csv:4:", "2-digit code"),
        ({"areas_csv": GOOD["areas.csv"] + '130202,"路南区",1301,13\n'}, "areas.csv:4:", "does not lie in"),
        ({"areas_csv": GOOD["areas.csv"] + "130103,长安区\n"}, "areas.csv:4:", "columns"),
        ({"provinces_csv": GOOD["provinces.csv"] + "12,天津市\n"}, "provinces.csv:4:", "has no row"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, changes: dict, where: str, says: str) -> None:
    with pytest.raises(InputError) as error:
        read_divisions(_folder(tmp_path, **changes))
    message = str(error.value)
    assert where in message
    assert says in message


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        read_divisions(tmp_path / "nowhere")


# --- the table file ----------------------------------------------------------------------------------------


def test_write_and_read_back(tmp_path: Path) -> None:
    rows = read_divisions(_folder(tmp_path))
    out = tmp_path / "out" / "j.tsv"
    write_table(rows, out)
    assert read_table(out) == rows
    assert out.read_text(encoding="utf-8").splitlines()[0] == "\t".join(TABLE_HEADER)
    assert [p.name for p in out.parent.iterdir()] == ["j.tsv"]


def test_write_refuses_a_file_where_a_folder_is_expected(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a directory"):
        write_table([], blocker / "j.tsv")


def test_failed_write_keeps_the_old_table(tmp_path: Path) -> None:
    out = tmp_path / "j.tsv"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tab"):
        write_table([Jurisdiction("110000", "北\t京", "province", None)], out)
    assert out.read_text(encoding="utf-8") == "old\n"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("code\tname\n", ":1: header"),
        ("\t".join(TABLE_HEADER) + "\n110000\t北京市\tcity\t\t\t\t\n", ":2: level 'city'"),
        ("\t".join(TABLE_HEADER) + "\n110105\t朝阳区\tcounty\t110000\t\t\t\n", ":2: parent 110000"),
    ],
)
def test_read_table_checks_its_input(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "j.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=says):
        read_table(path)


# --- the bundled table (no ../shared needed) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def table() -> JurisdictionTable:
    return jurisdiction_table()


def test_bundled_table_is_whole_and_consistent(table: JurisdictionTable) -> None:
    rows = read_table()
    assert len(rows) == 3339
    assert len(table) == 3340  # and the country
    above = {"province": {None}, "prefecture": {"province"}, "county": {"province", "prefecture"}}
    for j in rows:
        parent_level = None if j.parent is None else table.by_code(j.parent).level
        assert parent_level in above[j.level], j
        shared_digits = {None: 0, "province": 2, "prefecture": 4}[parent_level]
        assert j.parent is None or j.code[:shared_digits] == j.parent[:shared_digits], j
        assert (j.wikidata is not None) == (j.level == "province")


def test_lookups(table: JurisdictionTable) -> None:
    assert table.by_code("370200").name_zh == "青岛市"
    assert table.by_code(None) == COUNTRY
    assert "110105" in table and "110100" not in table
    assert table.get("999999") is None
    assert len(table.children(None)) == 31
    assert "110105" in table.children("110000")
    assert table.children("110105") == []


def test_unknown_code_is_a_clear_input_error(table: JurisdictionTable) -> None:
    with pytest.raises(UnknownJurisdiction, match="unknown jurisdiction code '110100'"):
        table.by_code("110100")
    with pytest.raises(InputError, match="6 digits"):
        table.by_code("11")


def test_ancestors_and_within(table: JurisdictionTable) -> None:
    assert table.ancestors("370202") == ["370200", "370000"]
    assert table.ancestors("110105") == ["110000"]
    assert table.ancestors("370000") == []
    assert table.is_within("370202", "370000")
    assert table.is_within("370202", "370200")
    assert not table.is_within("370202", "110000")
    assert not table.is_within("370000", "370202")
    assert table.is_within("429004", None)
    assert not table.is_within("370200", "370200")
    assert table.is_within("370200", "370200", inclusive=True)


def test_names_can_be_ambiguous(table: JurisdictionTable) -> None:
    assert table.by_name("朝阳区") == ["110105", "220104"]
    assert table.by_name("青岛市") == ["370200"]
    assert table.by_name("不存在县") == []


# --- RDF ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    return jurisdictions_graph(read_table())


def _about(graph, code: str | None) -> set:
    node = Ids().jurisdiction(code)
    return set(graph.predicate_objects(node))


def test_province_triples(graph) -> None:
    assert _about(graph, "110000") == {
        (RDF.type, FZ.Jurisdiction),
        (RDFS.label, Literal("北京市", lang="zh")),
        (RDFS.label, Literal("Beijing Municipality", lang="en")),
        (FZ.adminCode, Literal("110000")),
        (FZ.level, URIRef(ID + "level/province")),
        (FZ.within, URIRef(ID + "jurisdiction/CN")),
        (FZ.divisionType, Literal("直辖市", lang="zh")),
        (SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q956")),
    }


def test_county_triples(graph) -> None:
    assert _about(graph, "110105") == {
        (RDF.type, FZ.Jurisdiction),
        (RDFS.label, Literal("朝阳区", lang="zh")),
        (FZ.adminCode, Literal("110105")),
        (FZ.level, URIRef(ID + "level/county")),
        (FZ.within, URIRef(ID + "jurisdiction/110000")),
    }


def test_country_triples(graph) -> None:
    assert _about(graph, None) == {
        (RDF.type, FZ.Jurisdiction),
        (RDFS.label, Literal("中国", lang="zh")),
        (RDFS.label, Literal("China", lang="en")),
        (FZ.level, URIRef(ID + "level/country")),
        (SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q148")),
    }


def test_graph_is_lean_and_has_no_blank_nodes(graph) -> None:
    assert len(set(graph.subjects(RDF.type, FZ.Jurisdiction))) == 3340
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    assert (None, FZ.contains, None) not in graph
    assert len(set(graph.subjects(FZ.within, URIRef(ID + "jurisdiction/CN")))) == 31


def test_base_is_configurable() -> None:
    graph = jurisdictions_graph(
        [Jurisdiction("110000", "北京市", "province", None)], Ids("http://example.org/")
    )
    assert (
        URIRef("http://example.org/jurisdiction/110000"),
        FZ.within,
        URIRef("http://example.org/jurisdiction/CN"),
    ) in graph
