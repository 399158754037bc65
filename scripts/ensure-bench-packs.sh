#!/bin/sh
# Installs @pulumi/awsguard's wrapper pack (bench/awsguard-pack) from its lock file when it is missing,
# so that the benchmark's smoke test runs figures 3 and 4 (awsguard against our pack) and not only the rest.
# It lives outside agent-iam's dependencies: it pins @pulumi/aws 4 and aws-sdk 2, which agent-iam does not use.
set -eu
cd "$(dirname "$0")/.."
if [ -f bench/awsguard-pack/node_modules/@pulumi/awsguard/package.json ]; then
  exit 0
fi
echo "ensure-bench-packs: installing bench/awsguard-pack (npm ci, once)" >&2
npm ci --prefix bench/awsguard-pack --no-audit --no-fund --loglevel=error
