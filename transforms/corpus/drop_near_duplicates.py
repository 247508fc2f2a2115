"""The near-duplicate step in Beam: LSH band buckets grouped by Beam's shuffle, candidate pairs kept
when their estimated similarity reaches the threshold, clusters resolved, one article kept of each.

No article crosses a shuffle, nor a signature, nor its band hashes (transforms/spill.py): each
article waits in a spill file, its band hashes and MinHash signature in a band file beside it; only
the names of the band files and the (band, shard) to pair are handed on. Each shard's worker reads
its band's column of every band file, pairs the members of each bucket and reads the two
signatures of each pair to judge it: the pairs that reach the threshold (near-duplicates, a few
integers each, once per bundle) are the first records that cross a shuffle. The spill files holding
them are read for what the clusters need (id, length, URL), and every file is read back once with
its decisions.
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
from collections import Counter
from dataclasses import dataclass

import apache_beam as beam
import numpy as np
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from article_cleaner.transforms.config.corpus_settings import NearDuplicateSettings
from article_cleaner.transforms.corpus.near_duplicates import (
    ClusterMember,
    MinHasher,
    agreeing_values,
    bucket_pairs,
    bucket_sizes,
    has_words,
    resolve_clusters,
)
from article_cleaner.transforms.corpus.runners import releasing_freed_memory
from article_cleaner.transforms.corpus.spill import (
    ARTICLES_PER_SPILL_FILE,
    DeleteSpillFolder,
    SpillFileWriter,
    SpillPosition,
    new_spill_folder,
    read_exactly,
    read_spill_file,
    read_spill_records,
    spill_root_of,
)
from article_cleaner.transforms.outcomes import DUPLICATES, DUPLICATES_FOUND, GIANT_BUCKETS, NEAR_DUPLICATES_FOUND
from article_cleaner.transforms.records import NEAR_DUPLICATE, Article, Duplicate
from article_cleaner.transforms.report.counters import counter

CLUSTERS = "clusters"
FILES = "files"
BAND_FILES = "band_files"
FILES_READ = "files_read"
# A band's buckets are paired in shards of about this many articles (from the corpus's article
# count): a worker holds one shard of one band (24 bytes an article).
ARTICLES_PER_BAND_SHARD = 50_000
# The band hashes of up to this many articles of a bundle go to one band file.
ARTICLES_PER_BAND_FILE = 10_000
# Similar pairs a pairing worker holds before it drops the repeats (a pair meets in many bands)
# and hands them on: 40 bytes each.
PAIRS_PER_FLUSH = 200_000
# Candidate pairs judged at once: bounds the signatures a pairing worker holds (2 x 768 bytes each).
PAIRS_PER_JUDGEMENT = 8_192
# An article's place: its spill file's key (a hash of the path) and its index in the file.
_INDEX_BITS = 16
assert ARTICLES_PER_SPILL_FILE < 2**_INDEX_BITS
LARGEST_CLUSTERS = 20  # reported, largest first


@dataclass(frozen=True, slots=True)
class ArticleSketch:
    """What resolving an article's cluster and reporting it needs, and where the article waits."""

    place: int  # its spill file's key << _INDEX_BITS | its index in that file: how similar pairs name it
    id: str
    source: str
    url: str | None
    body_chars: int
    position: SpillPosition

    @property
    def node(self) -> str:
        """Unique among articles and ordered by id first: the kept copy's tie-break is the smallest id."""
        return f"{self.id}\x00{self.source}"


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


