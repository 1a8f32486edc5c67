"""``python -m tests.differential collect DIR`` / ``compare DIR --old REF`` (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT.parent.parent / "shared" / "data" / "external"
# the real public exports and the shipped profile each is read with (never copied: referenced in place)
EXTERNAL_LOADS = (
    ("baltimore311_sample_2014_2019/311_sample.csv", "baltimore311"),
    ("boston311_sample_2022/boston311-100.csv", "boston311"),
    ("chicago_open311_georeport_2014/requests.json", "open311"),
    ("nyc311_api_2023-12-08/311_Service_Requests.csv", "nyc311"),
    ("nyc311_export_2014_2019/311_Service_Requests.csv", "nyc311"),
    ("taidi2020_zhihuizhengwu/attachment4_messages_with_replies.xlsx", "taidi2020"),
    ("taidi2020_zhihuizhengwu/attachment3_hot_messages.xlsx", "taidi2020"),
    ("nyc311_export_2014_2019/311_Service_Requests.csv", None),  # the default profile: rejected, and how
)
# the new loader is also replayed with small pieces and slices: every file is then read in many pieces
VARIANTS = {
    "new": {},
    "new, 4 KB pieces, 257-row slices": {"HOTLINE_DIFF_PIECE_BYTES": "4096", "HOTLINE_DIFF_SLICE_ROWS": "257"},
    "new, 97-byte pieces, 7-row slices": {"HOTLINE_DIFF_PIECE_BYTES": "97", "HOTLINE_DIFF_SLICE_ROWS": "7"},
}


def collect(corpus: Path, tests: list[str]) -> int:
    """Run the data tests with the recording plugin, then add the demo city and the external exports."""
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "calls.jsonl").unlink(missing_ok=True)
    env = {**os.environ, "HOTLINE_CORPUS": str(corpus), "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "pytest", "-p", "tests.differential.corpus", "-q", "-p", "no:cacheprovider"]
    deselect = ["--deselect", "tests/data/test_differential.py"]
    done = subprocess.run([*args, *deselect, *tests], cwd=ROOT, env=env)
    from etl.democity.generate import write_demo

    demo = write_demo(corpus / "demo", months=4, orders_per_month=800, seed=3)
    calls = [_load_call("demo", [(p.name, str(p.relative_to(corpus))) for p in demo], None, mark_demo=True)]
    if EXTERNAL.exists():
        for i, (name, profile) in enumerate(EXTERNAL_LOADS):
            path = EXTERNAL / name
            calls.append(_load_call(f"external{i}", [(path.name, str(path))], profile and f"name:{profile}"))
    with open(corpus / "calls.jsonl", "a", encoding="utf-8") as fh:
        for call in calls:
            fh.write(json.dumps(call, ensure_ascii=False) + "\n")
    recorded = (corpus / "calls.jsonl").read_text(encoding="utf-8").count("\n")
    print(f"recorded {recorded} calls in {corpus}")
    return done.returncode


def _load_call(db: str, files: list[tuple[str, str]], profile: str | None, mark_demo: bool = False) -> dict:
    return {"kind": "load", "db": db, "files": [{"name": n, "copy": c} for n, c in files], "profile": profile,
            "mark_demo": mark_demo, "env": {}}  # fmt: skip


def compare(corpus: Path, old_ref: str) -> int:
    """Replay every recorded call with the old and the new loader; print each difference; exit 1 if any."""
    calls = [json.loads(line) for line in (corpus / "calls.jsonl").read_text(encoding="utf-8").splitlines()]
    groups: dict[str, int] = {}
    for call in calls:
        if call["kind"] == "load":
            call["group"] = groups.setdefault(call["db"], len(groups))
    indexed = corpus / "indexed-calls.json"
    indexed.write_text(json.dumps(list(enumerate(calls)), ensure_ascii=False), encoding="utf-8")
    key = corpus / "phone_hash.key"
    if not key.exists():
        key.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    old_tree = corpus / f"old-{old_ref}"
    if not old_tree.exists():
        old_tree.mkdir()
        archive = subprocess.run(["git", "archive", old_ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    results = {"old": _replay(old_tree, corpus, indexed, key, {})}
    for name, env in VARIANTS.items():
        results[name] = _replay(ROOT, corpus, indexed, key, env)
    differences = 0
    for name in VARIANTS:
        for index, call in enumerate(calls):
            found = list(_diff(results["old"].get(str(index)), results[name].get(str(index)), ""))
            for where, a, b in found[:5]:
                print(f"[{name}] call {index} ({_what(call)}) {where}: old {a!r} / new {b!r}")
            differences += len(found)
    print(
        f"{len(calls)} calls, {len(VARIANTS)} variants of the new loader against {old_ref}: {differences} differences"
    )
    return 1 if differences else 0


def _what(call: dict) -> str:
    files = [f["name"] for f in call["files"]] if call["kind"] == "load" else [call["file"]["name"]]
    return f"{call['kind']} {', '.join(files)[:80]}"


def _replay(tree: Path, corpus: Path, indexed: Path, key: Path, env: dict[str, str]) -> dict:
    work = Path(tempfile.mkdtemp(prefix="differential-", dir=corpus))
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    run_env.update(env, PYTHONPATH=str(tree))
    script = ROOT / "tests" / "differential" / "replay.py"
    out = subprocess.run(
        [sys.executable, str(script), str(corpus), str(indexed), str(work), str(key)],
        cwd=tree, env=run_env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"replay in {tree} failed:\n{out.stderr[-4000:]}")
    return json.loads((work / "result.json").read_text(encoding="utf-8"))


def _diff(a: object, b: object, where: str):
    """(path, old, new) of every difference between two JSON values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from _diff(a.get(k), b.get(k), f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{where}[{i}]")
    elif a != b:
        yield where, a, b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.differential")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("dir")
    c.add_argument("tests", nargs="*", default=["tests/data"])
    m = sub.add_parser("compare")
    m.add_argument("dir")
    m.add_argument("--old", required=True, help="the git revision with the loader to compare against")
    args = parser.parse_args(argv)
    if args.command == "collect":
        return collect(Path(args.dir), args.tests)
    return compare(Path(args.dir), args.old)


if __name__ == "__main__":
    sys.exit(main())
