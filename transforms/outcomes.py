"""The run's accounting vocabulary, declared once: where a record ends up, why an input is rejected or
filtered, and the names of the counters a run explains itself with (read back by report/accounting.py).

Every step that rejects, filters or counts imports its names from here; the run summary reads the
same names back, so a reason cannot be counted under one spelling and summed under another.
"""

from __future__ import annotations

# Outputs: the tags of tagged PCollections and the prefixes of the files written.
DOCUMENTS = "documents"  # inputs read into documents, not written
ARTICLES = "articles"
REJECTS = "rejects"
FILTERED = "filtered"
DUPLICATES = "duplicates"

# Why an input is rejected (Rejected.reason): it could not be read or cleaned.
# ... by the readers
UNDECODABLE = "undecodable"
MALFORMED_JSON = "malformed_json"
INVALID_FIELD = "invalid_field"
MISSING_FIELD = "missing_field"
UNKNOWN_FORMAT = "unknown_format"
CORRUPT_COMPRESSION = "corrupt_compression"
TRUNCATED_RECORD = "truncated_record"
UNREADABLE = "unreadable"
# ... by the limits on what one input may cost
TOO_LARGE = "too_large"
DECOMPRESSION_BOMB = "decompression_bomb"
TOO_DEEPLY_NESTED = "too_deeply_nested"
TOO_MANY_ATTRIBUTES = "too_many_attributes"
TAG_TOO_LARGE = "tag_too_large"
TIME_BUDGET_EXCEEDED = "time_budget_exceeded"
# ... by cleaning
EMPTY_INPUT = "empty_input"
NO_ARTICLE_TEXT = "no_article_text"
INTERNAL_ERROR = "internal_error"  # a bug: the document is kept in rejects with the traceback's last line

# Why an input is filtered (Filtered.reason): it was read fine but is not an article to write.
NOT_HTML = "not_html"
HTTP_STATUS = "http_status"
UNWANTED_PAGE_TYPE = "page_type"
UNWANTED_LANGUAGE = "language"
ONLY_SITE_BOILERPLATE = "only_site_boilerplate"

# Counters. A name with a trailing dot is a family: the prefix plus a reason, kind, type or language.
INPUTS = "inputs"
ARTICLES_CLEANED = "articles_cleaned"
DUPLICATES_FOUND = "duplicates"
WRITTEN = "written."
REJECTED = "rejected."
FILTERED_AS = "filtered."
REMOVED = "removed."
PAGE_TYPE = "page_type."
LANGUAGE = "language."
WARC_RECORDS_SKIPPED = "warc_records_skipped."