def shards_per_band(articles: int) -> int:
    return max(1, -(-articles // ARTICLES_PER_BAND_SHARD))


class _SpillAndWriteBands(beam.DoFn):
    """Article -> the article in a spill file of the bundle; its band hashes, name, place and MinHash
    signature in a band file of up to ARTICLES_PER_BAND_FILE articles, whose (path, articles) is
    yielded (band_files); (file key, path) of each spill file (files).

    A band file holds a uint64 column per band, then the members and places, then the signatures
    as uint32 rows. Nothing is shuffled per article: the local runners hold every shuffled element
    in the launcher, decoded, and even packed, the band hashes of a corpus (24 bytes a band an
    article) would make the launcher's memory grow with it. A body without words has no bands: it
    is nobody's near-duplicate.
    """

    def __init__(self, folder: str, hasher: MinHasher):
        self._folder = folder
        self._hasher = hasher

    def start_bundle(self):
        self._writer: SpillFileWriter | None = None
        self._files: list[tuple[int, str]] = []
        self._rows: list[np.ndarray] = []
        self._signatures: list[np.ndarray] = []

    def process(self, article: Article):
        if self._writer is None or self._writer.articles >= ARTICLES_PER_SPILL_FILE:
            self._close()
            self._writer = SpillFileWriter(FileSystems.join(self._folder, uuid.uuid4().hex))
            self._files.append((_file_key(self._writer.path), self._writer.path))
        position = self._writer.write(article)
        signature = self._hasher.signature(article.body)
        if has_words(signature):
            place = (self._files[-1][0] << _INDEX_BITS) | position.index
            tail = np.array([_member_of(article.id, article.source), place], dtype=np.uint64)
            self._rows.append(np.concatenate((self._hasher.band_hashes(signature), tail)))
            self._signatures.append(signature.astype(np.uint32))
        if len(self._rows) >= ARTICLES_PER_BAND_FILE:
            yield self._write_band_file()

    def finish_bundle(self):
        self._close()
        for file in self._files:
            yield beam.pvalue.TaggedOutput(FILES, GlobalWindows.windowed_value(file))
        if self._rows:
            yield GlobalWindows.windowed_value(self._write_band_file())

    @releasing_freed_memory  # the band file's rows and signatures
    def _write_band_file(self) -> tuple[str, int]:
        path = FileSystems.join(self._folder, f"bands-{uuid.uuid4().hex}")
        columns = np.ascontiguousarray(np.stack(self._rows).T)
        with FileSystems.create(path, "application/octet-stream", CompressionTypes.UNCOMPRESSED) as handle:
            handle.write(columns.tobytes())
            handle.write(np.stack(self._signatures).tobytes())
        self._rows, self._signatures = [], []
        return path, columns.shape[1]

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


@dataclass(frozen=True, slots=True)
class _BandShard:
    """The articles of one shard of one band, read from the band files: parallel uint64 arrays."""

    hashes: np.ndarray
    members: np.ndarray
    places: np.ndarray  # where each article waits in the spill files
    rows: np.ndarray  # where its signature is: band file number << 32 | row in that file


def _read_column(handle, column: int, articles: int) -> np.ndarray:
    handle.seek(column * articles * 8)
    return np.frombuffer(read_exactly(handle, articles * 8), dtype=np.uint64)


def _read_band_shard(band_files, band: int, shard: int, shards: int, bands: int) -> _BandShard:
    """The articles whose band hash is shard modulo shards, three columns of each band file read."""
    parts = []
    for number, (path, articles) in enumerate(band_files):
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            column = _read_column(handle, band, articles)
            chosen = np.flatnonzero(column % np.uint64(shards) == np.uint64(shard)).astype(np.uint64)
            members = _read_column(handle, bands, articles)[chosen]
            places = _read_column(handle, bands + 1, articles)[chosen]
            parts.append((column[chosen], members, places, (np.uint64(number) << np.uint64(32)) | chosen))
    if not parts:
        empty = np.empty(0, dtype=np.uint64)
        return _BandShard(empty, empty, empty, empty)
    return _BandShard(*(np.concatenate(arrays) for arrays in zip(*parts, strict=True)))


def _read_signatures(band_files, rows: np.ndarray, bands: int, permutations: int) -> np.ndarray:
    """The signatures (uint32 rows) at the given sorted, distinct band file rows."""
    signatures = np.empty((len(rows), permutations), dtype=np.uint32)
    numbers = (rows >> np.uint64(32)).astype(np.int64)
    for number in np.unique(numbers).tolist():
        path, articles = band_files[number]
        start = (bands + 2) * articles * 8
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            for place in np.flatnonzero(numbers == number).tolist():
                handle.seek(start + int(rows[place] & np.uint64(0xFFFFFFFF)) * permutations * 4)
                signatures[place] = np.frombuffer(read_exactly(handle, permutations * 4), dtype=np.uint32)
    return signatures


def _band_shards(unused_start, articles: int, bands: int):
    """(band, shard, shards) of each shard of each band."""
    shards = shards_per_band(articles)
    for band in range(bands):
        for shard in range(shards):
            yield band, shard, shards


class _SimilarPairs(beam.DoFn):
    """(band, shard, shards) -> (anchor, its place, member, its place, agreeing signature values) of
    each candidate pair of that band shard (each other member of a bucket, with the bucket's smallest
    member, its anchor) whose estimated similarity reaches the threshold. Read from the band files;
    buckets of giant_bucket_articles or more are counted.

    A near-duplicate pair meets in most bands: the pairs of a bundle's band shards are held (up to
    PAIRS_PER_FLUSH) and handed on once each.
    """

    def __init__(self, settings: NearDuplicateSettings):
        self._settings = settings

    def start_bundle(self):
        self._pairs: list[np.ndarray] = []
        self._held = 0

    @releasing_freed_memory  # the shard's columns and signatures
    def process(self, band_shard, band_files):
        band, shard, shards = band_shard
        settings = self._settings
        entries = _read_band_shard(band_files, band, shard, shards, settings.bands)
        giant = int(np.count_nonzero(bucket_sizes(entries.hashes) >= settings.giant_bucket_articles))
        if giant:
            counter(GIANT_BUCKETS).inc(giant)
        pairs = bucket_pairs(entries.hashes, entries.members)
        by_member = np.argsort(entries.members, kind="stable")
        for start in range(0, len(pairs), PAIRS_PER_JUDGEMENT):
            chunk = pairs[start : start + PAIRS_PER_JUDGEMENT]
            anchors = by_member[np.searchsorted(entries.members[by_member], chunk[:, 0])]
            others = by_member[np.searchsorted(entries.members[by_member], chunk[:, 1])]
            rows, ends = np.unique(np.concatenate((entries.rows[anchors], entries.rows[others])), return_inverse=True)
            signatures = _read_signatures(band_files, rows, settings.bands, settings.permutations)
            agreeing = agreeing_values(signatures[ends[: len(chunk)]], signatures[ends[len(chunk) :]])
            similar = agreeing / settings.permutations >= settings.threshold
            if similar.any():
                self._pairs.append(
                    np.column_stack(
                        (
                            chunk[similar, 0],
                            entries.places[anchors[similar]],
                            chunk[similar, 1],
                            entries.places[others[similar]],
                            agreeing[similar].astype(np.uint64),
                        )
                    )
                )
                self._held += int(np.count_nonzero(similar))
        if self._held >= PAIRS_PER_FLUSH:
            yield from self._distinct_pairs()

    @releasing_freed_memory  # the bundle's pairs
    def finish_bundle(self):
        for pair in self._distinct_pairs():
            yield GlobalWindows.windowed_value(pair)

    def _distinct_pairs(self):
        if not self._pairs:
            return
        distinct = np.unique(np.concatenate(self._pairs), axis=0)
        self._pairs, self._held = [], 0
        yield from map(tuple, distinct.tolist())


def _pair_ends(pair):
    """(anchor, its place, member, its place, agreeing) -> (file key, index) of each of the two."""
    for place in (pair[1], pair[3]):
        yield place >> _INDEX_BITS, place & (2**_INDEX_BITS - 1)


class _SketchesOfFile(beam.DoFn):
    """(file key, its path and the indexes of its articles in similar pairs) -> the ArticleSketch of
    each such article, once however many pairs it is in; a file without similar pairs is not read."""

    @releasing_freed_memory  # the file's articles
    def process(self, file_group):
        file_key, grouped = file_group
        wanted = set(grouped["ends"])
        if not wanted:
            return
        path = next(iter(grouped["path"]))
        for index, article in read_spill_records(path, wanted):
            yield _sketch(article, (file_key << _INDEX_BITS) | index, SpillPosition(path, index))


def _sketch(article: Article, place: int, position: SpillPosition) -> ArticleSketch:
    return ArticleSketch(
        place=place,
        id=article.id,
        source=article.source,
        url=article.url,
        body_chars=len(article.body),
        position=position,
    )


class _ResolveClusters(beam.DoFn):
    """Every similar pair and the sketches of their articles, at once -> (spill file, (index,
    Duplicate)) of each article a cluster's kept one stands for (main), and the LARGEST_CLUSTERS
    largest clusters (clusters).

    One worker holds them: the near-duplicates alone (five integers a pair, at most one pair a
    duplicate per band through its bucket's anchor; one sketch an article), not the corpus; a corpus
    whose near-duplicate pairs do not fit one worker wants iterative label propagation instead.
    """

    def __init__(self, permutations: int):
        self._permutations = permutations

    @releasing_freed_memory  # every pair of the corpus, decoded at once
    def process(self, keyed_group):
        _, grouped = keyed_group
        sketch_at = {sketch.place: sketch for sketch in grouped["sketches"]}
        edges = []
        for _, first_place, _, second_place, agreeing in grouped["pairs"]:
            first, second = sketch_at.get(first_place), sketch_at.get(second_place)
            if first is not None and second is not None:  # else a spill file's key collided: too rare to judge
                edges.append((first.node, second.node, round(agreeing / self._permutations, 4)))
        sketches = {sketch.node: sketch for sketch in sketch_at.values()}
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

    @releasing_freed_memory  # the file's articles
    def process(self, file_decisions):
        path, decisions = file_decisions
        duplicate_at = dict(decision for decision in decisions if decision is not None)
        for index, article in enumerate(read_spill_file(path)):
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

    Each article waits in a spill file under spill_root, its band hashes and MinHash signature in a
    band file; bodies agreeing on a band's hash share its bucket, paired by one worker per shard of
    a band (ARTICLES_PER_BAND_SHARD). Each bucket gives candidate pairs (its members with its
    anchor), judged there on their two signatures: a pair is kept when its estimated Jaccard
    similarity reaches the threshold. The spill files of the kept pairs are read for what the
    clusters need; the connected components of the kept pairs are the clusters, each keeping its
    longest body, then smallest id.
    """

    def __init__(self, settings: NearDuplicateSettings, spill_root: str | None = None):
        super().__init__()
        self._settings = settings
        self._spill_root = spill_root

    def expand(self, articles):
        settings = self._settings
        folder = new_spill_folder(self._spill_root or spill_root_of(articles.pipeline), "near-duplicates")
        spilled = articles | "SpillAndWriteBands" >> beam.ParDo(
            _SpillAndWriteBands(folder, MinHasher(settings))
        ).with_outputs(FILES, main=BAND_FILES)
        article_count = (
            spilled[BAND_FILES]
            | "ArticlesInBandFile" >> beam.Map(lambda band_file: band_file[1])
            | "CountArticles" >> beam.CombineGlobally(sum)
        )
        pairs = (
            articles.pipeline
            | "Start" >> beam.Create([None])
            | "BandShards" >> beam.FlatMap(_band_shards, beam.pvalue.AsSingleton(article_count), settings.bands)
            | "SpreadBandShards" >> beam.Reshuffle()
            | "SimilarPairsOfBands" >> beam.ParDo(_SimilarPairs(settings), beam.pvalue.AsList(spilled[BAND_FILES]))
            | "DistinctPairs" >> beam.Distinct()
        )
        sketches = (
            {"path": spilled[FILES], "ends": pairs | "PairEnds" >> beam.FlatMap(_pair_ends)}
            | "JoinPairsToFiles" >> beam.CoGroupByKey()
            | "SketchesOfFiles" >> beam.ParDo(_SketchesOfFile())
        )
        resolved = (
            {
                "pairs": pairs | "AllPairs" >> beam.Map(lambda pair: (None, pair)),
                "sketches": sketches | "AllSketches" >> beam.Map(lambda sketch: (None, sketch)),
            }
            | "GroupAll" >> beam.CoGroupByKey()
            | "ResolveClusters"
            >> beam.ParDo(_ResolveClusters(settings.permutations))
            .with_output_types(tuple[str, tuple[int, Duplicate]])
            .with_outputs(CLUSTERS, main="decisions")
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
