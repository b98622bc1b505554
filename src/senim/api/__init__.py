"""The public API behind `senim/__init__.py`: one module per area, imported on first use.

`inputs` turns what the functions accept (paths, mappings, text, tables) into
what the library works on; `results` holds the typed results.
"""
