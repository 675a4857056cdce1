"""The ``kg`` command line."""


def main() -> None:
    raise SystemExit("kg: not yet built")
