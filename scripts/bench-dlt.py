"""dlt on the bench's API, for `npm run bench -- --vs-dlt` (run by scripts/bench.ts in a venv).

    python scripts/bench-dlt.py <base_url> <rows> <parquet|duckdb> <work_dir>

Reads the same cursor-paginated pages floe reads (1,000 records a page, `data` records,
`next_cursor`), with dlt's own rest_api source, and loads them either to Parquet files
(filesystem destination, `loader_file_format="parquet"`) or into DuckDB with dlt's defaults.
Prints one JSON line: rows, seconds, rows/s and peak RSS (this process and any children).
"""

import json
import os
import resource
import sys
import time

url, rows, target, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pages = (rows + 999) // 1000
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
os.environ.setdefault("DLT_DATA_DIR", os.path.join(work, "dlt-data"))
os.environ.setdefault("DLT_PROJECT_DIR", work)

import dlt  # noqa: E402
from dlt.sources.rest_api import rest_api_source  # noqa: E402

source = rest_api_source(
    {
        "client": {"base_url": url},
        "resources": [
            {
                "name": "items",
                "endpoint": {
                    "path": "items",
                    "data_selector": "data",
                    "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                },
            }
        ],
    }
)
# One yield per page: stop after the pages floe reads too.
source.resources["items"].add_limit(pages)

if target == "parquet":
    destination = dlt.destinations.filesystem(bucket_url="file://" + os.path.join(work, "files"))
    run_args = {"loader_file_format": "parquet"}
else:
    destination = dlt.destinations.duckdb(os.path.join(work, "dlt_bench.duckdb"))
    run_args = {}

pipeline = dlt.pipeline(
    pipeline_name="bench_" + target,
    destination=destination,
    dataset_name="bench",
    pipelines_dir=os.path.join(work, "pipelines"),
)
t0 = time.perf_counter()
info = pipeline.run(source, **run_args)
seconds = time.perf_counter() - t0
loaded = pipeline.last_trace.last_normalize_info.row_counts.get("items", 0)


def peak_mb(who):
    return resource.getrusage(who).ru_maxrss / 1024


print(
    json.dumps(
        {
            "tool": "dlt",
            "version": dlt.__version__,
            "target": target,
            "rows": loaded,
            "seconds": seconds,
            "rows_per_s": loaded / seconds,
            "peak_rss_mb": round(max(peak_mb(resource.RUSAGE_SELF), peak_mb(resource.RUSAGE_CHILDREN))),
        }
    )
)
