"""The static site: a landing page, the ontology's documentation and one page per entity, no server code.

Every IRI the dataset mints under its base opens something: a page of its own (cases, regulation works,
jurisdictions, mechanisms, topics, institutions, documents, concept schemes) or an anchor in the page of the
entity it belongs to (a case's measures, outcomes and institutions; a work's versions; a document's spans; a
scheme's concepts). The rule is :func:`page_of`. Beside each page lie the entity's Turtle and JSON-LD, which
hold the triples whose subject is on the page; the page embeds the same JSON-LD. Templates are Jinja2 with
autoescaping on; every value of the data is treated as hostile text. Output is sorted and carries no clock
time, so a rebuild is byte-identical.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build import LAYERS
from ..terms import DEFAULT_BASE, FZ, FZSH, PREFIXES

if TYPE_CHECKING:
    import pyoxigraph
    from jinja2 import Environment

    from ..publish import Release

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
LABELS = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")

CONCEPT_SCHEMES = ("field", "institution-kind", "level", "regulation-kind", "status", "unit")
"""Small SKOS schemes: their concepts are anchors on the scheme's page (``scheme/{name}``)."""

MAX_INCOMING = 100
"""Most links shown under "referred to by" (a country is referred to by thousands of entities)."""

EXAMPLE_QUERIES: tuple[tuple[str, str, str], ...] = (
    (
        "Cases by region · 各案例所在地区",
        "Which region is each case from?",
        "SELECT ?case ?region WHERE {\n  ?case a fz:Case ; fz:region/rdfs:label ?region .\n"
        '  FILTER (lang(?region) = "zh")\n} ORDER BY ?case',
    ),
    (
        "Actors through the class hierarchy · 按类层次查询主体",
        "How many institutions and platforms are there, counted through the ontology's subclasses?",
        "SELECT ?class (COUNT(?x) AS ?n) WHERE {\n  ?x a ?class .\n  ?class rdfs:subClassOf* fz:Actor .\n"
        "} GROUP BY ?class ORDER BY DESC(?n) ?class",
    ),
    (
        "Mechanisms used most · 最常见的机制",
        "Which mechanisms do the measures instantiate most often?",
        "SELECT ?mechanism (COUNT(?measure) AS ?n) WHERE {\n"
        "  ?measure fz:instantiates/skos:prefLabel ?mechanism .\n"
        '  FILTER (lang(?mechanism) = "en")\n} GROUP BY ?mechanism ORDER BY DESC(?n) ?mechanism LIMIT 10',
    ),
)


@dataclass(frozen=True)
class SiteSummary:
    """What a site build made."""

    pages: int
    files: int
    bytes: int
    seconds: float
    out_dir: Path
    download_bytes: int = 0
    """of ``bytes``, the downloads: hard links to the dataset folder's files where the file system allows"""

    def line(self) -> str:
        megabytes = self.bytes / 1e6
        return (
            f"published {self.pages} pages, {self.files} files, {megabytes:.1f} MB "
            f"(downloads {self.download_bytes / 1e6:.1f} MB, linked from the dataset folder) in "
            f"{self.seconds:.1f} s → {self.out_dir}"
        )


@dataclass
class Page:
    """One HTML page: its path below the site root (no extension) and the IRIs shown on it, main one first."""

    path: str
    subjects: list[str] = field(default_factory=list)


def page_of(iri: str, base: str = DEFAULT_BASE) -> tuple[str, str] | None:
    """The page (path below the site root, no extension) and anchor ("" for the page itself) of an IRI.

    None for IRIs outside the dataset's base. Ontology terms are anchors of the ``ontology`` page.
    """
    if iri.startswith(str(FZ)):
        return "ontology", iri[len(str(FZ)) :]
    if iri.rstrip("#/") == str(FZ).rstrip("#"):
        return "ontology", ""
    if not iri.startswith(base) or iri == base:
        return None
    parts = iri[len(base) :].split("/")
    head = parts[0]
    if head in CONCEPT_SCHEMES and len(parts) >= 2:
        return f"id/scheme/{head}", "/".join(parts[1:])
    if head == "span" and len(parts) >= 3:
        return f"id/document/{parts[1]}", "span/" + "/".join(parts[2:])
    if head == "dataset" and len(parts) == 2:
        return f"id/dataset/{parts[1]}", ""  # a public source dataset (legislation records) has its own page
    if head in ("dataset", "graph"):
        return "index", "/".join(parts)
    width = 3 if head == "regulation" else 2
    if len(parts) < width:
        return f"id/{'/'.join(parts)}", ""
    return f"id/{'/'.join(parts[:width])}", "/".join(parts[width:])


