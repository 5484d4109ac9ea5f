# Sourced by ./smpnet and .ci/run: selects a JDK 25 (or newer) and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, else `java` on the PATH if it is, else a JDK found by its
# `release` file under the system's JVM folder(s). Fails with a clear message when none is there.

smpnet_java_major() { # $1 = java binary; prints the feature version (17, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

smpnet_find_jdk() {
  local want=25 home v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(smpnet_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    v=$(smpnet_java_major "$(command -v java)")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then
      home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
      echo "$home"; return 0
    fi
  fi
  local dir rel
  for dir in /usr/lib/jvm /usr/java /opt/java /Library/Java/JavaVirtualMachines/*/Contents "$HOME/.sdkman/candidates/java" "$HOME/.jdks"; do
    [ -d "$dir" ] || continue
    for rel in "$dir"/*/release; do
      [ -f "$rel" ] || continue
      v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
      home=$(dirname "$rel")
      if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ -x "$home/bin/javac" ]; then echo "$home"; return 0; fi
    done
  done
  return 1
}

if JAVA_HOME=$(smpnet_find_jdk); then
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "smpnet needs a JDK 25 or newer: none found in JAVA_HOME, on the PATH, or under /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 25) and try again." >&2
  exit 1
fi
