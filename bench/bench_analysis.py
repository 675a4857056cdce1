"""Benchmarks of kg.analysis: region-level projections and metrics on the bundled dataset (target < 3 s) and
the leader → follower computation on a synthetic 1,000 jurisdictions × 200 topics table (target < 30 s).

``benchmarks()`` returns named steps for ``bench/run.py`` to time; run this file alone to print the times.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

JURISDICTIONS, TOPICS, ADOPTION_RATE = 1000, 200, 0.5


def synthetic_adoptions(
    jurisdictions: int = JURISDICTIONS, topics: int = TOPICS, *, rate: float = ADOPTION_RATE, seed: int = 7
) -> Any:
    """A random adoption table: each jurisdiction adopts each topic with probability ``rate``, on a day of
    2000–2019; a three-level hierarchy (1 country, 30 provinces, the rest split among them)."""
    from kg.analysis.diffusion import Adoption, Hierarchy, adoption_table

    rng = random.Random(seed)
    start = dt.date(2000, 1, 1)
    rows = [
        Adoption(f"t{t:04d}", f"j{j:05d}", start + dt.timedelta(days=rng.randrange(7300)))
        for t in range(topics)
        for j in range(jurisdictions)
        if rng.random() < rate
    ]
    parent = {f"j{j:05d}": ("CN" if j < 30 else f"j{j % 30:05d}") for j in range(jurisdictions)}
    level = {node: ("province" if node < "j00030" else "prefecture") for node in parent} | {"CN": "country"}
    return adoption_table(rows), Hierarchy(parent, level)


def benchmarks() -> list[tuple[str, Callable[[], object]]]:
    """Named steps, timed in order; the first loads the bundled dataset for the next ones."""
    state: dict[str, Any] = {}

    def load() -> object:
        from kg.build import dataset_graph
        from kg.store import from_graph

        state["store"] = from_graph(dataset_graph())
        return state["store"]

    def region_level() -> object:
        from kg.analysis.graphs import FEATURE_KINDS, incidence, mechanism_cooccurrence, region_graph
        from kg.analysis.metrics import centrality, communities

        store = state["store"]
        graph = region_graph(incidence(store, FEATURE_KINDS))
        return centrality(graph), communities(graph), mechanism_cooccurrence(store)

    def entity() -> object:
        from kg.analysis.graphs import entity_graph
        from kg.analysis.metrics import centrality

        return centrality(entity_graph(state["store"]), sample=100)

    def synthetic() -> object:
        state["synthetic"] = synthetic_adoptions()
        return state["synthetic"]

    def leaders() -> object:
        from kg.analysis.diffusion import leader_ties

        table, hierarchy = state["synthetic"]
        return leader_ties(table, hierarchy, min_topics=1)

    return [
        ("analysis: load the bundled dataset (setup)", load),
        ("analysis: region projections, centralities, communities, co-occurrence (< 3 s)", region_level),
        ("analysis: entity graph and betweenness sampled from 100 nodes", entity),
        (f"analysis: synthetic adoption table {JURISDICTIONS} × {TOPICS} (setup)", synthetic),
        (f"analysis: leader → follower ties, {JURISDICTIONS} × {TOPICS}, k = 1 (< 30 s)", leaders),
    ]


if __name__ == "__main__":
    for name, step in benchmarks():
        started = time.perf_counter()
        step()
        print(f"{time.perf_counter() - started:8.2f} s  {name}")
