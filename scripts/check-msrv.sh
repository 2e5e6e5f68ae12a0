#!/usr/bin/env bash
# The workspace's `rust-version` must be at least every dependency's: fails, naming them, when a
# dependency (any crate in the resolved graph of the workspace members, all targets and
# platforms, as Cargo.lock pins it) declares a newer `rust-version` than the workspace's.
# Dependencies that declare none are counted and listed with --verbose.
# Needs cargo and python3 (no network: --offline, --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
meta=$(cargo metadata --format-version 1 --locked --offline)
printf '%s' "$meta" | python3 -c '
import json, sys
verbose = "--verbose" in sys.argv[1:]
m = json.load(sys.stdin)
def ver(v):  # "1.85" and "1.85.0" are the same version
    return tuple((list(map(int, v.split("."))) + [0, 0])[:3])
def show(v):
    return ".".join(map(str, v))
members = set(m["workspace_members"])
packages = {p["id"]: p for p in m["packages"]}
ours = {packages[i].get("rust_version") for i in members}
if len(ours) != 1 or None in ours:
    sys.exit(f"check-msrv: the workspace members declare rust-version {sorted(map(str, ours))}; "
             "expected one (rust-version.workspace = true in every crate)")
declared = ours.pop()
nodes = {n["id"]: n for n in m["resolve"]["nodes"]}
seen, todo = set(), list(members)
while todo:
    i = todo.pop()
    if i not in seen:
        seen.add(i)
        todo.extend(d["pkg"] for d in nodes[i]["deps"])
deps = [packages[i] for i in seen - members]
newer = sorted((ver(p["rust_version"]), p["name"], p["version"]) for p in deps
               if p.get("rust_version") and ver(p["rust_version"]) > ver(declared))
undeclared = sorted(p["name"] + " " + p["version"] for p in deps if not p.get("rust_version"))
top = max((ver(p["rust_version"]), p["name"]) for p in deps if p.get("rust_version"))
print(f"check-msrv: workspace rust-version {declared}; {len(deps)} dependencies, the highest "
      f"declared {show(top[0])} ({top[1]}); {len(undeclared)} declare none")
if verbose and undeclared:
    print("  without rust-version: " + ", ".join(undeclared))
if newer:
    for v, name, version in newer:
        print(f"  {name} {version} needs Rust {show(v)}", file=sys.stderr)
    sys.exit(f"check-msrv: {len(newer)} dependencies need a newer Rust than rust-version = "
             f"{declared}: raise it in Cargo.toml (and docs/architecture.md) or pin them lower")
' "$@"
