"""Spill files: articles written aside come back equal, in order, at the positions handed out."""

from __future__ import annotations

import tempfile

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineRunner

from article_cleaner.transforms.corpus.spill import (
    SpillFileWriter,
    new_spill_folder,
    read_spill_file,
    read_spill_records,
    spill_root_of,
)
from article_cleaner.transforms.records import Article, Caption, Removal


def article(number: int, body: str) -> Article:
    return Article(
        id=f"a-{number}",
        source=f"pages.jsonl:{number}",
        url=None if number % 2 else f"https://example.org/{number}",
        title="Harbour reopens",
        body=body,
        captions=(Caption("The harbour at dawn.", "Photo: J. Smith"),),
        references=(),
        language="en",
        language_score=0.99,
        removed=(Removal("advertisement", "ads:advertisement", "Advertisement"),),
        chars_in=900,
        chars_out=len(body),
        blocks_in=7,
        blocks_kept=body.count("\n\n") + 1,
        site="example.org",
    )


def test_spilled_articles_read_back_equal_and_in_order_at_their_positions(tmp_path):
    folder = new_spill_folder(str(tmp_path), "test")
    articles = [article(number, f"Paragraph {number}.\n\nÜnïcode – ✓ {'x' * number * 50}") for number in range(40)]
    writer = SpillFileWriter(f"{folder}/file")
    positions = [writer.write(item) for item in articles]
    writer.close()
    assert [position.index for position in positions] == list(range(40))
    assert {position.path for position in positions} == {f"{folder}/file"}
    assert list(read_spill_file(f"{folder}/file")) == articles


def test_reading_chosen_places_returns_those_records_alone_in_file_order(tmp_path):
    folder = new_spill_folder(str(tmp_path), "test")
    articles = [article(number, f"Paragraph {number}.\n\n{'y' * number * 30}") for number in range(25)]
    writer = SpillFileWriter(f"{folder}/file")
    for item in articles:
        writer.write(item)
    writer.close()
    chosen = {17, 3, 4, 24}
    assert list(read_spill_records(f"{folder}/file", chosen)) == [(index, articles[index]) for index in sorted(chosen)]
    assert list(read_spill_records(f"{folder}/file", set())) == []


def test_each_step_spills_into_a_folder_of_its_own(tmp_path):
    first, second = new_spill_folder(str(tmp_path), "dedup"), new_spill_folder(str(tmp_path), "dedup")
    assert first != second and first.startswith(str(tmp_path))


class _RemoteRunner(PipelineRunner):
    """Stands for a runner whose workers live on other machines (Dataflow, Flink, Spark)."""


def test_without_a_spill_root_a_runner_on_other_machines_is_refused_with_the_fix(tmp_path):
    remote = beam.Pipeline(runner=_RemoteRunner())
    with pytest.raises(ValueError, match=r"on _RemoteRunner, pass CleanCorpus\(\.\.\., spill_root="):
        spill_root_of(remote)
    with_temp = beam.Pipeline(runner=_RemoteRunner(), options=PipelineOptions(["--temp_location", str(tmp_path)]))
    assert spill_root_of(with_temp) == str(tmp_path)
    assert spill_root_of(beam.Pipeline(runner="FnApiRunner")) == tempfile.gettempdir()
