"""The runner the command starts when none is named: Beam's FnApiRunner, made as DirectRunner makes it,
with the run's Beam options handed to its worker processes. Named by string, it starts workers that
know no option of the run: they log their start-up at INFO level on stderr (about fifteen lines each
with --direct_running_mode multi_processing) and fall back to Beam's defaults for every other option."""

from __future__ import annotations

import sys

from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.portability import python_urns
from apache_beam.portability.api import beam_provision_api_pb2
from apache_beam.runners.portability.fn_api_runner.fn_runner import ExtendedProvisionInfo, FnApiRunner
from apache_beam.runners.portability.portable_runner import JobServiceHandle

# Workers log warnings and errors unless the user asks otherwise (--default_sdk_harness_log_level).
WORKER_LOG_LEVEL = "WARNING"
# How FnApiRunner starts a worker process for --direct_running_mode multi_processing, and ours instead.
BEAMS_WORKER_COMMAND = f"{sys.executable} -m apache_beam.runners.worker.sdk_worker_main"
OUR_WORKER_COMMAND = f"{sys.executable} -m article_cleaner.pipelines.local_worker"


def worker_options(options: PipelineOptions, own_options: type[PipelineOptions]) -> dict:
    """The options the user set, without the command's own (a worker does not import the command, so
    it would warn about each as unparseable), and the workers' log level."""
    chosen = options.get_all_options(drop_default=True)
    for name in options.view_as(own_options).get_all_options(current_only=True):
        chosen.pop(name, None)
    chosen.setdefault("default_sdk_harness_log_level", WORKER_LOG_LEVEL)
    return chosen


class _LocalRunner(FnApiRunner):
    """FnApiRunner whose worker processes start through pipelines/local_worker.py. FnApiRunner writes
    its worker command into the pipeline's environment while it runs the pipeline, so the command is
    replaced in the pipeline it hands on; an environment a user chose is left alone."""

    def run_via_runner_api(self, pipeline_proto, options):
        for environment in pipeline_proto.components.environments.values():
            if environment.urn == python_urns.SUBPROCESS_SDK and environment.payload == BEAMS_WORKER_COMMAND.encode():
                environment.payload = OUR_WORKER_COMMAND.encode()
        return super().run_via_runner_api(pipeline_proto, options)


def local_runner(options: PipelineOptions, own_options: type[PipelineOptions]) -> FnApiRunner:
    encoded = JobServiceHandle.encode_pipeline_options(worker_options(options, own_options))
    provision = beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded)
    return _LocalRunner(provision_info=ExtendedProvisionInfo(provision))
