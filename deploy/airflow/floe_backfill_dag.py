"""floe on Airflow: a backfill fanned out as one mapped task per slice of a `floe plan`.

`plan` lists the slice ids (`floe plan … --json`); `run_slice` is mapped over them (`expand`) and
runs `floe run-slice` for one slice. floe's exit codes decide what Airflow does:

* 0   done (loaded now, or already committed by an earlier attempt: nothing loaded);
* 75  retryable (network, HTTP 429/5xx, a lost warehouse session, the slice held by another
      attempt, interrupted): the task fails and Airflow retries it (`retries`), and the attempt
      resumes the slice's checkpoint when the state dir is shared;
* 2   a config error, 1 a failure that repeats (401, 404, a rejected file): the task fails
      without retries (AirflowFailException).

A retried or doubly scheduled task is harmless: the destination's ledger loads each slice once.
Each task regenerates the plan (it is deterministic), so workers need the config, not a shared
plan file. Snowflake only for parallel slices: DuckDB has one writer (set max_active_tis_per_dag=1).

Settings come from the environment of the Airflow workers: FLOE_BIN (default `floe`),
FLOE_CONFIG, FLOE_STATE_DIR (a volume shared by the workers to resume on another worker) and the
secrets the config reads with {{ env.NAME }}.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from datetime import datetime, timedelta

from airflow.sdk import dag, get_current_context, task
from airflow.sdk.exceptions import AirflowException, AirflowFailException

FLOE_BIN = os.environ.get("FLOE_BIN", "floe")
FLOE_CONFIG = os.environ.get("FLOE_CONFIG", "/opt/floe/config.yaml")
FLOE_STATE_DIR = os.environ.get("FLOE_STATE_DIR", "/var/lib/floe")
# The backfill: [from, to) in daily windows, 30 per slice; --parallelism matches max_active_tis_per_dag.
PLAN_ARGS = ["--from", "2023-01-01", "--to", "2025-01-01", "--step", "1d", "--windows-per-slice", "30", "--parallelism", "4"]
PARALLELISM = 4

# floe run-slice's exit codes (README "Scaling out").
EXIT_OK = 0
EXIT_RETRYABLE = 75


def run_floe(args: list[str]) -> str:
    """Runs `floe <args>` (its logs go to the task log) and maps its exit code to Airflow's outcome."""
    proc = subprocess.run([FLOE_BIN, *args], stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode == EXIT_OK:
        return proc.stdout
    if proc.returncode == EXIT_RETRYABLE:
        raise AirflowException(f"floe {args[0]}: retryable failure (exit 75); Airflow retries the task")
    raise AirflowFailException(f"floe {args[0]}: exit {proc.returncode}; retrying would fail the same way, so no retry")


def write_plan() -> str:
    """The plan as a file (regenerated: the same config and bounds always give the same plan)."""
    out = run_floe(["plan", FLOE_CONFIG, *PLAN_ARGS, "--json"])
    fd, path = tempfile.mkstemp(prefix="floe-plan-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(out)
    return path


@dag(
    dag_id="floe_backfill",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["floe"],
)
def floe_backfill():
    @task
    def plan() -> list[str]:
        path = write_plan()
        try:
            with open(path) as f:
                return [s["id"] for s in json.load(f)["slices"]]
        finally:
            os.unlink(path)

    @task(
        retries=5,
        retry_delay=timedelta(minutes=1),
        retry_exponential_backoff=True,
        max_retry_delay=timedelta(minutes=30),
        max_active_tis_per_dag=PARALLELISM,
    )
    def run_slice(slice_id: str) -> str:
        path = write_plan()
        try:
            run_key = str(get_current_context()["run_id"])  # keys slices without a window: one load per DAG run
            return run_floe(
                ["run-slice", FLOE_CONFIG, "--plan", path, "--slice", slice_id, "--run-key", run_key,
                 "--state-dir", FLOE_STATE_DIR, "--log-format", "json"]
            )
        finally:
            os.unlink(path)

    run_slice.expand(slice_id=plan())


floe_backfill()
