"""Near-duplicates: pair precision and recall on a corpus with known clusters, the step's cost at scale,
and the speed of the hashing.

    python benchmarks/near_duplicates.py [--families N] [--keep DIR]
    python benchmarks/near_duplicates.py --scale 100000 [--workers 2]
    python benchmarks/near_duplicates.py --hashing

Default (quality): the article bodies of every article set under ../shared/benchmarks (ground
truth, several languages) are the distinct articles. For N of them (default: every other page of at
least 120 words) the corpus adds a family of copies: an intro line, a sentence added or removed, a
republishing footer (in one of six languages), words changed, paragraphs reordered, and some of
these together. Each family also gets two articles on the same subject that are written
differently (the same lead over new text; every other sentence replaced). Every document
is a JSON line with its own URL on its own site, run through the real command (text mode, two
worker processes) with near-duplicates off, then on. Printed: pair precision (pairs in one
predicted cluster that are one family), recall of the family pairs whose true Jaccard similarity
(of the 5-word shingles of the bodies the step sees: the articles of the run without it) is >= 0.85
and of those in [threshold, 0.85), the same recall over the inputs' similarity, clusters that merge
two families, and the CPU time of the two runs: the step's share of the whole pipeline's time.

--scale N: N generated documents (blocks of ten: a cluster of 1 to 5 copies of a body of sentences
drawn from the shared pages, then distinct bodies drawn the same way) go through the step alone
(DropNearDuplicates in a Beam pipeline, --direct_running_mode multi_processing --direct_num_workers
W), once with the step and once passing the articles on, alternately: peak RSS of the process tree,
CPU time of the tree, the step's CPU time per document, and pair precision / recall against the
known clusters. Then the whole command on the first 5,000 of those documents with the step off
gives the pipeline's own cost per document, and the step's share of the whole.

--hashing: MinHash signatures per second over the shared bodies, ours (numpy) against datasketch
when it is installed (not a dependency).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from throughput import MIB, pipeline_command, run_sampling_rss

from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, load_config
from article_cleaner.transforms.corpus.near_duplicates import shingle_hashes

from benchmark_sets import article_sets

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_SIMILARITY = 0.85
MIN_WORDS = 120
CORPUS_FILES = 8
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
FOOTERS = (
    "This story was originally published by {site} and is republished here with permission.",
    "Dieser Artikel erschien zuerst bei {site} und wird mit freundlicher Genehmigung veröffentlicht.",
    "Cet article a été publié initialement par {site} et est republié avec son autorisation.",
    "Este artículo se publicó originalmente en {site} y se reproduce con permiso.",
    "Questo articolo è stato pubblicato originariamente da {site} ed è ripubblicato con autorizzazione.",
    "Este artigo foi publicado originalmente por {site} e é republicado com permissão.",
)
INTROS = (
    "Reprinted with permission from {site}.",
    "From our partners at {site}: the full report.",
    "Editor's note: this article first appeared on {site}.",
)


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    family: str
    title: str
    body: str


def load_pages() -> list[Page]:
    pages = []
    for benchmark in article_sets():
        truth = json.loads(benchmark.ground_truth.read_text(encoding="utf-8"))
        for key, entry in sorted(truth.items()):
            body = (entry.get("articleBody") or "").strip()
            if body:
                pages.append(Page(f"{benchmark.name}-{key}", entry.get("title") or "", body))
    return pages


def paragraphs_of(body: str) -> list[str]:
    return [paragraph for paragraph in re.split(r"\n\s*\n|\n", body) if paragraph.strip()]


def sentences_of(paragraph: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(paragraph.strip()) if sentence]


# The edits that make a copy. Each takes the paragraphs, a seeded generator and a pool of other
# pages' sentences, and returns new paragraphs.
def add_intro(paragraphs, rng, pool):
    return [rng.choice(INTROS).format(site=f"news{rng.randrange(1000)}.example"), *paragraphs]


def add_footer(paragraphs, rng, pool):
    return [*paragraphs, rng.choice(FOOTERS).format(site=f"news{rng.randrange(1000)}.example")]


def add_sentence(paragraphs, rng, pool):
    index = rng.randrange(len(paragraphs))
    changed = paragraphs[:]
    changed[index] = f"{changed[index]} {rng.choice(pool)}"
    return changed


def remove_sentence(paragraphs, rng, pool):
    candidates = [index for index, paragraph in enumerate(paragraphs) if len(sentences_of(paragraph)) > 1]
    if not candidates:
        return paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    index = rng.choice(candidates)
    sentences = sentences_of(paragraphs[index])
    del sentences[rng.randrange(len(sentences))]
    changed = paragraphs[:]
    changed[index] = " ".join(sentences)
    return changed


def change_words(paragraphs, rng, pool, share=0.02):
    words = "\n\n".join(paragraphs).split(" ")
    replacements = " ".join(rng.sample(pool, 5)).split()
    for index in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        if "\n" not in words[index]:
            words[index] = rng.choice(replacements)
    return paragraphs_of(" ".join(words))


def reorder_paragraphs(paragraphs, rng, pool):
    if len(paragraphs) < 3:
        return paragraphs[::-1]
    changed = paragraphs[:]
    moved = changed.pop(rng.randrange(1, len(changed)))
    changed.insert(rng.randrange(len(changed)), moved)
    return changed


COPY_EDITS = (
    (add_intro,),
    (add_footer,),
    (add_sentence,),
    (remove_sentence,),
    (change_words,),
    (reorder_paragraphs,),
    (add_intro, add_footer),
    (remove_sentence, add_sentence, add_footer),
    (reorder_paragraphs, change_words),
)


def same_lead_new_text(page: Page, rng, pool) -> list[str]:
    """A follow-up: the same title and lead (its first sentences, up to a fifth of the words), then
    text of its own (sentences drawn from all the pages, so that it copies none of them)."""
    sentences = [sentence for paragraph in paragraphs_of(page.body) for sentence in sentences_of(paragraph)]
    words = sum(len(sentence.split()) for sentence in sentences)
    lead, lead_words = [], 0
    for sentence in sentences:
        if lead and lead_words + len(sentence.split()) > words / 5:
            break
        lead.append(sentence)
        lead_words += len(sentence.split())
    drawn = rng.sample(pool, max(3, len(sentences) - len(lead)))
    return [" ".join(lead), *(" ".join(drawn[start : start + 3]) for start in range(0, len(drawn), 3))]


def every_other_sentence_replaced(page: Page, rng, pool) -> list[str]:
    """A rewrite: half of the sentences kept (every other one, counted over the whole body), the others new."""
    counter = itertools.count()
    return [
        " ".join(s if next(counter) % 2 == 0 else rng.choice(pool) for s in sentences_of(paragraph))
        for paragraph in paragraphs_of(page.body)
    ]


def quality_corpus(pages: list[Page], families: int | None, seed: int = 17) -> list[Document]:
    rng = random.Random(seed)
    pool = [s for page in pages for p in paragraphs_of(page.body) for s in sentences_of(p) if len(s) > 40]
    documents = [Document(page.name, page.name, page.title, page.body) for page in pages]
    eligible = [page for page in pages if len(page.body.split()) >= MIN_WORDS]
    chosen = eligible[::2] if families is None else eligible[:families]
    for number, page in enumerate(chosen):
        for copy_number in range(4):
            edits = COPY_EDITS[(number * 4 + copy_number) % len(COPY_EDITS)]
            paragraphs = paragraphs_of(page.body)
            for edit in edits:
                paragraphs = edit(paragraphs, rng, pool)
            documents.append(Document(f"{page.name}~copy{copy_number}", page.name, page.title, "\n\n".join(paragraphs)))
        for related, write in enumerate((same_lead_new_text, every_other_sentence_replaced)):
            name = f"{page.name}~related{related}"
            documents.append(Document(name, name, page.title, "\n\n".join(write(page, rng, pool))))
    return documents


def write_jsonl(documents, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [(folder / f"corpus-{index:02d}.jsonl").open("w", encoding="utf-8") for index in range(CORPUS_FILES)]
    for number, document in enumerate(documents):
        record = {
            "id": document.id,
            "url": f"https://site{number}.example.com/{number}",
            "title": document.title,
            "text": document.body,
        }
        outputs[number % CORPUS_FILES].write(json.dumps(record, ensure_ascii=False) + "\n")
    for output in outputs:
        output.close()


def config_with(folder: Path, near_enabled: bool) -> Path:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["corpus"]["near_duplicates"]["enabled"] = near_enabled
    path = folder / f"config-near-{str(near_enabled).lower()}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    cpu_seconds: float  # user + system of the process tree
    peak_rss: int


def run_measured(command: list[str]) -> Measured:
    """Runs a command, sampling the RSS of its process tree; CPU time from its finished children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, peak = run_sampling_rss(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(seconds, cpu, peak)


def run_command(corpus: Path, output: Path, config: Path, workers: int) -> Measured:
    return run_measured(pipeline_command(corpus, output, "multi_processing", workers, config))


def read_records(output: Path, name: str) -> list[dict]:
    return [json.loads(line) for path in sorted(output.glob(f"{name}-*")) for line in path.open(encoding="utf-8")]


def predicted_clusters(kept_of: dict[str, str]) -> dict[str, list[str]]:
    clusters: dict[str, list[str]] = defaultdict(list)
    for member, kept in kept_of.items():
        clusters[kept].append(member)
    return clusters


def jaccard(first: str, second: str, shingle_words: int) -> float:
    a = set(shingle_hashes(first, shingle_words).tolist())
    b = set(shingle_hashes(second, shingle_words).tolist())
    return len(a & b) / len(a | b) if a | b else 1.0


def score_quality(
    documents: list[Document], output: Path, cleaned_bodies: dict[str, str], threshold: float, shingle_words: int
) -> dict:
    """Pairs against the known families. A pair's true similarity is that of the bodies the step
    sees (the articles of the run without it); the similarity of the inputs is reported beside."""
    family_of = {document.id: document.family for document in documents}
    kept_of = {record["id"]: record["id"] for record in read_records(output, "articles")}
    duplicates = read_records(output, "duplicates")
    kept_of.update({record["id"]: record["duplicate_of"] for record in duplicates})
    clusters = predicted_clusters(kept_of)
    predicted = [pair for members in clusters.values() for pair in itertools.combinations(sorted(members), 2)]
    right = sum(family_of[a] == family_of[b] for a, b in predicted)
    merged = [members for members in clusters.values() if len({family_of[m] for m in members}) > 1]
    shared_pages = {document.id for document in documents if document.id == document.family and "~" not in document.id}
    shared_pages_merged = [members for members in clusters.values() if len(shared_pages.intersection(members)) > 1]
    by_family: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_family[document.family].append(document)
    found = {"at_target": [0, 0], "near_threshold": [0, 0], "below_threshold": [0, 0]}
    inputs_at_target = [0, 0]
    missed = []
    for members in by_family.values():
        for first, second in itertools.combinations(members, 2):
            if first.id not in cleaned_bodies or second.id not in cleaned_bodies:
                continue  # not written (rejected or filtered): no pair to find
            together = kept_of[first.id] == kept_of[second.id]
            if jaccard(first.body, second.body, shingle_words) >= TARGET_SIMILARITY:
                inputs_at_target[0] += together
                inputs_at_target[1] += 1
            similarity = jaccard(cleaned_bodies[first.id], cleaned_bodies[second.id], shingle_words)
            band = (
                "at_target"
                if similarity >= TARGET_SIMILARITY
                else "near_threshold"
                if similarity >= threshold
                else "below_threshold"
            )
            found[band][0] += together
            found[band][1] += 1
            if band == "at_target" and not together:
                missed.append((round(similarity, 3), first.id, second.id))
    return {
        "documents": len(documents),
        "accounted": len(kept_of),
        "near": sum(record["kind"] == "near" for record in duplicates),
        "exact": sum(record["kind"] == "exact" for record in duplicates),
        "predicted_pairs": len(predicted),
        "precision": right / len(predicted) if predicted else 1.0,
        "found": found,
        "inputs_at_target": inputs_at_target,
        "merged_families": merged,
        "shared_pages_merged": shared_pages_merged,
        "missed": sorted(missed),
    }


def quality(args) -> int:
    config = load_config()
    settings = config.corpus.near_duplicates
    pages = load_pages()
    documents = quality_corpus(pages, args.families)
    scratch = Path(tempfile.mkdtemp(prefix="near-duplicates-"))
    try:
        write_jsonl(documents, scratch / "corpus")
        families = sum(1 for document in documents if document.id.endswith("~copy0"))
        print(
            f"corpus: {len(documents)} documents: {len(pages)} shared pages, {families} families of four copies, "
            f"{len(documents) - len(pages) - 4 * families} articles on a family's subject written differently"
        )
        runs: dict[bool, list[Measured]] = {True: [], False: []}
        for round_number in range(args.rounds):
            for near_enabled in (False, True):
                output = scratch / f"out-{str(near_enabled).lower()}"
                config_path = config_with(scratch, near_enabled)
                runs[near_enabled].append(run_command(scratch / "corpus", output, config_path, args.workers))
                if not near_enabled and round_number == 0:
                    cleaned_bodies = {record["id"]: record["body"] for record in read_records(output, "articles")}
                if near_enabled and round_number == 0:
                    scores = score_quality(
                        documents, output, cleaned_bodies, settings.threshold, settings.shingle_words
                    )
                    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
                    if args.keep:
                        shutil.copytree(output, args.keep, dirs_exist_ok=True)
        print(
            f"settings: threshold {settings.threshold}, {settings.shingle_words}-word shingles, "
            f"{settings.permutations} permutations in {settings.bands} bands of {settings.rows_per_band}"
        )
        print(
            f"run: inputs {report['inputs']}, written {report['written']}, duplicates {report['duplicates']} "
            f"(near {report['near_duplicates']}), rejected {report['rejected_total']}, "
            f"filtered {report['filtered_total']}, balanced {str(report['balanced']).lower()}"
        )
        print(f"pair precision: {scores['precision']:.4f} over {scores['predicted_pairs']} predicted pairs")
        for band, label in (
            ("at_target", f"true Jaccard >= {TARGET_SIMILARITY}"),
            ("near_threshold", f"true Jaccard in [{settings.threshold}, {TARGET_SIMILARITY})"),
            ("below_threshold", f"true Jaccard < {settings.threshold} (not wanted)"),
        ):
            hit, total = scores["found"][band]
            share = hit / total if total else float("nan")
            print(f"pairs of one family, {label}: {hit}/{total} in one cluster ({share:.4f})")
        hit, total = scores["inputs_at_target"]
        print(
            f"  (of the pairs whose inputs, before cleaning, are at Jaccard >= {TARGET_SIMILARITY}: {hit}/{total}, "
            f"{hit / max(total, 1):.4f}; text-mode cleaning cuts some copies differently)"
        )
        for similarity, first, second in scores["missed"][:10]:
            print(f"  missed at {similarity}: {first} {second}")
        print(f"clusters merging two families: {len(scores['merged_families'])}")
        print(f"clusters holding two distinct pages of the shared sets: {len(scores['shared_pages_merged'])}")
        for members in scores["merged_families"][:10]:
            print(f"  {sorted(members)}")
        on = min(run.cpu_seconds for run in runs[True])
        off = min(run.cpu_seconds for run in runs[False])
        print(
            f"CPU time of the command over {args.rounds} round(s), best of each (launcher + {args.workers} workers): "
            f"near-duplicates on {on:.1f} s, off {off:.1f} s: the step's share {max(on - off, 0) / on:.1%} "
            f"({max(on - off, 0) / len(documents) * 1000:.2f} ms a document); all runs on "
            f"{[round(run.cpu_seconds, 1) for run in runs[True]]}, "
            f"off {[round(run.cpu_seconds, 1) for run in runs[False]]}"
        )
        print(
            f"peak RSS of the command: on {max(run.peak_rss for run in runs[True]) / MIB:.0f} MiB, "
            f"off {max(run.peak_rss for run in runs[False]) / MIB:.0f} MiB"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


# --- scale: the step alone over generated documents -------------------------------------------

BLOCK = 10  # documents per block: a cluster of 1 to 5 copies, then distinct bodies


def sentence_pool(pages: list[Page]) -> list[str]:
    return [s for page in pages for p in paragraphs_of(page.body) for s in sentences_of(p) if len(s) > 40]


def generated_document(number: int, pool: list[str], lengths: list[int]) -> Document:
    """Document `number` of the scale corpus: its id says its cluster (block-number) or that it is alone."""
    block, place = divmod(number, BLOCK)
    cluster_size = 1 + block % 5
    if place >= cluster_size:
        rng = random.Random(number)
        family = f"alone-{number}"
        paragraphs = _drawn_paragraphs(rng, pool, lengths)
        return Document(f"{family}", family, "", "\n\n".join(paragraphs))
    rng = random.Random(f"block-{block}")
    paragraphs = _drawn_paragraphs(rng, pool, lengths)
    if place:
        edit_rng = random.Random(number)
        for edit in COPY_EDITS[number % len(COPY_EDITS)]:
            paragraphs = edit(paragraphs, edit_rng, pool)
    family = f"block-{block}"
    return Document(f"{family}-{place}", family, "", "\n\n".join(paragraphs))


def _drawn_paragraphs(rng: random.Random, pool: list[str], lengths: list[int]) -> list[str]:
    sentences = rng.sample(pool, rng.choice(lengths))
    return [" ".join(sentences[start : start + 3]) for start in range(0, len(sentences), 3)]


def sentences_per_page(pages: list[Page]) -> list[int]:
    counts = [sum(len(sentences_of(p)) for p in paragraphs_of(page.body)) for page in pages]
    return [count for count in counts if count >= 5]


def scale_pipeline(args) -> int:
    """One run of the step alone (a subprocess of --scale): generated articles -> step or not -> files."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from article_cleaner.transforms.corpus.drop_near_duplicates import DropNearDuplicates
    from article_cleaner.transforms.corpus.runners import allocator_growth_limited
    from article_cleaner.transforms.records import Article

    pages = load_pages()
    pool, lengths = sentence_pool(pages), sentences_per_page(pages)
    settings = load_config().corpus.near_duplicates
    shards = 64
    documents = args.scale_pipeline

    def articles_of_shard(shard: int):
        for number in range(shard, documents, shards):
            document = generated_document(number, pool, lengths)
            yield Article(
                id=document.id,
                source=f"generated:{number}",
                url=f"https://site{number}.example.com/{number}",
                title=None,
                body=document.body,
                captions=(),
                references=(),
                language="en",
                language_score=1.0,
                removed=(),
                chars_in=len(document.body),
                chars_out=len(document.body),
                blocks_in=1,
                blocks_kept=1,
            )

    output = Path(args.output)
    options = PipelineOptions(
        [
            "--runner=FnApiRunner",
            "--direct_running_mode=multi_processing",
            f"--direct_num_workers={args.workers}",
        ]
    )
    # as the command does (transforms/corpus/runners.py)
    with allocator_growth_limited(), beam.Pipeline(options=options) as pipeline:
        articles = (
            pipeline
            | beam.Create(range(shards))
            | "Spread" >> beam.Reshuffle()
            | "Generate" >> beam.FlatMap(articles_of_shard)
        )
        if args.step == "on":
            near = articles | DropNearDuplicates(settings, spill_root=str(output / "spill"))
            kept, duplicates = near["articles"], near["duplicates"]
            (
                duplicates
                | "DuplicatePairs" >> beam.Map(lambda record: f"{record.id} {record.duplicate_of}")
                | "WriteDuplicates" >> beam.io.WriteToText(str(output / "duplicates"))
            )
        else:
            kept = articles | "PassOn" >> beam.Map(lambda article: article)
        (
            kept
            | "KeptIds" >> beam.Map(lambda article: article.id)
            | "WriteKept" >> beam.io.WriteToText(str(output / "kept"))
        )
    return 0


def score_scale(output: Path) -> dict:
    kept_ids = [line.strip() for path in output.glob("kept*") for line in path.open()]
    pairs = [line.split() for path in output.glob("duplicates*") for line in path.open()]
    kept_of = {key: key for key in kept_ids}
    kept_of.update(dict(pairs))

    def family(document_id: str) -> str:
        return document_id.rsplit("-", 1)[0] if document_id.startswith("block-") else document_id

    clusters = predicted_clusters(kept_of)
    predicted = [pair for members in clusters.values() for pair in itertools.combinations(members, 2)]
    right = sum(family(a) == family(b) for a, b in predicted)
    true_pairs = defaultdict(list)
    for key in kept_of:
        true_pairs[family(key)].append(key)
    wanted = [pair for members in true_pairs.values() for pair in itertools.combinations(members, 2)]
    found = sum(kept_of[a] == kept_of[b] for a, b in wanted)
    return {
        "accounted": len(kept_of),
        "duplicates": len(pairs),
        "precision": right / len(predicted) if predicted else 1.0,
        "recall": found / len(wanted) if wanted else 1.0,
        "wanted": len(wanted),
    }


def scale(args) -> int:
    documents = args.scale
    scratch = Path(tempfile.mkdtemp(prefix="near-duplicates-scale-"))
    try:
        results: dict[str, list[Measured]] = {"on": [], "off": []}
        for round_number in range(args.rounds):
            for step in ("on", "off"):
                output = scratch / f"{step}-{round_number}"
                results[step].append(
                    run_measured(
                        [
                            sys.executable,
                            str(Path(__file__).resolve()),
                            "--scale-pipeline",
                            str(documents),
                            "--step",
                            step,
                            "--output",
                            str(output),
                            "--workers",
                            str(args.workers),
                        ]
                    )
                )
                if step == "on" and round_number == 0:
                    scores = score_scale(output)
                shutil.rmtree(output, ignore_errors=True)
        on = min(run.cpu_seconds for run in results["on"])
        off = min(run.cpu_seconds for run in results["off"])
        step_ms = (on - off) / documents * 1000
        print(f"{documents} generated documents, {args.workers} worker processes, {args.rounds} round(s)")
        print(
            f"accounted {scores['accounted']}/{documents}; near-duplicates {scores['duplicates']}; "
            f"pair precision {scores['precision']:.4f}, recall {scores['recall']:.4f} of {scores['wanted']} pairs"
        )
        for step in ("on", "off"):
            print(
                f"step {step}: wall {[round(r.seconds, 1) for r in results[step]]} s, CPU "
                f"{[round(r.cpu_seconds, 1) for r in results[step]]} s, peak RSS "
                f"{[round(r.peak_rss / MIB) for r in results[step]]} MiB"
            )
        print(f"the step's CPU time: {step_ms:.2f} ms a document (best run on minus best run off)")
        # The whole command on a sample of the same documents, with the step off: the pipeline's own cost.
        sample = min(documents, args.whole_pipeline_documents)
        pages = load_pages()
        pool, lengths = sentence_pool(pages), sentences_per_page(pages)
        write_jsonl([generated_document(number, pool, lengths) for number in range(sample)], scratch / "sample")
        whole = run_command(scratch / "sample", scratch / "sample-out", config_with(scratch, False), args.workers)
        whole_ms = whole.cpu_seconds / sample * 1000
        print(
            f"the whole command (text mode, near-duplicates off) on {sample} of them: "
            f"{whole_ms:.2f} ms CPU a document; "
            f"the step's share of a whole run with it: {step_ms / (whole_ms + step_ms):.1%}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def hashing(args) -> int:
    from article_cleaner.transforms.corpus.near_duplicates import MinHasher

    settings = load_config().corpus.near_duplicates
    bodies = [page.body for page in load_pages()]
    hasher = MinHasher(settings)
    timings: dict[str, list[float]] = defaultdict(list)
    try:
        from datasketch import MinHash
    except ImportError:
        MinHash = None

    def ours():
        for body in bodies:
            hasher.signature(body)

    def theirs():
        for body in bodies:
            words = re.findall(r"\w+", body.casefold())
            shingles = {" ".join(words[i : i + settings.shingle_words]).encode() for i in range(len(words))}
            signature = MinHash(num_perm=settings.permutations, seed=settings.seed)
            signature.update_batch(list(shingles))

    variants = {"ours (numpy)": ours}
    if MinHash is not None:
        variants["datasketch update_batch"] = theirs
    for _ in range(args.rounds):
        for name, function in variants.items():
            started = time.process_time()
            function()
            timings[name].append(time.process_time() - started)
    words = sum(len(body.split()) for body in bodies)
    for name, seconds in timings.items():
        best = min(seconds)
        print(
            f"{name}: {len(bodies) / best:,.0f} bodies/s, {best / len(bodies) * 1000:.2f} ms a body "
            f"({words / len(bodies):.0f} words on average); CPU per round {[round(s, 2) for s in seconds]}"
        )
    if MinHash is None:
        print("datasketch is not installed: pip install datasketch to compare")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, help="families of copies (default: every other eligible page)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each variant, alternated")
    parser.add_argument("--keep", type=Path, help="keep the quality run's output here")
    parser.add_argument("--scale", type=int, help="generated documents through the step alone")
    parser.add_argument("--whole-pipeline-documents", type=int, default=5000)
    parser.add_argument("--hashing", action="store_true", help="signatures per second, ours against datasketch")
    parser.add_argument("--scale-pipeline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=("on", "off"), help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_pipeline:
        return scale_pipeline(args)
    if args.scale:
        return scale(args)
    if args.hashing:
        return hashing(args)
    return quality(args)


if __name__ == "__main__":
    sys.exit(main())
