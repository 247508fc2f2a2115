"""Spill files: articles set aside in temporary files where they are produced and streamed back by
position, so that a corpus step shuffles small records about the articles instead of the articles.

Beam's local runners hold every shuffled element in the launcher's memory; a spill file holds an
article on disk (or an object store) until the step has decided what to do with it.
"""

from __future__ import annotations

import pickle
import struct
import tempfile
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.io.filesystem import BeamIOError, CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import GoogleCloudOptions

from article_cleaner.transforms.corpus.runners import LOCAL_RUNNERS
from article_cleaner.transforms.records import Article

# A read-back step handles one file per element and holds that file's decisions: this bounds both,
# and gives that step as many elements to spread over workers as a bundle has thousands of articles.
ARTICLES_PER_SPILL_FILE = 1000

# Each article is framed by its pickled length: the reader needs nothing but read(n), which every
# Beam file system offers. Pickle is enough for a file the same code version writes and reads back.
_FRAME_LENGTH = struct.Struct(">Q")


@dataclass(frozen=True, slots=True)
class SpillPosition:
    """Where an article was set aside: its spill file and its place in it (from 0)."""

    path: str
    index: int


def spill_root_of(pipeline: beam.Pipeline) -> str:
    """The folder under which a pipeline spills when its caller names none: --temp_location, else,
    on a runner whose workers share this machine, the system's temporary folder.

    Raises ValueError on any other runner: its workers could not read each other's spill files.
    """
    temp_location = pipeline.options.view_as(GoogleCloudOptions).temp_location
    if temp_location:
        return temp_location
    runner = type(pipeline.runner).__name__
    if runner not in LOCAL_RUNNERS:  # their workers share this machine's temporary folder
        raise ValueError(
            f"the corpus steps set articles aside in files every worker must read: on {runner}, "
            "pass CleanCorpus(..., spill_root=<shared folder, e.g. gs://bucket/tmp>) or --temp_location"
        )
    return tempfile.gettempdir()


def new_spill_folder(root: str, step: str) -> str:
    """A folder of its own under root for one step of one pipeline."""
    return FileSystems.join(root, f"spill-{step}-{uuid.uuid4().hex}")


class SpillFileWriter:
    """Articles -> one spill file; write() returns each article's position."""

    def __init__(self, path: str):
        self.path = path
        self.articles = 0
        self._handle = FileSystems.create(path, "application/octet-stream", CompressionTypes.UNCOMPRESSED)

    def write(self, article: Article) -> SpillPosition:
        data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        self._handle.write(_FRAME_LENGTH.pack(len(data)) + data)
        position = SpillPosition(self.path, self.articles)
        self.articles += 1
        return position

    def close(self) -> None:
        self._handle.close()


def read_exactly(handle, size: int) -> bytes:
    """size bytes from a file handle, however many reads that takes; OSError where the file ends first."""
    chunks, missing = [], size
    while missing:
        chunk = handle.read(missing)
        if not chunk:
            raise OSError(f"spill file ends inside a record ({size - missing} of {size} bytes)")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_spill_file(path: str) -> Iterator[Article]:
    """The articles of a spill file, one at a time, in the order they were written."""
    for _, data in _frames(path):
        yield pickle.loads(data)


def read_spill_records(path: str, wanted: Collection[int]) -> Iterator[tuple[int, object]]:
    """(index, record) of the wanted places of a spill file, in file order: the others are skipped
    unread (not unpickled), and reading stops after the last wanted one."""
    if not wanted:
        return
    last = max(wanted)
    for index, data in _frames(path):
        if index in wanted:
            yield index, pickle.loads(data)
        if index >= last:
            return


def _frames(path: str) -> Iterator[tuple[int, bytes]]:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        index = 0
        while header := handle.read(_FRAME_LENGTH.size):
            header += read_exactly(handle, _FRAME_LENGTH.size - len(header))
            (size,) = _FRAME_LENGTH.unpack(header)
            yield index, read_exactly(handle, size)
            index += 1


class SpillArticles(beam.DoFn):
    """Article -> (its SpillPosition, describe(article)): the article goes to a spill file of the
    bundle (a new one every ARTICLES_PER_SPILL_FILE), only the small description goes on.

    The files are complete when the bundle commits, before any step after a shuffle reads them; a
    retried bundle writes new files, and the abandoned ones go with the folder.
    """

    def __init__(self, folder: str, describe: Callable[[Article], object]):
        self._folder = folder
        self._describe = describe

    def start_bundle(self):
        self._writer: SpillFileWriter | None = None

    def process(self, article: Article):
        if self._writer is None or self._writer.articles >= ARTICLES_PER_SPILL_FILE:
            self._close()
            self._writer = SpillFileWriter(FileSystems.join(self._folder, uuid.uuid4().hex))
        yield self._writer.write(article), self._describe(article)

    def finish_bundle(self):
        self._close()

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class _DeleteFolder(beam.DoFn):
    def __init__(self, folder: str):
        self._folder = folder

    def process(self, unused_trigger, *unused_files_read):
        found = FileSystems.match([FileSystems.join(self._folder, "*")])[0].metadata_list
        if found:
            FileSystems.delete([metadata.path for metadata in found])
        try:
            FileSystems.delete([self._folder])
        except BeamIOError:  # never created (no articles), or an object store without folders
            pass
        yield self._folder


class DeleteSpillFolder(beam.PTransform):
    """Files read back (one or more PCollections, any elements) -> the spill folder deleted once,
    after all of them: spill files never outlive the run, nor reach its outputs."""

    def __init__(self, folder: str):
        super().__init__()
        self._folder = folder

    def expand(self, files_read):
        files_read = files_read if isinstance(files_read, tuple) else (files_read,)
        return (
            files_read[0].pipeline
            | "Once" >> beam.Create([None])
            | "DeleteFolder"
            >> beam.ParDo(_DeleteFolder(self._folder), *[beam.pvalue.AsList(files) for files in files_read])
        )
