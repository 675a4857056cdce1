"""Writing drafts: one case file per case, YAML (the case-file format) or JSON, each written atomically.

A YAML draft opens with comments that say where it came from and which of its regulations the legislation
layer holds (the build links those itself, as for curated cases).
"""

from __future__ import annotations

import json
from pathlib import Path

from .pipeline import Draft, Extraction

FORMATS = ("yaml", "json")


def regulation_links(extraction: Extraction) -> dict[tuple[str, str], str]:
    """(case id, regulation id) → IRI of the legislation-layer work it names, where the layer holds it."""
    from kg.build import _legislation_records
    from kg.divisions import jurisdiction_table
    from kg.legislation import LegislationCorpus, link_case_regulation

    records = _legislation_records()
    if not records:
        return {}
    corpus = LegislationCorpus(records, jurisdiction_table())
    links: dict[tuple[str, str], str] = {}
    for draft in extraction.drafts:
        for regulation in draft.get("regulations", []):
            jurisdiction = regulation.get("jurisdiction", draft["region"])
            found = link_case_regulation(regulation["title"], jurisdiction, corpus)
            if found is not None:
                links[(draft["id"], regulation["id"])] = str(found)
    return links


def render(draft: Draft, fmt: str, *, header: list[str] | None = None) -> str:
    """One draft as file text."""
    if fmt == "json":
        return json.dumps(draft, ensure_ascii=False, indent=2) + "\n"
    from kg.loading import dump_yaml

    body = dump_yaml(draft)
    comments = "".join(f"# {line}\n" for line in header or [])
    return comments + body


def write_drafts(
    extraction: Extraction,
    out_dir: Path,
    fmt: str,
    *,
    source_name: str,
    links: dict[tuple[str, str], str] | None = None,
) -> list[Path]:
    """Write every draft to ``out_dir/{case id}.{yaml|json}``, all or none; returns the paths written."""
    from kg.publish import write_files

    links = links or {}
    files: dict[str, bytes] = {}
    for draft in extraction.drafts:
        header = [
            f"Draft case {draft['position']} extracted by kg extract from {source_name} "
            f"(layout {extraction.layout}).",
            "Review every item against the text; then write the summary and English labels and set "
            "the status.",
        ]
        for regulation in draft.get("regulations", []):
            iri = links.get((draft["id"], regulation["id"]))
            if iri:
                header.append(f"《{regulation['title']}》 is in the legislation layer: {iri}")
        files[f"{draft['id']}.{fmt}"] = render(draft, fmt, header=header).encode("utf-8")
    return write_files(out_dir, files)
