"""Renderers: what Senim shows people (text, Markdown, later HTML, PDF, SARIF)."""
