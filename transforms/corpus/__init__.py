"""Cross-document steps: copies of a page, per-site boilerplate, the language filter, duplicates."""
