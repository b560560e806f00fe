#!/usr/bin/env bash
# Mutation check (mutmut) of one pass, in a scratch copy of the committed tree, so the working
# tree is never touched. Too slow for every CI run; see bench/README.md, "Mutation check".
#
#   bash bench/mutation/run.sh domain                     # app/domain vs tests/domain
#   bash bench/mutation/run.sh services 'app.services.patients*'   # one module at a time
#
# Prints the survivors and the counts; the scratch copy (with mutants/) is kept and named.
# MUTATION_WORKDIR=<that copy> reuses it: the committed tree is copied over it again (commit new
# tests first; files keep their times), mutants of unchanged functions keep their results and
# new tests are traced -- unless the pass's test selection (its .toml) changed: mutmut then
# resets every result.
# MUTATION_AGAIN=1 with it re-runs, against the tests as they are now, every mutant of the globs
# that the earlier run left alive (survived, timeout, no test reached it).
set -euo pipefail
cd "$(dirname "$0")/../.."
pass=${1:?usage: run.sh domain|services [mutant-glob ...]}
shift
root=$(pwd)
work=${MUTATION_WORKDIR:-$(mktemp -d /tmp/cliniclink-mutation-XXXX)}
mkdir -p "$work"
git ls-files -z | (cd "$root" && xargs -0 cp -p --parents -t "$work")
cat "bench/mutation/$pass.toml" >> "$work/pyproject.toml"
cd "$work"
export QT_QPA_PLATFORM=offscreen
mutmut=("$root/.venv/bin/mutmut")
run() { nice -n 10 "${mutmut[@]}" run --max-children "${MUTATION_CHILDREN:-2}" "$@" \
  | tr '\r' '\n' | grep -v '^ *$' | tail -n 1; }
# Names of the mutants matching the globs (all of them without globs) whose result is one of
# the statuses given.
matching() {
  local name status glob
  while IFS='|' read -r name status; do
    for glob in "${globs[@]:-*}"; do
      # shellcheck disable=SC2053  # the glob is a pattern on purpose
      if [[ $name == $glob ]] && [[ " $* " == *" $status "* ]]; then echo "$name"; fi
    done
  done < <("${mutmut[@]}" results --all true | sed -E 's/^ *([^:]+): (.*)$/\1|\2/; s/ /_/g')
}
globs=("$@")
if [[ -n "${MUTATION_AGAIN:-}" && -d mutants ]]; then
  mapfile -t again < <(matching survived timeout no_tests not_checked)
  echo "re-running ${#again[@]} mutants left alive"
  ((${#again[@]} == 0)) || run "${again[@]}"
  # A function changed since the last run gets its mutants made again, their results reset
  # ("not checked") after the list above was taken: run those too.
  mapfile -t again < <(matching not_checked)
  ((${#again[@]} == 0)) || { echo "and ${#again[@]} of changed functions"; run "${again[@]}"; }
else
  run "$@"
fi
"${mutmut[@]}" results || true
echo "per module: killed survived timeout no-tests not-checked score (killed+timeout of checked)"
"${mutmut[@]}" results --all true | sed -E 's/^ *([^:]+): (.*)$/\1|\2/' | awk -F'|' '
  { split($1, a, "."); m = a[1] "." a[2] "." a[3]; n[m, $2]++; mods[m] = 1 }
  END { for (m in mods) {
    k = n[m, "killed"]; s = n[m, "survived"]; t = n[m, "timeout"]; z = n[m, "no tests"]
    c = n[m, "not checked"]; all = k + s + t + z
    if (all) printf "%-28s %5d %5d %4d %5d %5d  %.1f %%\n", m, k, s, t, z, c, 100 * (k + t) / all
  } }' | sort
echo
echo "scratch copy: $work"
