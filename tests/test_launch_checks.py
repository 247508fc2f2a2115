from __future__ import annotations

import gzip
import json

from article_cleaner.pipelines.clean_articles import CleanArticlesOptions
from article_cleaner.pipelines.launch_checks import (
    FIELD_SAMPLE_RECORDS,
    field_problem,
    folder_problem,
    option_problem,
)
from article_cleaner.transforms.io.field_mapping import DEFAULT_FIELD_MAPPING, parse_field_map

STORY = {
    "content": "The ferry to Port Ellis ran again on Tuesday after two days in harbour. Crews cleared the ramp.",
    "link": "https://harbour-gazette.example/ferry-returns",
    "headline": "Ferry returns",
    "meta": {"section": "local"},
}


def write_jsonl(path, records, compress=False):
    text = "".join(json.dumps(record) + "\n" for record in records)
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_misspelt_beam_option_is_named_with_the_close_one():
    problem = option_problem(["--input", "a.txt", "--direct_num_wrokers", "2"], CleanArticlesOptions)
    assert problem == "unknown option --direct_num_wrokers (did you mean --direct_num_workers?)"


def test_known_beam_and_cleaner_options_pass():
    argv = ["--input", "a", "--output", "o", "--runner", "FnApiRunner", "--direct_num_workers=2", "--set", "x=1"]
    assert option_problem(argv, CleanArticlesOptions) is None


def test_a_bad_choice_is_one_line_naming_the_option():
    problem = option_problem(["--direct_running_mode", "bogus"], CleanArticlesOptions)
    assert problem.startswith("argument --direct_running_mode: invalid choice: 'bogus'")


def test_a_stray_word_is_an_unexpected_argument():
    assert (
        option_problem(["--input", "a", "extra"], CleanArticlesOptions)
        == "unexpected argument 'extra' (options take the form --name value)"
    )


def test_a_folder_given_as_input_is_named_with_a_glob_of_its_files(tmp_path):
    (tmp_path / "pages").mkdir()
    problem = folder_problem([str(tmp_path / "pages")], [str(tmp_path / "pages")])
    assert problem == f"--input {tmp_path / 'pages'} is a folder; name its files, e.g. --input '{tmp_path / 'pages'}/*'"
    assert folder_problem([str(tmp_path / "*")], [str(tmp_path / "pages")]).startswith("--input matches the folder")
    assert folder_problem(["a.txt"], [str(tmp_path / "a.txt")]) is None


def test_records_without_text_hint_at_the_field_map_naming_the_fields_they_have(tmp_path):
    path = write_jsonl(tmp_path / "crawl.jsonl.gz", [STORY] * 3, compress=True)
    problem = field_problem([path], "auto", DEFAULT_FIELD_MAPPING)
    assert problem == (
        f"{path}: none of its first 3 records has a 'text' or 'html' field "
        "(fields seen: content, headline, link, meta, meta.section); "
        "if 'content' holds the text, pass --field_map text=content"
    )


def test_a_typo_in_a_field_map_source_fails_with_the_fields_seen(tmp_path):
    path = write_jsonl(tmp_path / "crawl.jsonl", [STORY])
    problem = field_problem([path], "auto", parse_field_map("text=content,url=lnik"))
    assert problem.startswith(f"--field_map url=lnik: {path}: none of its first 1 records has that field")
    assert "fields seen: content, headline, link" in problem
    assert field_problem([path], "auto", parse_field_map("text=content,url=link,id=meta.section")) is None


def test_one_record_with_the_field_among_the_first_is_enough(tmp_path):
    records = [STORY] * (FIELD_SAMPLE_RECORDS - 1) + [{"text": "A story."}]
    assert field_problem([write_jsonl(tmp_path / "mixed.jsonl", records)], "auto", DEFAULT_FIELD_MAPPING) is None
    late = [STORY] * FIELD_SAMPLE_RECORDS + [{"text": "A story."}]
    assert field_problem([write_jsonl(tmp_path / "late.jsonl", late)], "auto", DEFAULT_FIELD_MAPPING) is not None


def test_malformed_empty_and_non_jsonl_files_are_left_to_the_readers(tmp_path):
    (tmp_path / "broken.jsonl").write_text("{not json\n" + "[" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "page.txt").write_text("Ferry returns\n\nThe ferry ran again.", encoding="utf-8")
    files = [str(tmp_path / name) for name in ("broken.jsonl", "empty.jsonl", "page.txt")]
    assert field_problem(files, "auto", DEFAULT_FIELD_MAPPING) is None
