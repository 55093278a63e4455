#!/usr/bin/env bash
# Lints the userapi.v1 .proto (buf lint, rules and exceptions in buf.yaml) and checks it for
# breaking changes (buf breaking, WIRE_JSON) against the last released version of the contract.
#
# There is no release yet: the baseline is a committed copy of the .proto as of 0.1.0-SNAPSHOT in
# src/test/buf-baseline/. At each release, copy src/main/proto over it in the release commit (or,
# once tags exist, switch BASELINE to `--against '../.git#tag=vX.Y.Z,subdir=user-api-proto/src/main/proto'`).
#
# Needs node/npm (buf comes from the @bufbuild/buf package pinned in package-lock.json) and the
# proto-google-common-protos jar of the Maven build (fetched with mvn when the local repository
# lacks it). Works from any directory and in a fresh clone.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --silent
buf=./node_modules/.bin/buf

# google/rpc/status.proto: from the same artifact and version the Maven build compiles against.
version=$(sed -n 's:.*<common-protos.version>\(.*\)</common-protos.version>.*:\1:p' ../pom.xml)
repo=${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}
jar="$repo/com/google/api/grpc/proto-google-common-protos/$version/proto-google-common-protos-$version.jar"
if [ ! -f "$jar" ]; then
  mvn -B -q dependency:get -Dartifact="com.google.api.grpc:proto-google-common-protos:$version" \
    -Dtransitive=false -Dmaven.repo.local="$repo"
fi
rm -rf target/buf-deps target/buf-baseline
mkdir -p target/buf-deps target/buf-baseline
unzip -q -o "$jar" 'google/rpc/status.proto' -d target/buf-deps

# The baseline laid out as this workspace is (same buf.yaml, same two modules), so that buf compares
# module with module.
mkdir -p target/buf-baseline/src/main/proto target/buf-baseline/target/buf-deps
cp buf.yaml target/buf-baseline/
cp -R src/test/buf-baseline/. target/buf-baseline/src/main/proto/
cp -R target/buf-deps/. target/buf-baseline/target/buf-deps/

echo "buf lint (buf.yaml: STANDARD minus the AIP exceptions written there)"
"$buf" lint

echo "buf breaking (WIRE_JSON) against src/test/buf-baseline"
"$buf" breaking --against target/buf-baseline
echo "buf checks passed"
