"""Daily ingestion with Airflow: clean yesterday's crawl into its own dated partition.

Needs apache-airflow and apache-airflow-providers-apache-beam on the Airflow workers (not a
dependency of article-cleaner). Each run writes gs://.../articles/dt=<ds>/ and publishes it whole
with a _SUCCESS manifest; a retry or a backfill of the same day replaces that day's partition
(--overwrite), so reruns are idempotent. Exit code 2 (bad arguments or config) fails the task at
once; exit code 1 (the run failed) is worth a retry.
"""

from __future__ import annotations

import datetime

from airflow import DAG
from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator

PROJECT = "my-gcp-project"
REGION = "europe-west1"
BUCKET = "gs://my-bucket"

with DAG(
    dag_id="article_cleaner_daily",
    start_date=datetime.datetime(2026, 11, 1),
    schedule="@daily",
    catchup=True,
    max_active_runs=1,  # one run per partition at a time
    default_args={"retries": 2, "retry_delay": datetime.timedelta(minutes=10)},
) as dag:
    clean_articles = BeamRunPythonPipelineOperator(
        task_id="clean_articles",
        # `python -m article_cleaner ...` inside a virtualenv holding the package
        py_options=["-m"],
        py_file="article_cleaner",
        py_requirements=["article-cleaner==0.1.0"],
        py_interpreter="python3.11",
        runner="DataflowRunner",
        pipeline_options={
            "input": [f"{BUCKET}/crawl/{{{{ ds }}}}/*.warc.gz"],
            "output": f"{BUCKET}/articles/dt={{date}}",
            "date": "{{ ds }}",
            "overwrite": True,
            "project": PROJECT,
            "region": REGION,
            "temp_location": f"{BUCKET}/tmp",
            # workers install the same package the launcher runs
            "extra_package": f"{BUCKET}/wheels/article_cleaner-0.1.0-py3-none-any.whl",
        },
    )
