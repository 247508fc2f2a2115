"""article-cleaner: scraped article pages (HTML or flattened text) in, clean article records out.

The repository root is the import package `article_cleaner` (see pyproject.toml): `pipelines/` holds
the entry points, `transforms/` the Beam transforms and the pure rule functions under them,
`configs/` the bundled rules YAML.
"""
