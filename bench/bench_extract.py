"""Extraction of a large notice: is ``kg extract`` linear in the size of its input?

The notice is the seed's body (its lines 9-139) repeated up to each size, generated here in memory. For
each size the script prints the seconds of extraction (decode, layout, cases, findings) and of writing the
drafts, the seconds per MB, and the ratio of seconds per MB to that of the smallest size: a linear
extractor keeps that ratio near 1. The baseline is the least any extractor does with the same text: decode
it, split it into lines and run one regular expression for figures over it.

    .venv/bin/python bench/bench_extract.py            # 1, 2.5, 5 and 10 MB
    .venv/bin/python bench/bench_extract.py --sizes 1 2
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

SEED = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "seed"
    / "notice-2022-inspection-typical-experiences.txt"
)


def notice_of_size(megabytes: float) -> bytes:
    body = "".join(SEED.read_text(encoding="utf-8").splitlines(keepends=True)[8:139])
    chunk = body.encode("utf-8")
    target = int(megabytes * 1_000_000)
    return chunk * max(1, target // len(chunk))


def baseline(data: bytes) -> int:
    text = data.decode("utf-8")
    lines = text.splitlines()
    figures = re.compile(r"\d+(?:\.\d+)?\s*(?:余|多)?[万亿]?(?:余|多)?(?:件|起|人|名|个|份|元|立方米)")
    return len(lines) + sum(1 for _ in figures.finditer(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 2.5, 5.0, 10.0], help="sizes in MB")
    args = parser.parse_args()
    if not SEED.is_file():
        print(f"no seed notice at {SEED}; nothing to measure", file=sys.stderr)
        return 2
    from kg.extract.draft import write_drafts
    from kg.extract.lexicon import load_lexicon
    from kg.extract.pipeline import extract
    from kg.extract.text import decode

    load_lexicon()
    print(
        f"{'MB':>6} {'cases':>7} {'extract s':>10} {'write s':>8} {'s/MB':>7} "
        f"{'vs first':>9} {'baseline s':>11}"
    )
    first: float | None = None
    for size in args.sizes:
        data = notice_of_size(size)
        megabytes = len(data) / 1_000_000
        started = time.perf_counter()
        found = extract(decode(data, "bench"), document="bench", notice="bench")
        extracted = time.perf_counter() - started
        assert found is not None
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            write_drafts(found, Path(out), "yaml", source_name="bench")
            written = time.perf_counter() - started
        started = time.perf_counter()
        baseline(data)
        base = time.perf_counter() - started
        per_mb = (extracted + written) / megabytes
        first = first or per_mb
        print(
            f"{megabytes:6.1f} {len(found.drafts):7d} {extracted:10.2f} {written:8.2f} {per_mb:7.2f} "
            f"{per_mb / first:8.2f}× {base:11.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
