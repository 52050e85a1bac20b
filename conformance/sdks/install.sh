#!/usr/bin/env bash
# Builds the cross-SDK conformance programs (Python venv from PyPI, Java from Maven Central, Go from
# the Go module proxy) into ~/.cache/gauntlet/conformance. Idempotent: each part is redone only when
# its sources change (a stamp holds their hash). A missing toolchain skips that SDK with a message;
# the exit code is the number of SDKs that could not be built.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/conformance"
mkdir -p "$cache"
failed=0

stamp_ok() { [ -f "$cache/$1.stamp" ] && [ "$(cat "$cache/$1.stamp")" = "$2" ]; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Python: a venv with the pinned azure-servicebus.
h=$(hash_of "$here/python/requirements.txt")
if stamp_ok python "$h" && [ -x "$cache/python-venv/bin/python" ]; then
  echo "conformance: python ready"
elif command -v python3 >/dev/null; then
  echo "conformance: python venv + $(cat "$here/python/requirements.txt")"
  rm -rf "$cache/python-venv"
  if python3 -m venv "$cache/python-venv" && "$cache/python-venv/bin/pip" install -q --disable-pip-version-check -r "$here/python/requirements.txt"; then
    echo "$h" > "$cache/python.stamp"
  else echo "conformance: python install failed"; failed=$((failed + 1)); fi
else echo "conformance: python3 not found (apt-get install python3 python3-venv)"; failed=$((failed + 1)); fi

# Java: the SDK's jars from Maven Central, then javac.
h=$(hash_of "$here/java/pom.xml" "$here/java/src/main/java/gauntlet/Conformance.java")
if stamp_ok java "$h" && [ -d "$cache/java-classes" ]; then
  echo "conformance: java ready"
elif command -v javac >/dev/null && command -v mvn >/dev/null; then
  echo "conformance: java (com.azure:azure-messaging-servicebus via azure-sdk-bom)"
  rm -rf "$cache/java-lib" "$cache/java-classes"
  if mvn -q -B -f "$here/java/pom.xml" -Dmaven.repo.local="$cache/m2" dependency:copy-dependencies -DoutputDirectory="$cache/java-lib" \
    && javac -nowarn -d "$cache/java-classes" -cp "$cache/java-lib/*" "$here/java/src/main/java/gauntlet/Conformance.java"; then
    echo "$h" > "$cache/java.stamp"
  else echo "conformance: java build failed"; failed=$((failed + 1)); fi
else echo "conformance: javac or mvn not found (apt-get install openjdk-17-jdk-headless maven)"; failed=$((failed + 1)); fi

# Go: azservicebus from the Go module proxy; a Go on PATH, in /usr/local/go, or the toolchain
# `gauntlet brokers install toxiproxy` cached.
go_bin=""
for g in go /usr/local/go/bin/go "${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}"/go/golang.org/toolchain@*/bin/go; do
  if command -v "$g" >/dev/null 2>&1; then go_bin="$g"; break; fi
done
h=$(hash_of "$here/go/go.mod" "$here/go/go.sum" "$here/go/main.go")
if stamp_ok go "$h" && [ -x "$cache/go-conformance" ]; then
  echo "conformance: go ready"
elif [ -n "$go_bin" ]; then
  echo "conformance: go (azservicebus via the Go module proxy) with $go_bin"
  gocache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/go"
  if (cd "$here/go" && GOPATH="$gocache/path" GOMODCACHE="$gocache/path/pkg/mod" GOCACHE="$gocache/build-cache" GOFLAGS=-modcacherw GOTOOLCHAIN=auto \
    "$go_bin" build -o "$cache/go-conformance" .); then
    echo "$h" > "$cache/go.stamp"
  else echo "conformance: go build failed"; failed=$((failed + 1)); fi
else echo "conformance: go not found (npx gauntlet brokers install toxiproxy fetches one, or apt-get install golang)"; failed=$((failed + 1)); fi

exit "$failed"
