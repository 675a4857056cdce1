"""The static site: every link resolves, every minted IRI opens something, pages carry their own RDF.

Most tests use the site of a small dataset (the cases and what they name); one builds the whole site.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from rdflib import Graph

from kg.site import page_of
from kg.terms import DEFAULT_BASE


class _Page(HTMLParser):
    """The links, ids and embedded JSON-LD of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(values[key] or "")
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"
        if self._in_jsonld:
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def parsed(small_site: Path) -> dict[Path, _Page]:
    return {path: parse_page(path) for path in sorted(small_site.rglob("*.html"))}


def test_every_internal_link_and_download_resolves(small_site: Path, parsed: dict[Path, _Page]) -> None:
    broken = []
    checked = 0
    for path, page in parsed.items():
        for link in page.links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", link):
                assert link.startswith(("https://", "http://")), f"{path}: unsafe link {link}"
                continue
            target, anchor = urldefrag(link)
            file = (path.parent / unquote(target)).resolve() if target else path
            checked += 1
            if not file.is_file() or not file.is_relative_to(small_site.resolve()):
                broken.append(f"{path.relative_to(small_site)} → {link}")
            elif anchor and file.suffix == ".html" and unquote(anchor) not in parsed[file].ids:
                broken.append(f"{path.relative_to(small_site)} → {link} (no such anchor)")
    assert not broken, f"{len(broken)} broken of {checked}: {broken[:10]}"
    assert checked > 1000


def test_every_iri_the_dataset_mints_opens_a_page_or_anchor(
    small_dist: Path, small_site: Path, parsed: dict[Path, _Page]
) -> None:
    from helpers import minted_iris

    iris = set(minted_iris(small_dist))  # the small dataset names entities it leaves out: its subjects
    void = {DEFAULT_BASE + "dataset/distribution/dataset.nt/sha256", DEFAULT_BASE + "dataset/class/fz-Case"}
    assert void <= iris
    missing = []
    for iri in sorted(iris):
        place = page_of(iri)
        assert place is not None, iri
        file = small_site / f"{place[0]}.html"
        if not file.is_file() or (place[1] and place[1] not in parsed[file].ids):
            missing.append(iri)
    assert not missing, missing[:10]
    assert len(iris) > 100


def test_downloads_are_the_dataset_files_linked_not_copied(small_dist: Path, small_site: Path) -> None:
    """Downloads are a third of a nationwide site: hard links give the same bytes without a second copy."""
    for name in ("dataset.nt", "dataset.ttl", "void.ttl"):
        published, source = small_site / name, small_dist / name
        assert published.read_bytes() == source.read_bytes()
        if published.stat().st_dev == source.stat().st_dev:
            assert published.stat().st_ino == source.stat().st_ino, name
        assert published.stat().st_mode & 0o444 == 0o444


def test_landing_page_has_a_row_for_every_partition_and_distribution(
    small_dist: Path, small_site: Path, parsed: dict[Path, _Page]
) -> None:
    """Regression: void.ttl's partition and distribution IRIs led to index.html anchors that did not exist."""
    ids = parsed[small_site / "index.html"].ids
    void = Graph().parse(small_dist / "void.ttl", format="turtle")
    parts = {str(node)[len(DEFAULT_BASE) :] for node in void.subjects() if str(node).startswith(DEFAULT_BASE)}
    assert any(part.startswith("dataset/property/") for part in parts)
    assert parts - ids == set()


def test_embedded_jsonld_is_the_turtle_beside_the_page(small_site: Path, parsed: dict[Path, _Page]) -> None:
    pages = [path for path in parsed if path.parent != small_site]
    assert len(pages) > 50
    for path in pages:
        (embedded,) = parsed[path].jsonld
        from_page = set(Graph().parse(data=embedded, format="json-ld"))
        turtle = set(Graph().parse(path.with_suffix(".ttl"), format="turtle"))
        from_file = set(Graph().parse(path.with_suffix(".jsonld"), format="json-ld"))
        assert from_page == turtle == from_file, path
        assert turtle


