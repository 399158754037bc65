#!/usr/bin/env sh
# The main job on a fresh machine: the fleet passes the gate, the insecure program is blocked.
# Exits 0 only when both do what they should.
set -u
cd "$(dirname "$0")/.."
node bin/agent-iam.js check examples/fleet
fleet=$?
echo
echo "── examples/insecure: what teams hand-write, and what the gate says about it ──"
node bin/agent-iam.js check examples/insecure
insecure=$?
echo
if [ "$fleet" -eq 0 ] && [ "$insecure" -eq 1 ]; then
  echo "demo: examples/fleet passed (exit 0) and examples/insecure was blocked (exit 1), as they should."
  exit 0
fi
echo "demo: unexpected exit codes: examples/fleet $fleet (want 0), examples/insecure $insecure (want 1)" >&2
exit 1
