"""The command line: a thin door over the library (see senim.cli.app)."""


def main() -> None:
    from senim.cli.app import run

    run()
