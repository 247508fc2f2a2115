"""The near-duplicate step in Beam: LSH band buckets grouped by Beam's shuffle, candidate pairs kept
when their estimated similarity reaches the threshold, clusters resolved, one article kept of each.

No article crosses a shuffle (transforms/spill.py): each waits in a spill file while its sketch (ids,
length, MinHash signature) and its band hashes are grouped, then the files are read back once.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial

import apache_beam as beam
import numpy as np
from apache_beam.transforms.window import GlobalWindows

from article_cleaner.transforms.counters import counter
from article_cleaner.transforms.near_duplicates import (
    ClusterMember,
    MinHasher,
    NearDuplicateSettings,
    bucket_pairs,
    bucket_sizes,
    estimated_similarity,
    resolve_clusters,
)
from article_cleaner.transforms.records import NEAR_DUPLICATE, Article, Duplicate
from article_cleaner.transforms.spill import (
    DeleteSpillFolder,
    SpillArticles,
    SpillPosition,
    new_spill_folder,
    read_spill_file,
    spill_root_of,
)

DUPLICATES = "duplicates"
CLUSTERS = "clusters"
FILES_READ = "files_read"
# One band's buckets are grouped in shards of about this many articles: a worker holds one shard
# (16 bytes an article) however large the corpus, and a small corpus is a few shuffled elements.
ARTICLES_PER_BAND_SHARD = 50_000
# A bucket this full is counted (near_duplicates.giant_buckets): a template or a wire story filling
# one band; it still costs one candidate pair per member (see bucket_pairs).
GIANT_BUCKET_MEMBERS = 1_000
LARGEST_CLUSTERS = 20  # reported, largest first


@dataclass(frozen=True, slots=True)
class ArticleSketch:
    """What finding an article's near-duplicates and reporting one needs, and where the article waits."""

    member: int  # a 63-bit hash of id and source: the article's compact name in band buckets, stable across reruns
    id: str
    source: str
    url: str | None
    body_chars: int
    signature: bytes  # the MinHash values as uint32; empty once the pair is judged
    position: SpillPosition | None = None  # set once the article is spilled

    @property
    def node(self) -> str:
        """Unique among articles and ordered by id first: the kept copy's tie-break is the smallest id."""
        return f"{self.id}\x00{self.source}"


@dataclass(frozen=True, slots=True)
class SimilarPair:
    """Two articles whose estimated similarity reaches the threshold (first has the smaller member)."""

    first: ArticleSketch
    second: ArticleSketch
    similarity: float


@dataclass(frozen=True, slots=True)
class NearDuplicateCluster:
    """One cluster of near-duplicates: the article kept, and how many articles it stands for."""

    kept_id: str
    kept_source: str
    kept_url: str | None
    articles: int  # the kept one included

    def to_json_dict(self) -> dict:
        return {"id": self.kept_id, "source": self.kept_source, "url": self.kept_url, "articles": self.articles}


