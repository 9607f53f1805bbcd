"""Checks deploy/airflow/floe_backfill_dag.py with a real, pinned apache-airflow (no scheduler,
no database): the file parses in a DagBag without import errors; `run_slice` is mapped over
`plan`'s output with retries; and floe's exit codes map to "retry" (75) and "fail without
retry" (1, 2) when run through a stand-in `floe` executable. Prints `ok` and exits 0 when all hold.

    python deploy/airflow/check_dag.py
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
home = tempfile.mkdtemp(prefix="airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", home)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
fake = os.path.join(home, "floe")
with open(fake, "w") as f:
    f.write('#!/bin/sh\necho "$@" >> "$0.calls"\nexit "${FAKE_FLOE_EXIT:-0}"\n')
os.chmod(fake, os.stat(fake).st_mode | stat.S_IXUSR)
os.environ["FLOE_BIN"] = fake

from airflow.dag_processing.dagbag import DagBag  # noqa: E402
from airflow.sdk.definitions.mappedoperator import MappedOperator  # noqa: E402
from airflow.sdk.exceptions import AirflowException, AirflowFailException  # noqa: E402

failures: list[str] = []


def check(cond: bool, what: str) -> None:
    if not cond:
        failures.append(what)


bag = DagBag(dag_folder=os.path.join(here, "floe_backfill_dag.py"))
check(bag.import_errors == {}, f"import errors: {bag.import_errors}")
dag = bag.dags.get("floe_backfill")
check(dag is not None, f"no DAG floe_backfill (found {sorted(bag.dags)})")
if dag is not None:
    check(sorted(t.task_id for t in dag.tasks) == ["plan", "run_slice"], f"tasks: {[t.task_id for t in dag.tasks]}")
    mapped = dag.get_task("run_slice")
    check(isinstance(mapped, MappedOperator), f"run_slice is not mapped: {type(mapped).__name__}")
    check(mapped.upstream_task_ids == {"plan"}, f"run_slice upstream: {mapped.upstream_task_ids}")
    check(mapped.partial_kwargs.get("retries") == 5, f"retries: {mapped.partial_kwargs.get('retries')}")
    check(mapped.partial_kwargs.get("max_active_tis_per_dag") == 4, "max_active_tis_per_dag")

sys.path.insert(0, here)
import floe_backfill_dag as m  # noqa: E402

for code, expected in [(0, None), (75, AirflowException), (2, AirflowFailException), (1, AirflowFailException)]:
    os.environ["FAKE_FLOE_EXIT"] = str(code)
    try:
        m.run_floe(["run-slice", "c.yaml"])
        got = None
    except AirflowFailException:
        got = AirflowFailException
    except AirflowException:
        got = AirflowException
    check(got is expected, f"exit {code}: {got} instead of {expected}")
with open(fake + ".calls") as f:
    check(f.readline().strip() == "run-slice c.yaml", "the stand-in floe did not get the arguments")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
