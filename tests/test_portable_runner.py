"""The same pipeline on Beam's portable runner path: a local job service and an external SDK worker
pool whose virtualenv holds only the project's built wheel, so a module or data file missing from the
packaging fails this test. Records must equal the in-process runner's."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from article_cleaner.pipelines.clean_articles import run

from support import REPO_ROOT

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"service exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("localhost", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nothing listens on port {port} after {STARTUP_SECONDS}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def wheel_only_python(tmp_path_factory) -> Path:
    """A fresh virtualenv with nothing of the repository but its built wheel (and its dependencies)."""
    scratch = tmp_path_factory.mktemp("wheel")
    source = scratch / "source"  # build from a copy: setuptools writes build/ and *.egg-info beside the sources
    shutil.copytree(
        REPO_ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "out")
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(scratch / "dist"), str(source)], check=True
    )
    [wheel] = (scratch / "dist").glob("article_cleaner-*.whl")
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    return venv / "bin" / "python"


@pytest.fixture()
def portable_services(wheel_only_python, tmp_path):
    """(job endpoint, worker pool endpoint), both stopped by pid afterwards."""
    job_port, worker_port = free_port(), free_port()
    worker_env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # The pool starts each SDK worker as `python` from PATH: it must be the wheel-only one.
    worker_env["PATH"] = f"{wheel_only_python.parent}{os.pathsep}{worker_env.get('PATH', '')}"
    job_log, worker_log = tmp_path / "job_service.log", tmp_path / "worker_pool.log"
    job_service = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main", "--port", str(job_port)],
        cwd=tmp_path,
        stdout=job_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    worker_pool = subprocess.Popen(
        [
            str(wheel_only_python),
            "-m",
            "apache_beam.runners.worker.worker_pool_main",
            "--service_port",
            str(worker_port),
        ],
        cwd=tmp_path,  # not the repository: imports must come from the wheel
        env=worker_env,
        stdout=worker_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(job_port, job_service, job_log)
        wait_for_port(worker_port, worker_pool, worker_log)
        yield f"localhost:{job_port}", f"localhost:{worker_port}"
    finally:
        stop(worker_pool)
        stop(job_service)


def records(directory: Path) -> list[dict]:
    lines = [
        line for path in directory.glob("articles*.jsonl") for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return sorted((json.loads(line) for line in lines), key=lambda record: record["id"])


def test_portable_runner_with_wheel_only_workers_gives_the_local_runners_records(portable_services, tmp_path):
    job_endpoint, worker_endpoint = portable_services
    inputs = [str(REPO_ROOT / "examples" / "inputs" / "*")]
    local_out, portable_out = tmp_path / "local", tmp_path / "portable"
    assert run(["--input", *inputs, "--output", str(local_out)]) == 0
    portable_arguments = [
        "--runner=PortableRunner",
        f"--job_endpoint={job_endpoint}",
        "--environment_type=EXTERNAL",
        f"--environment_config={worker_endpoint}",
    ]
    assert run(["--input", *inputs, "--output", str(portable_out), *portable_arguments]) == 0
    local_records = records(local_out)
    assert local_records, "the examples gave no records"
    assert records(portable_out) == local_records


def test_a_stopped_launcher_cancels_its_job_on_the_job_service(portable_services, tmp_path):
    job_endpoint, worker_endpoint = portable_services
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:  # long enough to be stopped while the job runs
        for index in range(20_000):
            text = f"Harbour wall, part {index}\n\n" + "\n\n".join(
                f"The council voted on Tuesday to extend the harbour wall, note {index}-{n}." for n in range(8)
            )
            out.write(json.dumps({"id": f"d{index}", "text": text}) + "\n")
    output = tmp_path / "out"
    command = [
        sys.executable, "-m", "article_cleaner", "--input", str(corpus), "--output", str(output),
        "--runner=PortableRunner", f"--job_endpoint={job_endpoint}",
        "--environment_type=EXTERNAL", f"--environment_config={worker_endpoint}",
    ]  # fmt: skip
    launcher = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not running_jobs(job_endpoint):  # stopped while its job runs on the worker pool
        assert launcher.poll() is None and time.monotonic() < deadline, "the run ended before it could be stopped"
        time.sleep(0.2)
    launcher.terminate()
    try:
        _, errors = launcher.communicate(timeout=60)
    finally:
        launcher.kill()
    assert launcher.returncode == 143, errors[-2000:]
    assert "the run was stopped by SIGTERM; nothing was published; the job was cancelled" in errors
    assert not output.exists()
    assert running_jobs(job_endpoint) == []


def running_jobs(job_endpoint: str) -> list[str]:
    """The ids of the jobs the job service reports as running."""
    import grpc
    from apache_beam.portability.api import beam_job_api_pb2, beam_job_api_pb2_grpc

    with grpc.insecure_channel(job_endpoint) as channel:
        jobs = beam_job_api_pb2_grpc.JobServiceStub(channel).GetJobs(beam_job_api_pb2.GetJobsRequest(), timeout=10)
    return [job.job_id for job in jobs.job_info if job.state == beam_job_api_pb2.JobState.RUNNING]
