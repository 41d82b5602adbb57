#!/usr/bin/env bash
# The GPU bench, ready before a GPU is. Two steps:
#   scripts/gpu-bench.sh pack     here, with npm + apt: writes .cache/gpu-bench/loupe-gpu-bench.tar.xz
#                                 (node, bundled companion, onnxruntime, sharp, tokenizer, Vulkan loader; ≤ 64 MiB)
#   scripts/gpu-bench.sh run [--size qwen2.5-vl-3b] [--out FILE] [--work DIR]
#                                 on a Linux x64 machine with an NVIDIA GPU + driver and no internet:
#                                 checks each GPU layer (fails fast with the fix), builds the full-size
#                                 stand-in there, runs the vlm-real bench on WebGPU (and on CUDA when the
#                                 CUDA EP libraries are present: LOUPE_CUDA_EP_DIR) and writes one JSON.
# Exit codes: 0 done, 2 usage, 3 a GPU layer is missing, 4 this checkout lacks a needed command, 5 a bench step failed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACK="${LOUPE_GPU_BENCH_PACK:-$ROOT/.cache/gpu-bench/loupe-gpu-bench.tar.xz}"
START=$SECONDS

say() { echo "gpu-bench: $*" >&2; }
fail() { local code=$1; shift; echo "gpu-bench: FAIL: $*" >&2; exit "$code"; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  pack) exec node "$ROOT/scripts/gpu-bench/pack.mjs" "$@" ;;
  run) ;;
  *) echo "usage: scripts/gpu-bench.sh pack | run [--size ID] [--out FILE] [--work DIR]" >&2; exit 2 ;;
esac

SIZE=qwen2.5-vl-3b
OUT="$ROOT/gpu-bench-result.json"
WORK="${TMPDIR:-/tmp}/loupe-gpu-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) fail 2 "unknown option $1 (use --size ID, --out FILE, --work DIR)" ;;
  esac
done

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail 2 "the pack is for Linux x86_64 (this is $(uname -s)-$(uname -m))"
[ -f "$PACK" ] || fail 2 "no pack at $PACK: run \`scripts/gpu-bench.sh pack\` on a machine with npm + apt, and carry .cache/gpu-bench/ with the checkout"

# 1. Unpack (once per pack).
mkdir -p "$WORK"
APP="$WORK/loupe-gpu-bench"
stamp=$(stat -c %Y "$PACK")
if [ "$(cat "$WORK/.pack-stamp" 2>/dev/null || true)" != "$stamp" ]; then
  rm -rf "$APP"
  tar -xJf "$PACK" -C "$WORK" || fail 2 "could not unpack $PACK (needs tar with xz)"
  echo "$stamp" > "$WORK/.pack-stamp"
fi
LOUPE="$APP/loupe"
NODE="$APP/bin/node"
export LOUPE_HOME="$WORK/home"

# 2. The GPU layers, top down, each failing fast with its fix.
GPU=""
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  GPU=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)
  say "NVIDIA GPU: $GPU"
else
  say "no NVIDIA GPU visible (nvidia-smi missing or lists none): WebGPU may still find another GPU; peak memory will not be measured"
fi
LOADER=system
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  export LD_LIBRARY_PATH="$APP/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  LOADER="packed (Debian libvulkan1)"
fi
say "Vulkan loader: $LOADER"
if [ -n "$GPU" ] && [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  if ! ls /etc/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json /usr/local/share/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
    fail 3 "the NVIDIA driver's Vulkan part is missing: no nvidia_icd.json in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d. Install the full driver (libnvidia-gl-<version>); in Docker run with NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics (or all)."
  fi
fi
probe=$("$LOUPE" doctor --json 2>/dev/null || true)
webgpu=$(printf '%s' "$probe" | "$NODE" -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    try {
      const c = JSON.parse(s).checks.find((x) => x.name === "webgpu");
      if (!c) return console.log("FAIL the companion doctor has no webgpu check");
      console.log(`${c.level === "ok" ? "OK" : "FAIL"} ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ""}`);
    } catch { console.log("FAIL `loupe doctor --json` did not answer: the pack may be broken; re-run `scripts/gpu-bench.sh pack`"); }
  });')
case "$webgpu" in
  OK*) say "WebGPU: ${webgpu#OK }" ;;
  *) fail 3 "${webgpu#FAIL }" ;;
esac

# 3. The commands this bench needs (from the "VLM at real size" issue).
"$LOUPE" models stand-in --help 2>&1 | grep -qE -- 'stand-in .*--size' ||
  fail 4 "this checkout's \`loupe models stand-in\` has no --size: the full-size stand-in (issue \"VLM at real size\") is not merged yet; re-pack after it is"
bench_help=$("$LOUPE" bench --help 2>&1 || true)
printf '%s' "$bench_help" | grep -q 'vlm-real' ||
  fail 4 "this checkout's \`loupe bench\` has no vlm-real part (issue \"VLM at real size\") yet; re-pack after it is merged"

# 4. Build the full-size stand-in here (random weights: its output is noise; speed only).
MODEL="$WORK/model-$SIZE-q4f16"
if [ ! -f "$MODEL/config.json" ]; then
  say "building the full-size stand-in $SIZE (q4f16) in $MODEL"
  timeout 240 "$LOUPE" models stand-in "$MODEL" --size "$SIZE" --dtype q4f16 >&2 || fail 5 "building the stand-in failed or took over 240 s"
fi
model_arg=()
printf '%s' "$bench_help" | grep -q -- '--model' && model_arg=(--model "$MODEL")

# 5. One bench run per device, with nvidia-smi sampling GPU memory alongside.
bench() { # device → writes $WORK/<device>.json and $WORK/<device>.mem
  local device=$1 sampler=""
  : > "$WORK/$device.mem"
  if [ -n "$GPU" ]; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$WORK/$device.mem" 2>/dev/null &
    sampler=$!
  fi
  local rc=0
  timeout 300 "$LOUPE" bench --only vlm-real --size "$SIZE" "${model_arg[@]}" --device "$device" --json > "$WORK/$device.json" 2> "$WORK/$device.log" || rc=$?
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  return $rc
}
say "vlm-real on WebGPU…"
bench webgpu || fail 5 "the WebGPU bench failed (exit $?): see $WORK/webgpu.log"
ORT_BIN="$APP/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
if [ -n "${LOUPE_CUDA_EP_DIR:-}" ]; then cp "$LOUPE_CUDA_EP_DIR"/libonnxruntime_providers_*.so "$ORT_BIN"/ 2>/dev/null || true; fi
CUDA_NOTE=""
if [ -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ] && [ -n "$GPU" ]; then
  say "vlm-real on CUDA…"
  bench cuda || CUDA_NOTE="the CUDA bench failed: $(tail -1 "$WORK/cuda.log" 2>/dev/null)"
else
  CUDA_NOTE="CUDA EP libraries not present (set LOUPE_CUDA_EP_DIR to a folder with libonnxruntime_providers_{cuda,shared}.so)"
fi

# 6. One JSON.
"$NODE" "$ROOT/scripts/gpu-bench/result.mjs" "$WORK" "$OUT" "$SIZE" "$GPU" "$LOADER" "$CUDA_NOTE" "$((SECONDS - START))"
