#!/usr/bin/env bash
# Builds the cross-SDK conformance programs (Python venv from PyPI, Java from Maven Central, Go from
# the Go module proxy) into ~/.cache/gauntlet/conformance. Idempotent: each part is redone only when
# its sources change (a stamp holds the hash of requirements.txt / pom.xml; the Java classes and the
# Go binary are named by their sources' hash, as other-sdks.test.ts finds them). A missing toolchain skips that SDK with a message;
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

# Java: the SDK's jars from Maven Central (redone when pom.xml changes), then javac into a
# directory named by the sources' hash, so checkouts with different programs share the cache.
java_sources=$(find "$here/java/src/main/java/gauntlet" -name '*.java' | LC_ALL=C sort)
h=$(hash_of "$here/java/pom.xml")
# shellcheck disable=SC2086
classes="$cache/java-classes-$(hash_of "$here/java/pom.xml" $java_sources | cut -c1-12)"
if [ -d "$classes" ] && stamp_ok java-lib "$h"; then
  echo "conformance: java ready"
elif command -v javac >/dev/null && command -v mvn >/dev/null; then
  echo "conformance: java (com.azure:azure-messaging-servicebus via azure-sdk-bom)"
  if { stamp_ok java-lib "$h" && [ -d "$cache/java-lib" ]; } || { rm -rf "$cache/java-lib" && mvn -q -B -f "$here/java/pom.xml" -Dmaven.repo.local="$cache/m2" dependency:copy-dependencies -DoutputDirectory="$cache/java-lib"; }; then
    # shellcheck disable=SC2086
    if javac -nowarn -d "$classes.tmp$$" -cp "$cache/java-lib/*" $java_sources && mv "$classes.tmp$$" "$classes"; then
      echo "$h" > "$cache/java-lib.stamp"
    else rm -rf "$classes.tmp$$"; echo "conformance: java build failed"; failed=$((failed + 1)); fi
  else echo "conformance: java dependencies failed"; failed=$((failed + 1)); fi
else echo "conformance: javac or mvn not found (apt-get install openjdk-17-jdk-headless maven)"; failed=$((failed + 1)); fi

# Go: azservicebus from the Go module proxy; a Go on PATH, in /usr/local/go, or the toolchain
# `gauntlet brokers install toxiproxy` cached.
go_bin=""
for g in go /usr/local/go/bin/go "${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}"/go/golang.org/toolchain@*/bin/go; do
  if command -v "$g" >/dev/null 2>&1; then go_bin="$g"; break; fi
done
# shellcheck disable=SC2046
go_binary="$cache/go-conformance-$(hash_of "$here/go/go.mod" "$here/go/go.sum" $(find "$here/go" -maxdepth 1 -name '*.go' | LC_ALL=C sort) | cut -c1-12)"
if [ -x "$go_binary" ]; then
  echo "conformance: go ready"
elif [ -n "$go_bin" ]; then
  echo "conformance: go (azservicebus via the Go module proxy) with $go_bin"
  gocache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/go"
  if (cd "$here/go" && GOPATH="$gocache/path" GOMODCACHE="$gocache/path/pkg/mod" GOCACHE="$gocache/build-cache" GOFLAGS=-modcacherw GOTOOLCHAIN=auto \
    "$go_bin" build -o "$go_binary.tmp$$" .) && mv "$go_binary.tmp$$" "$go_binary"; then
    :
  else echo "conformance: go build failed"; failed=$((failed + 1)); fi
else echo "conformance: go not found (npx gauntlet brokers install toxiproxy fetches one, or apt-get install golang)"; failed=$((failed + 1)); fi

exit "$failed"
