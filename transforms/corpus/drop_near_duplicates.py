"""The near-duplicate step in Beam: LSH band buckets grouped by Beam's shuffle, candidate pairs kept
when their estimated similarity reaches the threshold, clusters resolved, one article kept of each.

No article crosses a shuffle, nor a signature (transforms/spill.py): each article waits in a spill
file with its MinHash signature while only its band hashes are grouped (packed, 24 bytes a band);
the files holding candidate pairs are read for their signatures, and every file is read back once
with its decisions.
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
from collections import Counter
from dataclasses import dataclass, replace

import apache_beam as beam
import numpy as np
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from article_cleaner.transforms.config.corpus_settings import NearDuplicateSettings
from article_cleaner.transforms.corpus.near_duplicates import (
    ClusterMember,
    MinHasher,
    bucket_pairs,
    bucket_sizes,
    estimated_similarity,
    has_words,
    resolve_clusters,
)
from article_cleaner.transforms.corpus.spill import (
    ARTICLES_PER_SPILL_FILE,
    DeleteSpillFolder,
    SpillFileWriter,
    SpillPosition,
    new_spill_folder,
    read_spill_file,
    spill_root_of,
)
from article_cleaner.transforms.outcomes import DUPLICATES, DUPLICATES_FOUND, GIANT_BUCKETS, NEAR_DUPLICATES_FOUND
from article_cleaner.transforms.records import NEAR_DUPLICATE, Article, Duplicate
from article_cleaner.transforms.report.counters import counter

CLUSTERS = "clusters"
FILES = "files"
PACKS = "packs"
FILES_READ = "files_read"
# A band's buckets are grouped in shards of about this many articles (from the corpus's article
# count): a worker holds one shard of one band (24 bytes an article), and a small corpus is a few
# shuffled elements however its bundles are cut.
ARTICLES_PER_BAND_SHARD = 50_000
# The band hashes of this many articles of a bundle travel as one byte string.
ARTICLES_PER_PACK = 10_000
# An article's place: its spill file's key (a hash of the path) and its index in the file.
_INDEX_BITS = 16
assert ARTICLES_PER_SPILL_FILE < 2**_INDEX_BITS
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
    position: SpillPosition

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


def _file_key(path: str) -> int:
    # 47 bits: with the index, a place stays below 2**63, an integer every Beam coder carries.
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=6).digest(), "little") >> 1


def _signature(sketch: ArticleSketch) -> np.ndarray:
    return np.frombuffer(sketch.signature, dtype=np.uint32).astype(np.uint64)


def shards_per_band(articles: int) -> int:
    return max(1, -(-articles // ARTICLES_PER_BAND_SHARD))


class _SpillAndPackBands(beam.DoFn):
    """Article -> (article, its signature as uint32 bytes) in a spill file of the bundle; the band
    hashes, name and place of up to ARTICLES_PER_PACK articles as one uint64 array (main: a row
    an article, its bands then its member and place); (file key, path) of each spill file (files).

    Nothing is shuffled per article: the local runners hold every shuffled element, decoded, in the
    launcher, and 24 elements an article (one per band) would cost hundreds of MiB at 100,000
    articles. A body without words has no bands: it is nobody's near-duplicate.
    """

    def __init__(self, folder: str, hasher: MinHasher):
        self._folder = folder
        self._hasher = hasher

    def start_bundle(self):
        self._writer: SpillFileWriter | None = None
        self._files: list[tuple[int, str]] = []
        self._rows: list[np.ndarray] = []

    def process(self, article: Article):
        if self._writer is None or self._writer.articles >= ARTICLES_PER_SPILL_FILE:
            self._close()
            self._writer = SpillFileWriter(FileSystems.join(self._folder, uuid.uuid4().hex))
            self._files.append((_file_key(self._writer.path), self._writer.path))
        signature = self._hasher.signature(article.body)
        position = self._writer.write((article, signature.astype(np.uint32).tobytes()))
        if has_words(signature):
            place = (self._files[-1][0] << _INDEX_BITS) | position.index
            tail = np.array([_member_of(article.id, article.source), place], dtype=np.uint64)
            self._rows.append(np.concatenate((self._hasher.band_hashes(signature), tail)))
        if len(self._rows) >= ARTICLES_PER_PACK:
            yield self._pack()

    def finish_bundle(self):
        self._close()
        for file in self._files:
            yield beam.pvalue.TaggedOutput(FILES, GlobalWindows.windowed_value(file))
        if self._rows:
            yield GlobalWindows.windowed_value(self._pack())

    def _pack(self) -> bytes:
        packed = np.stack(self._rows).tobytes()
        self._rows = []
        return packed

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _articles_in_pack(pack: bytes, bands: int) -> int:
    return len(pack) // (8 * (bands + 2))


def _band_shards(pack: bytes, articles: int, bands: int):
    """A pack of rows -> ((band, shard), packed (band hash, member, place) uint64 triples) per band shard."""
    rows = np.frombuffer(pack, dtype=np.uint64).reshape(-1, bands + 2)
    members, places = rows[:, bands], rows[:, bands + 1]
    shards = np.uint64(shards_per_band(articles))
    for band in range(bands):
        column = rows[:, band]
        shard_of = column % shards
        order = np.argsort(shard_of, kind="stable")
        for chosen in np.split(order, np.flatnonzero(np.diff(shard_of[order])) + 1):
            packed = np.column_stack((column[chosen], members[chosen], places[chosen])).tobytes()
            yield (band, int(shard_of[chosen[0]])), packed


def _candidate_pairs(band_shard):
    """One band shard's packed entries -> (anchor, its place, member, its place) for each other
    member of each bucket (its anchor: its smallest member)."""
    _, packs = band_shard
    entries = np.concatenate([np.frombuffer(pack, dtype=np.uint64) for pack in packs]).reshape(-1, 3)
    hashes, members, places = entries[:, 0], entries[:, 1], entries[:, 2]
    giant = int(np.count_nonzero(bucket_sizes(hashes) >= GIANT_BUCKET_MEMBERS))
    if giant:
        counter(GIANT_BUCKETS).inc(giant)
    pairs = bucket_pairs(hashes, members)
    if not len(pairs):
        return
    by_member = np.argsort(members, kind="stable")
    anchor_places = places[by_member[np.searchsorted(members[by_member], pairs[:, 0])]]
    member_places = places[by_member[np.searchsorted(members[by_member], pairs[:, 1])]]
    yield from zip(
        pairs[:, 0].tolist(), anchor_places.tolist(), pairs[:, 1].tolist(), member_places.tolist(), strict=True
    )


def _pair_ends(pair):
    """(anchor, its place, member, its place) -> (file key, (index, pair)) for each of the two."""
    for place in (pair[1], pair[3]):
        yield place >> _INDEX_BITS, (place & (2**_INDEX_BITS - 1), pair)


class _SketchesOfFile(beam.DoFn):
    """(file key, its path and the (index, pair) of its articles in candidate pairs) -> (pair, the
    article's ArticleSketch) for each; a file without candidate pairs is not read."""

    def process(self, file_group):
        _, grouped = file_group
        pairs_at: dict[int, list] = {}
        for index, pair in grouped["ends"]:
            pairs_at.setdefault(index, []).append(pair)
        if not pairs_at:
            return
        path = next(iter(grouped["path"]))
        last = max(pairs_at)
        for index, (article, signature) in enumerate(read_spill_file(path)):
            for pair in pairs_at.get(index, ()):
                yield pair, _sketch(article, signature, SpillPosition(path, index))
            if index == last:
                break


def _sketch(article: Article, signature: bytes, position: SpillPosition) -> ArticleSketch:
    return ArticleSketch(
        member=_member_of(article.id, article.source),
        id=article.id,
        source=article.source,
        url=article.url,
        body_chars=len(article.body),
        signature=signature,
        position=position,
    )


def _similar_pair(pair_sketches, threshold: float):
    """(pair, its two sketches) -> SimilarPair when their estimated similarity reaches threshold."""
    _, sketches = pair_sketches
    sketches = list(sketches)
    if len(sketches) != 2:  # two articles whose ids and sources hash alike: too rare to judge
        return
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
        for index, (article, _) in enumerate(read_spill_file(path)):
            duplicate = duplicate_at.get(index)
            if duplicate is None:
                yield article
                continue
            counter(DUPLICATES_FOUND).inc()
            counter(NEAR_DUPLICATES_FOUND).inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate)
        yield beam.pvalue.TaggedOutput(FILES_READ, path)


