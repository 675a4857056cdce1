"""fazhi-kg: linked data for research on law-based government building (法治政府建设) in China."""

__version__ = "0.1.0"
