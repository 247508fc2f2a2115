"""Labelling and assembly: each block labelled (body, caption, reference, boilerplate kind), the article
record assembled from them, its language and its page type."""
