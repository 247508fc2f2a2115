"""Extraction: an HTML page or a flattened text -> the article's ordered blocks, captions and metadata."""
