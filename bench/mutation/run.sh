#!/usr/bin/env bash
# Mutation check (mutmut) of one pass, in a scratch copy of the committed tree, so the working
# tree is never touched. Too slow for every CI run; see bench/README.md, "Mutation check".
#
#   bash bench/mutation/run.sh domain                     # app/domain vs tests/domain
#   bash bench/mutation/run.sh services 'app.services.patients*'   # one module at a time
#
# Prints the survivors and the counts; the scratch copy (with mutants/) is kept and named.
set -euo pipefail
cd "$(dirname "$0")/../.."
pass=${1:?usage: run.sh domain|services [mutant-glob ...]}
shift
root=$(pwd)
work=${MUTATION_WORKDIR:-$(mktemp -d /tmp/cliniclink-mutation-XXXX)}
mkdir -p "$work"
git ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$work")
cat "bench/mutation/$pass.toml" >> "$work/pyproject.toml"
cd "$work"
export QT_QPA_PLATFORM=offscreen
nice -n 10 "$root/.venv/bin/mutmut" run --max-children "${MUTATION_CHILDREN:-2}" "$@" \
  | tr '\r' '\n' | tail -n 1
"$root/.venv/bin/mutmut" results || true
"$root/.venv/bin/mutmut" export-cicd-stats >/dev/null && cat mutants/mutmut-cicd-stats.json
echo
echo "scratch copy: $work"
