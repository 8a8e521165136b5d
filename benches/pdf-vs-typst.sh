#!/usr/bin/env bash
# PDF rendering, jobdesc against Typst, in the same run on the same machine:
# jobdesc's in-process render of fixtures/reference.json (`cargo bench --bench render`)
# beside Typst (the `typst` package from PyPI) compiling the same content as distinct
# documents in one process. Usage: bash benches/pdf-vs-typst.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
venv=target/typst-venv
if ! "$venv/bin/python" -c 'import typst' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q typst
fi
jobdesc=$(cargo bench -q --bench render -- "$runs")
echo "$jobdesc"
median=$(awk '$1 == "median" { print $2 }' <<<"$jobdesc")
"$venv/bin/python" benches/typst_render.py fixtures/reference.json "$runs" static/fonts "$median"
