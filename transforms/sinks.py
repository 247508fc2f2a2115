"""Writers: articles and rejects as JSON lines under the output directory."""

from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems


def to_json_line(record) -> str:
    """One record as a JSON line; key order is fixed by to_json_dict, so output is byte-stable."""
    return json.dumps(record.to_json_dict(), ensure_ascii=False)


class WriteJsonLines(beam.PTransform):
    """Records with to_json_dict() -> DIR/<name>-SSSSS-of-NNNNN.jsonl."""

    def __init__(self, output_dir: str, name: str):
        super().__init__()
        self._prefix = FileSystems.join(output_dir, name)

    def expand(self, records):
        return (
            records
            | "Serialize" >> beam.Map(to_json_line)
            | "Write" >> beam.io.WriteToText(self._prefix, file_name_suffix=".jsonl")
        )