def _member_of(article_id: str, source: str) -> int:
    digest = hashlib.blake2b(f"{article_id}\x00{source}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def _sketch(article: Article, hasher: MinHasher) -> ArticleSketch:
    return ArticleSketch(
        member=_member_of(article.id, article.source),
        id=article.id,
        source=article.source,
        url=article.url,
        body_chars=len(article.body),
        signature=hasher.signature(article.body).astype(np.uint32).tobytes(),
    )


def _placed_sketch(spilled) -> ArticleSketch:
    position, sketch = spilled
    return replace(sketch, position=position)


def _signature(sketch: ArticleSketch) -> np.ndarray:
    return np.frombuffer(sketch.signature, dtype=np.uint32).astype(np.uint64)


def shards_per_band(articles: int) -> int:
    return max(1, -(-articles // ARTICLES_PER_BAND_SHARD))


class _PackBandEntries(beam.DoFn):
    """Sketches -> ((band, shard), packed (band hash, member) uint64 pairs), once per band shard at the
    end of each bundle: a bundle of n articles shuffles bands x shards byte strings, not n x bands
    elements (the local runners hold every shuffled element, decoded, in the launcher)."""

    def __init__(self, hasher: MinHasher):
        self._hasher = hasher

    def start_bundle(self):
        self._hashes: list[np.ndarray] = []
        self._members: list[int] = []
        self._shards = 1

    def process(self, sketch: ArticleSketch, articles: int):
        self._shards = shards_per_band(articles)
        self._hashes.append(self._hasher.band_hashes(_signature(sketch)))
        self._members.append(sketch.member)

    def finish_bundle(self):
        if not self._members:
            return
        hashes = np.stack(self._hashes)
        members = np.array(self._members, dtype=np.uint64)
        shards = np.uint64(self._shards)
        for band in range(hashes.shape[1]):
            column = hashes[:, band]
            shard_of = column % shards
            order = np.argsort(shard_of, kind="stable")
            boundaries = np.flatnonzero(np.diff(shard_of[order])) + 1
            for chosen in np.split(order, boundaries):
                packed = np.column_stack((column[chosen], members[chosen])).tobytes()
                yield GlobalWindows.windowed_value(((band, int(shard_of[chosen[0]])), packed))


def _candidate_pairs(band_shard):
    """One band shard's packed entries -> (anchor, member) of each bucket with two or more members."""
    _, packs = band_shard
    entries = np.concatenate([np.frombuffer(pack, dtype=np.uint64) for pack in packs]).reshape(-1, 2)
    giant = int(np.count_nonzero(bucket_sizes(entries[:, 0]) >= GIANT_BUCKET_MEMBERS))
    if giant:
        counter("near_duplicates.giant_buckets").inc(giant)
    yield from (tuple(pair) for pair in bucket_pairs(entries[:, 0], entries[:, 1]).tolist())


def _pair_ends(pair):
    yield pair[0], pair
    yield pair[1], pair


def _sketch_per_pair(member_group):
    """(member, its sketch and its candidate pairs) -> (pair, sketch) for each pair."""
    _, grouped = member_group
    sketch = next(iter(grouped["sketch"]), None)
    if sketch is None:  # a pair names only members that were sketched
        return
    for pair in grouped["pairs"]:
        yield pair, sketch


def _similar_pair(pair_sketches, threshold: float):
    """(pair, its two sketches) -> SimilarPair when their estimated similarity reaches threshold."""
    _, sketches = pair_sketches
    first, second = sorted(sketches, key=lambda sketch: sketch.member)
    similarity = estimated_similarity(_signature(first), _signature(second))
    if similarity >= threshold:
        yield SimilarPair(replace(first, signature=b""), replace(second, signature=b""), round(similarity, 4))


class _ResolveClusters(beam.DoFn):
    """Every similar pair, at once -> (spill file, (index, Duplicate)) of each article a cluster's kept
    one stands for (main), and the LARGEST_CLUSTERS largest clusters (clusters).

    One worker holds the pairs: they are the near-duplicates alone (a few hundred bytes each, at most
    one pair a duplicate per band through its bucket's anchor), not the corpus; a corpus whose
    near-duplicate pairs do not fit one worker wants iterative label propagation instead.
    """

    def process(self, keyed_pairs):
        _, pairs = keyed_pairs
        sketches: dict[str, ArticleSketch] = {}
        edges = []
        for pair in pairs:
            sketches[pair.first.node] = pair.first
            sketches[pair.second.node] = pair.second
            edges.append((pair.first.node, pair.second.node, pair.similarity))
        members = [ClusterMember(node, sketch.body_chars) for node, sketch in sketches.items()]
        duplicates = resolve_clusters(members, edges)
        for duplicate in duplicates:
            sketch, kept = sketches[duplicate.id], sketches[duplicate.duplicate_of]
            record = Duplicate(
                id=sketch.id,
                source=sketch.source,
                url=sketch.url,
                duplicate_of=kept.id,
                kind=NEAR_DUPLICATE,
                similarity=duplicate.similarity,
            )
            yield sketch.position.path, (sketch.position.index, record)
        sizes = Counter(duplicate.duplicate_of for duplicate in duplicates)
        for kept_node, others in heapq.nsmallest(LARGEST_CLUSTERS, sizes.items(), key=lambda item: (-item[1], item[0])):
            kept = sketches[kept_node]
            yield beam.pvalue.TaggedOutput(
                CLUSTERS, NearDuplicateCluster(kept.id, kept.source, kept.url, articles=others + 1)
            )


class _DropNearDuplicatesFromFile(beam.DoFn):
    """(spill file, None and (index, Duplicate) of its near-duplicates) -> its other articles (main),
    the Duplicate records (duplicates) and the file's path once it is read (files_read)."""

    def process(self, file_decisions):
        path, decisions = file_decisions
        duplicate_at = dict(decision for decision in decisions if decision is not None)
        for index, article in enumerate(read_spill_file(path)):
            duplicate = duplicate_at.get(index)
            if duplicate is None:
                yield article
                continue
            counter("duplicates").inc()
            counter("near_duplicates").inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate)
        yield beam.pvalue.TaggedOutput(FILES_READ, path)


class DropNearDuplicates(beam.PTransform):
    """Articles -> one article of each cluster of near-duplicates (main), a Duplicate record (kind
    near) for each other member (tag "duplicates") and the largest clusters (tag "clusters").

    Each article waits in a spill file under spill_root while its MinHash signature is cut into band
    hashes; bodies agreeing on a band's hash share its bucket, grouped by Beam's shuffle in shards
    of a band (ARTICLES_PER_BAND_SHARD). Each bucket gives candidate pairs (its members with its
    anchor), kept when their estimated Jaccard similarity reaches the threshold; the connected
    components of the kept pairs are the clusters, each keeping its longest body, then smallest id.
    """

    def __init__(self, settings: NearDuplicateSettings, spill_root: str | None = None):
        super().__init__()
        self._settings = settings
        self._spill_root = spill_root

    def expand(self, articles):
        settings = self._settings
        hasher = MinHasher(settings)
        folder = new_spill_folder(self._spill_root or spill_root_of(articles.pipeline), "near-duplicates")
        sketches = (
            articles
            | "SpillArticles" >> beam.ParDo(SpillArticles(folder, partial(_sketch, hasher=hasher)))
            | "PlacedSketch" >> beam.Map(_placed_sketch)
        )
        article_count = sketches | "CountArticles" >> beam.combiners.Count.Globally()
        pairs = (
            sketches
            | "PackBandEntries" >> beam.ParDo(_PackBandEntries(hasher), beam.pvalue.AsSingleton(article_count))
            | "GroupBandShards" >> beam.GroupByKey()
            | "CandidatePairs" >> beam.FlatMap(_candidate_pairs)
            | "DistinctPairs" >> beam.Distinct()
            | "PairEnds" >> beam.FlatMap(_pair_ends)
        )
        similar = (
            {"sketch": sketches | "KeyByMember" >> beam.Map(lambda sketch: (sketch.member, sketch)), "pairs": pairs}
            | "JoinSketches" >> beam.CoGroupByKey()
            | "SketchPerPair" >> beam.FlatMap(_sketch_per_pair)
            | "GroupPairs" >> beam.GroupByKey()
            | "SimilarPairs" >> beam.FlatMap(_similar_pair, settings.threshold)
        )
        resolved = (
            similar
            | "AllPairs" >> beam.Map(lambda pair: (None, pair))
            | "GroupAllPairs" >> beam.GroupByKey()
            | "ResolveClusters" >> beam.ParDo(_ResolveClusters()).with_outputs(CLUSTERS, main="decisions")
        )
        every_file = (
            sketches
            | "FileOfArticle" >> beam.Map(lambda sketch: sketch.position.path)
            | "DistinctFiles" >> beam.Distinct()
        )
        read = (
            (every_file | "FileAlone" >> beam.Map(lambda path: (path, None)), resolved.decisions)
            | "FilesAndDecisions" >> beam.Flatten()
            | "GroupByFile" >> beam.GroupByKey()
            | "DropNearDuplicates"
            >> beam.ParDo(_DropNearDuplicatesFromFile()).with_outputs(DUPLICATES, FILES_READ, main="articles")
        )
        read[FILES_READ] | "DeleteSpillFolder" >> DeleteSpillFolder(folder)
        return {"articles": read.articles, "duplicates": read[DUPLICATES], "clusters": resolved[CLUSTERS]}
