"""Repeated item blocks: the share of a page's prose that sits in runs of sibling elements of one
shape (teaser cards, result rows, product tiles), each linked and short. Evidence of a page's type
(transforms/label/page_types.py), measured on the paragraph holders HTML selection has already
scored, on the ancestor chains it has already read: it costs no walk of its own. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from selectolax.lexbor import LexborNode

from article_cleaner.transforms.config.html_rules import RepeatedItems


class Chains(Protocol):
    """An element's chain of ancestors up to body (both included), as HTML selection memoises it."""

    def chain(self, node: LexborNode) -> list[LexborNode]: ...

    def chain_ids(self, node: LexborNode) -> list[int]: ...


def repeated_item_prose_share(holders: Iterable[list], chains: Chains, settings: RepeatedItems) -> float | None:
    """The share of the holders' prose points held by repeated items (None without prose).

    holders are [element, points] pairs: the elements holding the page's paragraphs. Each holder
    and its ancestors up to settings.max_levels above it (below body) are grouped by (parent, tag,
    class): a group is a run of repeated items when it has at least settings.min_items members, its
    members hold on average at most settings.max_points_per_item (a teaser's short text, not a
    chunk of an article split in same-class sections), and at least min_items of them hold a link
    (a teaser's headline, a tile's product page).
    """
    reach = settings.max_levels + 1
    node_points: dict[int, float] = {}
    children: dict[int, list[int]] = {}  # parent id -> the ids of its children on the holders' chains
    where: dict[int, tuple[LexborNode, int]] = {}  # element id -> a holder below it and its level
    holder_chains: list[tuple[float, list[int]]] = []
    total = 0.0
    for holder, points in holders:
        total += points
        ids = chains.chain_ids(holder)
        depth = min(reach, len(ids) - 1)  # the chain ends at body, which is no item
        for index in range(depth):
            key = ids[index]
            if key in node_points:
                node_points[key] += points
            else:
                node_points[key] = points
                where[key] = (holder, index)
                children.setdefault(ids[index + 1], []).append(key)
        holder_chains.append((points, ids[:depth]))
    if not total:
        return None
    repeated: set[int] = set()
    for siblings in children.values():
        # Most elements have no sibling on the chains: their tag and class are never read.
        if len(siblings) < settings.min_items:
            continue
        groups: dict[tuple, list[LexborNode]] = {}
        for key in siblings:
            holder, index = where[key]
            node = chains.chain(holder)[index]
            groups.setdefault((node.tag, node.attrs.get("class")), []).append(node)
        for members in groups.values():
            if _are_repeated_items(members, node_points, settings):
                repeated.update(node.mem_id for node in members)
    if not repeated:
        return 0.0
    in_items = sum(points for points, ids in holder_chains if not repeated.isdisjoint(ids))
    return round(in_items / total, 3)


def _are_repeated_items(members: list[LexborNode], node_points: dict[int, float], settings: RepeatedItems) -> bool:
    count = len(members)
    if count < settings.min_items:
        return False
    if sum(node_points[node.mem_id] for node in members) / count > settings.max_points_per_item:
        return False
    linked = 0
    for node in members:
        linked += _holds_a_link(node)
        if linked >= settings.min_items:
            return True
    return False


def _holds_a_link(node: LexborNode) -> bool:
    return node.tag == "a" or node.css_first("a[href]") is not None
