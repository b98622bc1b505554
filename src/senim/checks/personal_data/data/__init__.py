"""Data files of the personal-data scanner: name lists, context words, legal values."""
