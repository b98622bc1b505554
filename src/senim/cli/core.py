"""Core commands: classify, obligations, validate, law (filled in by the core issue)."""