class DropNearDuplicates(beam.PTransform):
    """Articles -> one article of each cluster of near-duplicates (main), a Duplicate record (kind
    near) for each other member (tag "duplicates") and the largest clusters (tag "clusters").

    Each article waits in a spill file under spill_root with its MinHash signature, cut into band
    hashes; bodies agreeing on a band's hash share its bucket, grouped by Beam's shuffle in shards
    of a band (ARTICLES_PER_BAND_SHARD). Each bucket gives candidate pairs (its members with its anchor);
    the files holding them are read for the two signatures, and a pair is kept when its estimated
    Jaccard similarity reaches the threshold. The connected components of the kept pairs are the
    clusters, each keeping its longest body, then smallest id.
    """

    def __init__(self, settings: NearDuplicateSettings, spill_root: str | None = None):
        super().__init__()
        self._settings = settings
        self._spill_root = spill_root

    def expand(self, articles):
        settings = self._settings
        folder = new_spill_folder(self._spill_root or spill_root_of(articles.pipeline), "near-duplicates")
        spilled = articles | "SpillAndPackBands" >> beam.ParDo(
            _SpillAndPackBands(folder, MinHasher(settings))
        ).with_outputs(FILES, main="packs")
        article_count = (
            spilled.packs
            | "ArticlesInPack" >> beam.Map(_articles_in_pack, settings.bands)
            | "CountArticles" >> beam.CombineGlobally(sum)
        )
        pair_ends = (
            spilled.packs
            | "BandShards" >> beam.FlatMap(_band_shards, beam.pvalue.AsSingleton(article_count), settings.bands)
            | "GroupBandShards" >> beam.GroupByKey()
            | "CandidatePairs" >> beam.FlatMap(_candidate_pairs)
            | "DistinctPairs" >> beam.Distinct()
            | "PairEnds" >> beam.FlatMap(_pair_ends)
        )
        similar = (
            {"path": spilled[FILES], "ends": pair_ends}
            | "JoinPairsToFiles" >> beam.CoGroupByKey()
            | "SketchesOfFiles" >> beam.ParDo(_SketchesOfFile())
            | "GroupPairs" >> beam.GroupByKey()
            | "SimilarPairs" >> beam.FlatMap(_similar_pair, settings.threshold)
        )
        resolved = (
            similar
            | "AllPairs" >> beam.Map(lambda pair: (None, pair))
            | "GroupAllPairs" >> beam.GroupByKey()
            | "ResolveClusters" >> beam.ParDo(_ResolveClusters()).with_outputs(CLUSTERS, main="decisions")
        )
        read = (
            (spilled[FILES] | "FileAlone" >> beam.Map(lambda file: (file[1], None)), resolved.decisions)
            | "FilesAndDecisions" >> beam.Flatten()
            | "GroupByFile" >> beam.GroupByKey()
            | "DropNearDuplicates"
            >> beam.ParDo(_DropNearDuplicatesFromFile()).with_outputs(DUPLICATES, FILES_READ, main="articles")
        )
        read[FILES_READ] | "DeleteSpillFolder" >> DeleteSpillFolder(folder)
        return {"articles": read.articles, "duplicates": read[DUPLICATES], "clusters": resolved[CLUSTERS]}