def test_landing_page_embeds_a_schema_org_dataset(small_site: Path, parsed: dict[Path, _Page]) -> None:
    (embedded,) = parsed[small_site / "index.html"].jsonld
    dataset = json.loads(embedded)
    assert dataset["@type"] == "Dataset" and dataset["license"] and dataset["distribution"]
    text = (small_site / "index.html").read_text(encoding="utf-8")
    for needle in ("@misc{", '"type": "dataset"', "dataset.nt.gz", "rdfs:subClassOf* fz:Actor"):
        assert needle in text or needle.replace('"', "&#34;") in text, needle


def test_ontology_page_documents_every_term(small_site: Path, parsed: dict[Path, _Page]) -> None:
    ontology = Graph().parse(small_site / "ontology.ttl")
    ids = parsed[small_site / "ontology.html"].ids
    terms = {
        str(s)[len("https://w3id.org/fazhi/ontology#") :]
        for s in ontology.subjects()
        if str(s).startswith("https://w3id.org/fazhi/ontology#")
    }
    assert terms and terms <= ids, terms - ids
    text = (small_site / "ontology.html").read_text(encoding="utf-8")
    assert "fzsh:" in text  # the shapes that apply are shown


def test_rebuild_is_byte_identical(small_dist: Path, small_site: Path, tmp_path: Path) -> None:
    from kg.site import publish_site

    again = tmp_path / "again"
    publish_site(small_dist, again)
    first = {p.relative_to(small_site): p.read_bytes() for p in small_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_hostile_values_are_escaped(small_dist: Path, tmp_path: Path) -> None:
    import shutil

    from kg.site import publish_site

    hostile = tmp_path / "dist"
    shutil.copytree(small_dist, hostile)
    case = f"<{DEFAULT_BASE}case/2022-jilin>"
    lines = [
        f'{case} <http://www.w3.org/2000/01/rdf-schema#comment> "</script><script>alert(1)</script>" .',
        f'{case} <http://www.w3.org/2000/01/rdf-schema#label> "<img src=x onerror=alert(1)>"@zh .',
        f"{case} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> .",
    ]
    with (hostile / "dataset.nt").open("a", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    site = tmp_path / "site"
    publish_site(hostile, site)
    page = (site / "id" / "case" / "2022-jilin.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    (embedded,) = parse_page(site / "id" / "case" / "2022-jilin.html").jsonld
    graph = Graph().parse(data=embedded, format="json-ld")
    assert any(str(o) == "</script><script>alert(1)</script>" for o in graph.objects())


def test_publish_refuses_a_file_as_output(small_dist: Path, tmp_path: Path) -> None:
    from helpers import invoke

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, output = invoke("publish", "--dist", str(small_dist), "--out", str(blocker))
    assert code == 2 and "not a directory" in output


def test_every_iri_the_whole_dataset_names_is_described_so_it_gets_a_page(bundled_store) -> None:
    """On the whole dataset: an IRI under the base that only appears as an object would have no page."""
    query = f"""SELECT DISTINCT ?o WHERE {{
      ?s ?p ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{DEFAULT_BASE}"))
      FILTER NOT EXISTS {{ ?o ?q ?x }}
    }} LIMIT 10"""
    assert [row["o"].value for row in bundled_store.query(query)] == []
    pages = {page_of(row["s"].value) for row in bundled_store.query("SELECT DISTINCT ?s { ?s ?p ?o }")}
    assert None not in pages


def test_publish_refuses_to_replace_a_folder_it_did_not_make(small_dist: Path, tmp_path: Path) -> None:
    """Regression guard: the site replaces its --out folder, so `--out .` must not delete the user's files."""
    from helpers import invoke

    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    code, output = invoke("publish", "--dist", str(small_dist), "--out", str(precious))
    assert code == 2 and "did not make" in output
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_publish_replaces_a_site_it_made(small_dist: Path, small_site: Path, tmp_path: Path) -> None:
    import shutil

    from kg.site import publish_site

    again = tmp_path / "site"
    shutil.copytree(small_site, again)
    (again / "stale.html").write_text("old", encoding="utf-8")
    publish_site(small_dist, again)
    assert not (again / "stale.html").exists() and (again / "index.html").is_file()
