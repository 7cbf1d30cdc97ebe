#!/usr/bin/env bash
# Where the time of a character-LM training step (or of generation) goes: runs CharRnnBench under the
# JDK's Flight Recorder with execution samples every millisecond, skipping the warm-up, and prints the
# hottest call sites per thread (bench/jfr_summary.py). JDK tools only.
#
# Usage: bench/profile.sh THREADS DELAY_SECONDS [CharRnnBench options...]
#   bench/profile.sh 1 3 --hidden 128 --layers 2 --batch 50 --seq 50 --seconds 5
#   bench/profile.sh 2 3 --hidden 128 --layers 2 --seconds 0 --generate 1 --gen-seconds 4
# DELAY_SECONDS: when recording starts (after the JIT warm-up). Environment: JAVA (default java),
# PYTHON (default /usr/bin/python3). Output: seq4j/target/bench/profile.jfr and the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
threads="$1"
delay="$2"
shift 2
java_cmd="${JAVA:-java}"
python_cmd="${PYTHON:-/usr/bin/python3}"
out="seq4j/target/bench"
mkdir -p "$out/classes"

mvn -B -q -f seq4j/pom.xml -DskipTests compile
mvn -B -q -f seq4j/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$out/classpath.txt" >/dev/null
classpath="seq4j/target/classes:$(cat "$out/classpath.txt")"
javac -encoding UTF-8 -d "$out/classes" -cp "$classpath" seq4j/src/bench/java/org/seq4j/bench/CharRnnBench.java

# the JDK's "profile" settings with the execution-sample period lowered from 10 ms (or 20) to 1 ms
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v "$java_cmd")")")")"
"$python_cmd" - "$java_home/lib/jfr/profile.jfc" "$out/profile-1ms.jfc" <<'PY'
import re, sys
settings = open(sys.argv[1]).read()
start = settings.index('<event name="jdk.ExecutionSample">')
end = settings.index('</event>', start)
block = re.sub(r'<setting name="period"[^>]*>[^<]*</setting>', '<setting name="period">1 ms</setting>',
               settings[start:end])
open(sys.argv[2], "w").write(settings[:start] + block + settings[end:])
PY

"$java_cmd" -Xmx3g --add-modules jdk.incubator.vector -Dseq4j.threads="$threads" \
    -XX:StartFlightRecording=delay="${delay}s",filename="$out/profile.jfr",settings="$out/profile-1ms.jfc" \
    -cp "$out/classes:$classpath" org.seq4j.bench.CharRnnBench "$@" 2>/dev/null | grep '^JSON '
"$python_cmd" bench/jfr_summary.py "$out/profile.jfr"
