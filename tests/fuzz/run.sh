#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++ (no CMake needed) and runs each on its seed corpus.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS (default $FUZZ_SECONDS, else 20) is the whole fuzzing budget, shared evenly by the
# TARGETs (default: all registered below), so `make test` costs what it asks for. New
# inputs that the fuzzer finds go to a scratch corpus under the build directory, so the seeds
# under tests/fuzz/corpus/ change only when someone copies a good input there. A crash leaves
# its input in $FUZZ_BUILD_DIR/artifacts/ and makes this script fail; replay it with
#   $FUZZ_BUILD_DIR/<target>_fuzz <artifact>
#
# Environment: CXX (default clang++), FUZZ_BUILD_DIR (default build/fuzz).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
budget=${1:-${FUZZ_SECONDS:-20}}
shift || true

# Registry: target name -> its source files (beyond tests/fuzz/<target>_fuzz.cc) and seed
# corpus folder. Add a line to each table for a new target.
declare -A sources=(
  [resp_parser]="src/protocol/resp_parser.cc src/protocol/inline_args.cc src/protocol/number_format.cc"
  [number_format]="src/protocol/number_format.cc"
  [resp_reply_parser]="src/protocol/resp_reply_parser.cc src/protocol/resp_writer.cc"
  # Everything of kv that apply uses; kv::Service (which hands operations to replication and
  # needs Abseil) and kv::StateMachine (RocksDB) are not among it.
  [operation]="$(cd "$repo" && ls src/kv/*.cc src/protocol/*.cc | grep -v '^src/kv/\(service\|state_machine\).cc$' | tr '\n' ' ') src/storage/mem_keyspace.cc src/storage/keyspace.cc src/storage/kv_format.cc"
  # The protobuf messages of proto/raft.proto are generated into the fuzz build directory.
  [peer_batch]="src/transport/message_codec.cc src/raft/types.cc src/raft/result.cc @proto/raft.pb.cc"
  [snapshot]="src/storage/snapshot_frames.cc src/storage/kv_format.cc"
)
# Flags beyond the common ones (libraries to link, generated headers).
declare -A extra=(
  [peer_batch]="-I@proto $(pkg-config --cflags --libs protobuf 2>/dev/null || echo -lprotobuf)"
  [snapshot]="$(pkg-config --cflags --libs absl_status absl_statusor 2>/dev/null) -lz"
)
declare -A corpus=(
  [resp_parser]=resp
  [number_format]=number_format
  [operation]=operation
  [resp_reply_parser]=resp_reply
  [peer_batch]=peer_batch
  [snapshot]=snapshot
)
# Inputs longer than this are not generated: the parser's limits are 64 KiB and the
# "cutting into reads does not matter" invariant holds below them.
declare -A max_len=(
  [resp_parser]=8192
  [number_format]=256
  [operation]=4096
  [resp_reply_parser]=8192
  [peer_batch]=8192
  [snapshot]=8192
)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(printf '%s\n' "${!sources[@]}" | sort)
fi

seconds=$(( budget / ${#targets[@]} ))
if [ "$seconds" -lt 1 ]; then seconds=1; fi

CXX=${CXX:-clang++}
build=${FUZZ_BUILD_DIR:-$repo/build/fuzz}
mkdir -p "$build/artifacts"

for target in "${targets[@]}"; do
  if [ -z "${sources[$target]+set}" ]; then
    echo "run.sh: unknown fuzz target '$target'" >&2
    exit 2
  fi
  binary=$build/${target}_fuzz
  srcs=("$here/${target}_fuzz.cc")
  for s in ${sources[$target]}; do
    case $s in
      @*) srcs+=("$build/${s#@}") ;;  # generated below
      *) srcs+=("$repo/$s") ;;
    esac
  done
  flags=${extra[$target]:-}
  flags=${flags//@proto/$build/proto}
  if [[ " ${sources[$target]} " == *" @proto/"* ]]; then
    mkdir -p "$build/proto"
    protoc --proto_path="$repo/proto" --cpp_out="$build/proto" "$repo/proto/raft.proto"
  fi
  echo "== building $target"
  # shellcheck disable=SC2086  # $flags holds several words on purpose
  "$CXX" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$repo/src" "${srcs[@]}" $flags -o "$binary"

  work=$build/corpus/$target
  mkdir -p "$work"
  echo "== fuzzing $target for ${seconds}s"
  # The scratch corpus comes first: libFuzzer writes new inputs into the first directory only.
  log=$build/${target}.log
  status=0
  "$binary" "$work" "$here/corpus/${corpus[$target]}" \
    -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/artifacts/${target}-" -print_final_stats=1 >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "run.sh: $target failed (exit $status); log $log, input in $build/artifacts/" >&2
    exit 1
  fi
  grep -E '^(INFO: seed corpus|Done [0-9]+ runs|stat::(number_of_executed_units|peak_rss_mb))' "$log" || true
  echo "== $target: ok"
done