def href(from_page: str, target: tuple[str, str], suffix: str = ".html") -> str:
    """A relative link from one page to a page (and anchor): the site works under any prefix and offline."""
    page, anchor = target
    relative = posixpath.relpath(page + suffix, posixpath.dirname(from_page) or ".")
    return relative + (f"#{anchor}" if anchor else "")


class Index:
    """The dataset's quads by subject and by object, with labels: what every page is made from."""

    def __init__(self, quads: Iterable[pyoxigraph.Quad]) -> None:
        self.by_subject: dict[str, list[pyoxigraph.Quad]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.types: dict[str, list[str]] = defaultdict(list)
        import pyoxigraph

        ranks: dict[tuple[str, str], int] = {}
        for quad in quads:
            subject = term_value(quad.subject)
            self.by_subject[subject].append(quad)
            predicate = quad.predicate.value
            value = quad.object
            if isinstance(value, pyoxigraph.NamedNode):
                if predicate == RDF_TYPE:
                    self.types[subject].append(value.value)
                else:
                    self.incoming[value.value].append((subject, predicate))
            elif predicate in LABELS and isinstance(value, pyoxigraph.Literal) and value.language:
                language = value.language.split("-")[0]
                rank = LABELS.index(predicate)
                known = ranks.get((subject, language))
                if language in ("zh", "en") and (known is None or rank < known):
                    ranks[(subject, language)] = rank
                    self.labels[subject][language] = value.value

    def label(self, iri: str, language: str) -> str:
        labels = self.labels.get(iri, {})
        return labels.get(language) or labels.get("en" if language == "zh" else "zh") or local_name(iri)


def term_value(term: Any) -> str:
    """The IRI, blank-node id or lexical form of an Oxigraph term (the dataset holds no triple terms)."""
    return str(term.value)


def local_name(iri: str) -> str:
    """The last segment of an IRI, for display when it has no label."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def compact(iri: str, base: str = DEFAULT_BASE) -> str:
    """``prefix:local`` for a known namespace, else the IRI."""
    known = {**PREFIXES, "fzsh": str(FZSH), "id": base}
    for prefix, namespace in sorted(known.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def pages(index: Index, base: str = DEFAULT_BASE) -> dict[str, Page]:
    """Every entity page by path, with the subjects it shows: main subject first, then anchors, sorted."""
    found: dict[str, Page] = {}
    for subject in sorted(index.by_subject):
        place = page_of(subject, base)
        if place is None or place[0] in ("index", "ontology"):
            continue
        page = found.setdefault(place[0], Page(place[0]))
        page.subjects.append(subject)
    for page in found.values():
        anchors = {iri: (page_of(iri, base) or ("", ""))[1] for iri in page.subjects}
        page.subjects.sort(key=lambda iri: (anchors[iri] != "", anchors[iri]))
    return found


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("kg.site", "templates"),
        autoescape=select_autoescape(("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["script_json"] = script_json
    return environment


def script_json(text: str | bytes) -> Any:
    """JSON made safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` written as ``\\u`` escapes."""
    from markupsafe import Markup

    value = text.decode("utf-8") if isinstance(text, bytes) else text
    escaped = value.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(escaped)


def safe_link(iri: str) -> bool:
    """Only http(s) IRIs become links; anything else (javascript:, data:) is shown as text."""
    return iri.startswith(("https://", "http://"))


# --- views: plain dictionaries the templates render ---------------------------------------------------------


class Site:
    """Everything a site build needs, and the views of its pages."""

    def __init__(
        self,
        quads: list[pyoxigraph.Quad],
        ontology: list[pyoxigraph.Quad],
        shapes: list[pyoxigraph.Quad],
        release: Release,
        downloads: dict[str, Path],
        base: str = DEFAULT_BASE,
    ) -> None:
        self.quads = quads
        self.base = base
        self.release = release
        self.downloads = downloads
        self.data = Index(quads)
        self.ontology = Index(ontology)
        self.shapes = Index(shapes)
        self.pages = pages(self.data, base)

    # links and labels

    def link(self, from_page: str, iri: str) -> str | None:
        """A relative link to the page or anchor of an IRI the site shows; external IRIs link out.

        An IRI under the base that the data says nothing about has no page: it is shown, not linked.
        """
        place = page_of(iri, self.base)
        if place is None:
            return iri if safe_link(iri) else None
        if place[0] == "ontology" or iri in self.data.by_subject:
            return href(from_page, place)
        return None

    def term(self, from_page: str, iri: str) -> dict[str, Any]:
        """A property or class: its labels (from the ontology), prefixed name and link."""
        return {
            "zh": self.ontology.labels.get(iri, {}).get("zh", ""),
            "en": self.ontology.labels.get(iri, {}).get("en", ""),
            "curie": compact(iri, self.base),
            "href": self.link(from_page, iri),
        }

    def node(self, from_page: str, iri: str) -> dict[str, Any]:
        """An entity a page links to, with its labels."""
        return {
            "zh": self.data.labels.get(iri, {}).get("zh", ""),
            "en": self.data.labels.get(iri, {}).get("en", ""),
            "curie": compact(iri, self.base),
            "href": self.link(from_page, iri),
        }

    def value(self, from_page: str, term: Any) -> dict[str, Any]:
        import pyoxigraph

        if isinstance(term, pyoxigraph.NamedNode):
            return {"node": self.node(from_page, term.value), "text": "", "lang": "", "datatype": ""}
        if isinstance(term, pyoxigraph.Literal):
            datatype = term.datatype.value
            shown = "" if term.language or datatype.endswith("#string") else compact(datatype)
            return {"node": None, "text": term.value, "lang": term.language or "", "datatype": shown}
        return {"node": None, "text": str(term), "lang": "", "datatype": ""}

    def section(self, page: Page, iri: str) -> dict[str, Any]:
        """One subject of a page: its facts, provenance and what refers to it."""
        facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        provenance = []
        for quad in self.data.by_subject.get(iri, []):
            predicate = quad.predicate.value
            if predicate == RDF_TYPE:
                continue
            if predicate == PROV_DERIVED:
                provenance.append(self.span(page.path, term_value(quad.object)))
                continue
            facts[predicate].append(self.value(page.path, quad.object))
        incoming = sorted(set(self.data.incoming.get(iri, [])))
        place = page_of(iri, self.base) or (page.path, "")
        return {
            "iri": iri,
            "anchor": place[1],
            "zh": self.data.labels.get(iri, {}).get("zh", ""),
            "en": self.data.labels.get(iri, {}).get("en", "") or local_name(iri),
            "types": [self.term(page.path, kind) for kind in sorted(self.data.types.get(iri, []))],
            "facts": [
                {"property": self.term(page.path, predicate), "objects": values}
                for predicate, values in sorted(facts.items())
            ],
            "provenance": provenance,
            "incoming": [
                {"node": self.node(page.path, subject), "property": self.term(page.path, predicate)}
                for subject, predicate in incoming[:MAX_INCOMING]
            ],
            "incoming_more": max(0, len(incoming) - MAX_INCOMING),
        }

    def span(self, from_page: str, iri: str) -> dict[str, Any]:
        """A provenance span: where in which source document a statement was read."""
        facts = {quad.predicate.value: term_value(quad.object) for quad in self.data.by_subject.get(iri, [])}
        document = facts.get(str(FZ.inDocument), "")
        return {
            "href": self.link(from_page, iri),
            "document": self.node(from_page, document) if document else None,
            "lines": f"{facts.get(str(FZ.startLine), '?')}–{facts.get(str(FZ.endLine), '?')}",
            "offsets": f"{facts.get(str(FZ.startOffset), '?')}–{facts.get(str(FZ.endOffset), '?')}",
        }

    def page_quads(self, page: Page) -> list[pyoxigraph.Quad]:
        return [quad for subject in page.subjects for quad in self.data.by_subject.get(subject, [])]

    def entity(self, page: Page, jsonld: bytes) -> dict[str, Any]:
        main = page.subjects[0]
        name = posixpath.basename(page.path)
        return {
            "page": page.path,
            "root": href(page.path, ("index", "")).removesuffix("index.html") or "./",
            "title_zh": self.data.labels.get(main, {}).get("zh", ""),
            "title_en": self.data.labels.get(main, {}).get("en", "")
            or ("" if self.data.labels.get(main, {}).get("zh") else local_name(main)),
            "sections": [self.section(page, subject) for subject in page.subjects],
            "turtle": name + ".ttl",
            "jsonld_file": name + ".jsonld",
            "jsonld": jsonld,
        }

    # the landing page

    def landing(self, store: pyoxigraph.Store) -> dict[str, Any]:
        from ..publish import PUBLISHED_FILES, download_root
        from ..sources import sha256_of

        release = self.release
        classes: dict[str, int] = defaultdict(int)
        for kinds in self.data.types.values():
            for kind in kinds:
                classes[kind] += 1
        downloads: list[dict[str, Any]] = [
            {
                "name": name,
                "title": PUBLISHED_FILES[name].title if name in PUBLISHED_FILES else "VoID and DCAT metadata",
                "media_type": PUBLISHED_FILES[name].media_type if name in PUBLISHED_FILES else "text/turtle",
                "bytes": path.stat().st_size,
                "sha256": sha256_of(path),
                "anchor": f"dataset/distribution/{name}",
            }
            for name, path in sorted(self.downloads.items())
        ]
        landing = download_root(self.base)
        year = release.issued[:4]
        citation_key = f"fazhikg{year}"
        bibtex = (
            f"@misc{{{citation_key},\n"
            f"  title        = {{{release.title_en}}},\n"
            f"  author       = {{{{fazhi-kg developers}}}},\n"
            f"  year         = {{{year}}},\n"
            f"  version      = {{{release.version}}},\n"
            f"  howpublished = {{\\url{{{landing}}}}},\n"
            f"  note         = {{Dataset, licence CC BY 4.0}}\n"
            "}\n"
        )
        csl = {
            "id": citation_key,
            "type": "dataset",
            "title": release.title_en,
            "author": [{"literal": "fazhi-kg developers"}],
            "issued": {"date-parts": [[int(part) for part in release.issued.split("-")]]},
            "version": release.version,
            "URL": landing,
            "license": release.licence,
        }
        schema_org = {
            "@context": "https://schema.org/",
            "@type": "Dataset",
            "@id": self.base + "dataset",
            "name": [
                {"@value": release.title_en, "@language": "en"},
                {"@value": release.title_zh, "@language": "zh"},
            ],
            "description": release.description_en,
            "url": landing,
            "version": release.version,
            "datePublished": release.issued,
            "dateModified": release.modified,
            "license": release.licence,
            "isBasedOn": list(release.sources),
            "creator": {"@type": "Organization", "name": "fazhi-kg developers"},
            "inLanguage": ["zh", "en"],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "contentUrl": landing + item["name"],
                    "encodingFormat": item["media_type"],
                }
                for item in downloads
            ],
        }
        partitions = self.void_partitions()
        return {
            "page": "index",
            "root": "./",
            "release": release,
            "triples": len(self.quads),
            "classes": partitions.get("class")
            or [
                {"term": self.term("index", kind), "count": count, "anchor": ""}
                for kind, count in sorted(classes.items(), key=lambda item: (-item[1], item[0]))
            ],
            "properties": partitions.get("property", []),
            "services": partitions.get("service", []),
            "downloads": downloads,
            "queries": [self.example(store, *example) for example in EXAMPLE_QUERIES],
            "bibtex": bibtex,
            "csl": json.dumps(csl, ensure_ascii=False, indent=1),
            "schema_org": json.dumps(schema_org, ensure_ascii=False, indent=1, sort_keys=True),
            "graphs": [self.base + "graph/" + layer for layer in LAYERS],
            "trig": "dataset.trig" in self.downloads,
            "dataset_iri": self.base + "dataset",
        }

    def void_partitions(self) -> dict[str, list[dict[str, Any]]]:
        """The class and property partitions of ``void.ttl`` with their counts, and its other ``dataset/…``
        nodes.

        Each row carries its IRI's anchor (``dataset/class/fz-Case``), so that every IRI ``void.ttl`` mints
        opens a row of the landing page. Distributions are the rows of the download table.
        """
        from rdflib import Graph, URIRef

        from ..terms import DCAT, VOID

        path = self.downloads.get("void.ttl")
        if path is None:
            return {}
        void = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        prefix = self.base + "dataset/"
        found: dict[str, list[dict[str, Any]]] = {"class": [], "property": [], "service": []}
        for kind, key, measure in (
            ("class", VOID["class"], VOID.entities),
            ("property", VOID.property, VOID.triples),
        ):
            for part, term in void.subject_objects(key):
                if not str(part).startswith(prefix):
                    continue
                count = void.value(part, measure)
                found[kind].append(
                    {
                        "term": self.term("index", str(term)),
                        "count": int(str(count)) if count is not None else 0,
                        "anchor": str(part)[len(self.base) :],
                    }
                )
            found[kind].sort(key=lambda row: (-row["count"], row["anchor"]))
        files = {f"dataset/distribution/{name}" for name in self.downloads}
        for node in sorted(set(void.subjects()), key=str):
            anchor = str(node)[len(self.base) :]
            if not isinstance(node, URIRef) or not str(node).startswith(prefix):
                continue
            partition = anchor.startswith(("dataset/class/", "dataset/property/"))
            if partition or anchor.split("/sha256")[0] in files:
                continue
            address = void.value(node, DCAT.endpointURL) or void.value(node, DCAT.accessURL)
            found["service"].append({"anchor": anchor, "address": str(address or "")})
        return found

    def example(self, store: pyoxigraph.Store, title: str, question: str, text: str) -> dict[str, Any]:
        """An example query with its answer, run on the data and the ontology as ``kg query`` would."""
        from ..query import run

        result = run(store, text)
        rows = [[self.cell(row.get(variable)) for variable in result.variables] for row in result.rows[:12]]
        return {
            "title": title,
            "question": question,
            "text": text,
            "variables": result.variables,
            "rows": rows,
        }

    def cell(self, term: Any) -> dict[str, Any]:
        from rdflib import URIRef

        if term is None:
            return {"node": None, "text": ""}
        if isinstance(term, URIRef) and str(term) in self.ontology.labels:
            return {"node": self.term("index", str(term)), "text": ""}
        if isinstance(term, URIRef):
            return {"node": self.node("index", str(term)), "text": ""}
        return {"node": None, "text": str(term)}

    # the ontology documentation

    def ontology_page(self, ontology: Any, shapes: Any) -> dict[str, Any]:
        """Every class and property in fz:: labels, comments, hierarchy, domain, range, shapes."""
        from rdflib import OWL as OWL_NS
        from rdflib import RDF, RDFS, URIRef
        from rdflib import SKOS as SKOS_NS

        sh = "http://www.w3.org/ns/shacl#"
        kinds = (
            ("classes", "Classes · 类", OWL_NS.Class),
            ("object-properties", "Object properties · 对象属性", OWL_NS.ObjectProperty),
            ("datatype-properties", "Datatype properties · 数据属性", OWL_NS.DatatypeProperty),
        )
        namespace = str(FZ)
        instances: dict[str, int] = defaultdict(int)
        for kinds_of in self.data.types.values():
            for kind in kinds_of:
                instances[kind] += 1
        uses: dict[str, int] = defaultdict(int)
        for quad in self.quads:
            uses[quad.predicate.value] += 1

        def text(subject: Any, predicate: Any, language: str) -> str:
            values = sorted(
                str(o)
                for o in ontology.objects(subject, predicate)
                if getattr(o, "language", None) == language
            )
            return " ".join(values)

        def describe(node: Any) -> list[dict[str, Any]]:
            """A class expression: a named class, or the members of an owl:unionOf."""
            if isinstance(node, URIRef):
                return [self.term("ontology", str(node))]
            members = ontology.value(node, OWL_NS.unionOf)
            if members is not None:
                from rdflib.collection import Collection

                return [
                    self.term("ontology", str(m))
                    for m in Collection(ontology, members)
                    if isinstance(m, URIRef)
                ]
            return []

        def applicable_shapes(term: URIRef) -> list[dict[str, Any]]:
            found = []
            targets = set(shapes.subjects(URIRef(sh + "targetClass"), term))
            paths = set(shapes.subjects(URIRef(sh + "path"), term))
            for shape in sorted(targets | paths, key=str):
                owner = (
                    shape if isinstance(shape, URIRef) else shapes.value(None, URIRef(sh + "property"), shape)
                )
                constraints = []
                for name in (
                    "minCount",
                    "maxCount",
                    "class",
                    "datatype",
                    "nodeKind",
                    "pattern",
                    "in",
                    "hasValue",
                ):
                    for value in sorted(shapes.objects(shape, URIRef(sh + name)), key=str):
                        shown = compact(str(value), self.base) if isinstance(value, URIRef) else str(value)
                        constraints.append(f"sh:{name} {shown}")
                messages = sorted(str(m) for m in shapes.objects(shape, URIRef(sh + "message")))
                found.append(
                    {
                        "name": compact(str(owner), self.base)
                        if isinstance(owner, URIRef)
                        else "(anonymous shape)",
                        "target": "class" if shape in targets else "property",
                        "constraints": constraints,
                        "message": messages[0] if messages else "",
                    }
                )
            return found

        sections = []
        for key, title, kind in kinds:
            terms = sorted(s for s in ontology.subjects(RDF.type, kind) if str(s).startswith(namespace))
            entries = []
            for term in terms:
                iri = str(term)
                parents = RDFS.subClassOf if kind == OWL_NS.Class else RDFS.subPropertyOf
                supers = sorted(ontology.objects(term, parents), key=str)
                subs = sorted(ontology.subjects(parents, term), key=str)
                alignments = sorted(
                    (
                        str(o)
                        for p in (
                            OWL_NS.equivalentClass,
                            OWL_NS.equivalentProperty,
                            SKOS_NS.exactMatch,
                            SKOS_NS.closeMatch,
                            RDFS.seeAlso,
                        )
                        for o in ontology.objects(term, p)
                        if isinstance(o, URIRef)
                    ),
                )
                inverse = [str(o) for o in ontology.objects(term, OWL_NS.inverseOf)] + [
                    str(s) for s in ontology.subjects(OWL_NS.inverseOf, term)
                ]
                entries.append(
                    {
                        "anchor": iri[len(namespace) :],
                        "iri": iri,
                        "curie": compact(iri, self.base),
                        "zh": text(term, RDFS.label, "zh"),
                        "en": text(term, RDFS.label, "en"),
                        "comment_zh": text(term, RDFS.comment, "zh"),
                        "comment_en": text(term, RDFS.comment, "en"),
                        "supers": [t for node in supers for t in describe(node)],
                        "subs": [t for node in subs if isinstance(node, URIRef) for t in describe(node)],
                        "domain": [t for node in ontology.objects(term, RDFS.domain) for t in describe(node)],
                        "range": [
                            t
                            for node in ontology.objects(term, RDFS.range)
                            for t in (
                                describe(node)
                                or [{"curie": "(datatype union)", "href": None, "zh": "", "en": ""}]
                            )
                        ],
                        "alignments": [self.term("ontology", item) for item in alignments],
                        "inverse": [self.term("ontology", item) for item in sorted(set(inverse))],
                        "shapes": applicable_shapes(term),
                        "count": instances.get(iri, 0) if kind == OWL_NS.Class else uses.get(iri, 0),
                    }
                )
            sections.append({"key": key, "title": title, "terms": entries})
        title_node = URIRef(namespace.rstrip("#"))
        return {
            "page": "ontology",
            "root": "./",
            "iri": namespace.rstrip("#"),
            "title_en": text(title_node, URIRef(DCTERMS + "title"), "en") or "fazhi ontology",
            "title_zh": text(title_node, URIRef(DCTERMS + "title"), "zh"),
            "version": ", ".join(sorted(str(v) for v in ontology.objects(title_node, OWL_NS.versionInfo))),
            "sections": sections,
        }


# --- writing the site ---------------------------------------------------------------------------------------


def render_site(site: Site, store: pyoxigraph.Store, ontology: Any, shapes: Any) -> dict[str, bytes]:
    """Every file of the site by path below its root, but the downloads (``site.downloads``: linked in)."""
    from importlib.resources import files as package_files

    from ..loading import RdfFormat
    from ..publish import jsonld_document, serialize_quads, used_prefixes

    environment = _environment()
    out: dict[str, bytes] = {SITE_MARKER: b"made by kg publish; this folder is replaced as a whole\n"}
    out["style.css"] = (package_files("kg.site") / "templates" / "style.css").read_bytes()
    out["index.html"] = environment.get_template("index.html").render(site.landing(store)).encode("utf-8")
    out["ontology.html"] = (
        environment.get_template("ontology.html").render(site.ontology_page(ontology, shapes)).encode("utf-8")
    )
    entity = environment.get_template("entity.html")
    for path, page in sorted(site.pages.items()):
        quads = site.page_quads(page)
        prefixes = used_prefixes(quads, site.base)
        jsonld = jsonld_document(quads, prefixes, inline=True)
        out[path + ".ttl"] = serialize_quads(quads, RdfFormat.TURTLE, prefixes)
        out[path + ".jsonld"] = jsonld
        out[path + ".html"] = entity.render(site.entity(page, jsonld)).encode("utf-8")
    return out


SITE_MARKER = ".kg-site"
"""A file in every site's root: only a folder holding it (or an empty one) is replaced by a new site."""


def write_tree(out_dir: Path, files: dict[str, bytes], linked: dict[str, Path] | None = None) -> None:
    """Write a whole folder or nothing: into a sibling temporary folder, then swapped into place.

    A non-empty folder is replaced only when it is a site made before (it holds :data:`SITE_MARKER`), so that
    ``--out .`` or ``--out data`` cannot delete a user's files. ``linked`` files (the downloads) are hard
    links to their source where the file system allows, else copies: the same bytes, without a second copy
    of the dataset on disk. ``kg build`` replaces its files by renaming, so a later build never changes a
    published site through a link.
    """
    import shutil
    import tempfile

    from ..errors import OutputError

    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).is_file():
        raise OutputError(
            f"{out_dir}: a folder that kg publish did not make, and it is not empty; the site replaces its "
            "--out folder as a whole, so choose a new or empty folder"
        )
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot create the output folder ({error.strerror})") from None
    try:
        for name, content in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for folder in [staging, *sorted(p for p in staging.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
        for file in staging.rglob("*"):
            if file.is_file():
                file.chmod(0o644)
        for name, source in sorted((linked or {}).items()):
            _link_or_copy(source, staging / name)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=parent))
            out_dir.rename(old / "site")
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot write the site ({error.strerror})") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link to ``source`` (readable by all, as a copy would be), or a copy across file systems."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        target.chmod(0o644)


def publish_site(dist_dir: Path, out_dir: Path, *, base: str = DEFAULT_BASE) -> SiteSummary:
    """Make the static site of a built dataset folder (``kg build``'s output) in ``out_dir``."""
    import time

    from ..loading import read_quads, read_rdf
    from ..publish import PUBLISHED_FILES, read_release, sorted_quads
    from ..resources import data_dir
    from ..store import from_quads

    started = time.perf_counter()
    quads = read_quads(dist_dir / "dataset.nt")
    quads.sort(key=lambda quad: (str(quad.subject), str(quad.predicate), str(quad.object)))
    ontology = read_rdf(dist_dir / "ontology.ttl")
    shapes = read_rdf(dist_dir / "shapes.ttl")
    ontology_quads = sorted_quads(ontology)
    shape_quads = sorted_quads(shapes)
    names = [*sorted(PUBLISHED_FILES), "void.ttl"]
    downloads = {name: dist_dir / name for name in names if (dist_dir / name).is_file()}
    site = Site(
        quads, ontology_quads, shape_quads, read_release(data_dir() / "version.json"), downloads, base
    )
    store = from_quads([*quads, *ontology_quads])
    files = render_site(site, store, ontology, shapes)
    write_tree(out_dir, files, downloads)
    download_bytes = sum(path.stat().st_size for path in downloads.values())
    return SiteSummary(
        pages=sum(1 for name in files if name.endswith(".html")),
        files=len(files) + len(downloads),
        bytes=sum(len(content) for content in files.values()) + download_bytes,
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        download_bytes=download_bytes,
    )
