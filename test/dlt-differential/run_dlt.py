"""Runs a batch of dlt rest_api_source configs through dlt itself (DuckDB destination) for floe's
differential suite, in one Python process (dlt's import is slow), and writes what dlt loaded.

Usage: run_dlt.py SPEC.json OUT.json WORKDIR
SPEC: {"cases": [{"name": ..., "config": {...}, "runs": 1}]}
OUT:  {"versions": {...}, "typeddicts": {...}, "cases": {name: {"error": str|None,
       "tables": {table: {"columns": [...], "rows": [[str|None, ...], ...]}}}}}
Every value is read back as DuckDB VARCHAR with the session time zone UTC; dlt's own columns
(_dlt_id, _dlt_load_id, ...) are left out but _dlt_parent_id/_dlt_list_idx are counted per table.
"""

import json
import os
import sys
import traceback

os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION", "true")

import dlt  # noqa: E402
import duckdb  # noqa: E402
from dlt.sources.rest_api import rest_api_source  # noqa: E402
from dlt.sources.rest_api import typing as rt  # noqa: E402


def typeddict_keys():
    """The keys of dlt's own config TypedDicts, for the key-table check."""
    names = {
        "RESTAPIConfig": rt.RESTAPIConfig,
        "ClientConfig": rt.ClientConfig,
        "EndpointResource": rt.EndpointResource,
        "Endpoint": rt.Endpoint,
        "IncrementalConfig": rt.IncrementalConfig,
        "ResponseActionDict": rt.ResponseActionDict,
        "ResolveParamConfig": rt.ResolveParamConfig,
        "PageNumberPaginatorConfig": rt.PageNumberPaginatorConfig,
        "OffsetPaginatorConfig": rt.OffsetPaginatorConfig,
        "HeaderLinkPaginatorConfig": rt.HeaderLinkPaginatorConfig,
        "JSONLinkPaginatorConfig": rt.JSONLinkPaginatorConfig,
        "JSONResponseCursorPaginatorConfig": rt.JSONResponseCursorPaginatorConfig,
        "HeaderCursorPaginatorConfig": rt.HeaderCursorPaginatorConfig,
        "BearerTokenAuthConfig": rt.BearerTokenAuthConfig,
        "ApiKeyAuthConfig": rt.ApiKeyAuthConfig,
        "HttpBasicAuthConfig": rt.HttpBasicAuthConfig,
        "OAuth2ClientCredentialsConfig": rt.OAuth2ClientCredentialsConfig,
    }
    return {k: sorted(set(v.__required_keys__) | set(v.__optional_keys__)) for k, v in names.items()}


def dump(path):
    con = duckdb.connect(path, read_only=True)
    try:
        con.execute("SET TimeZone='UTC'")
        tables = {}
        listed = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'data' ORDER BY 1"
        ).fetchall()
        for (table,) in listed:
            if table.startswith("_dlt_"):
                continue
            cols = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'data' "
                    "AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if c not in ("_dlt_id", "_dlt_load_id", "_dlt_root_id")
            ]
            select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in cols)
            rows = con.execute(f'SELECT {select} FROM data."{table}"').fetchall()
            tables[table] = {"columns": cols, "rows": [list(r) for r in rows]}
        return tables
    finally:
        con.close()


def main():
    spec_path, out_path, workdir = sys.argv[1:4]
    with open(spec_path) as f:
        spec = json.load(f)
    out = {
        "versions": {"dlt": dlt.__version__, "duckdb": duckdb.__version__},
        "typeddicts": typeddict_keys(),
        "cases": {},
    }
    for case in spec["cases"]:
        name = case["name"]
        db = os.path.join(workdir, f"{name}.duckdb")
        result = {"error": None, "tables": {}}
        try:
            pipeline = dlt.pipeline(
                pipeline_name=f"diff_{name}",
                pipelines_dir=os.path.join(workdir, "pipelines"),
                destination=dlt.destinations.duckdb(db),
                dataset_name="data",
            )
            for _ in range(case.get("runs", 1)):
                pipeline.run(rest_api_source(case["config"], name=name))
            result["tables"] = dump(db)
        except Exception as e:  # reported per case; the suite fails it
            result["error"] = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
        out["cases"][name] = result
    with open(out_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
