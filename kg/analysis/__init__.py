"""Network analysis of the dataset: how mechanisms and policies relate and spread across regions.

Modules, by concern:

- ``sparql``: the one way this package reads the dataset (SPARQL through ``kg.query``), labels, regions;
- ``graphs``: NetworkX graphs built from SPARQL results (entity graph, region–feature graphs, projections);
- ``metrics``: centralities, Louvain communities, similarity rankings;
- ``paths``: RQ9, the shortest explaining paths between two regions;
- ``diffusion``: adoption timelines, innovativeness and the leader → follower graph (pure functions over an
  adoption table, plus a reader of the RQ10 named query);
- ``tables``: tabular results as text, CSV and JSON;
- ``export``: GraphML, GEXF and node-link JSON;
- ``plots``: PNG figures (needs the ``plot`` extra).

Importing this package is light: networkx and matplotlib are imported inside the functions that need them.
"""
