#!/usr/bin/env bash
# The pull-request workflow's plan step, for the stacks named as arguments: each stack's plan, and
# the update from the base commit GitHub merged the pull request onto (HEAD^1 of the merge commit,
# which a checkout of depth 2 holds). Writes into $PLAN_OUT (plan-out by default): <stack>.md and
# <stack>/ (the plan), <stack>-update.md (the update, or why there is none), comment.md (every
# update, then every plan) and `blocked` (1 when a comparison failed or found a step that would
# fail or lose data, else 0). Exits 1 when there is no base commit or a plan itself fails.
set -euo pipefail
out=${PLAN_OUT:-plan-out}
mkdir -p "$out"
blocked=0
# Without the base commit every stack would look new and pass unchecked.
if ! git rev-parse --verify --quiet 'HEAD^1^{commit}' > /dev/null; then
  echo "The merge's base commit (HEAD^1) is not in the checkout: fetch-depth must be 2 on a pull_request merge commit" >&2
  exit 1
fi
for stack in "$@"; do
  npm run --silent plan -- --stack "$stack" --format markdown --out "$out/$stack" > "$out/$stack.md"
  # A stack new in this change has no update to compare: its plan is what pulumi up creates.
  if [ -z "$(git ls-tree --name-only 'HEAD^1' -- "Pulumi.$stack.yaml")" ]; then
    { echo "### Update of \`$stack\`"; echo; echo "New in this change: pulumi up creates everything its plan lists."; echo; } > "$out/$stack-update.md"
    continue
  fi
  # Exit 1: a step would fail, or a stateful resource would be replaced or deleted; 2: the
  # comparison itself failed. Either way the section is posted first, then the job fails.
  status=0
  npm run --silent plan -- --stack "$stack" --compare "HEAD^1" --format markdown > "$out/$stack-update.md" 2> "$out/$stack-update.err" || status=$?
  if [ "$status" -ne 0 ]; then
    blocked=1
    { echo; echo "Exit status $status:"; echo; echo '```'; cat "$out/$stack-update.err"; echo '```'; } >> "$out/$stack-update.md"
  fi
done
: > "$out/comment.md"
for stack in "$@"; do cat "$out/$stack-update.md" >> "$out/comment.md"; done
for stack in "$@"; do cat "$out/$stack.md" >> "$out/comment.md"; done
echo "$blocked" > "$out/blocked"
