/**
 * The same-machine peer: llama.cpp (node-llama-cpp's prebuilt CPU binary, never built or
 * downloaded here) on a GGUF with the stand-in's text dimensions and random Q4_0 weights.
 * llama.cpp has no image input through node-llama-cpp: it covers text prefill and decode only.
 */
export interface PeerRun {
  promptTokens: number;
  prefillMs: number;
  prefillTps: number;
  decodeTokens: number;
  decodeTps: number;
}

export interface PeerResult {
  loadMs: number;
  threads: number;
  runs: PeerRun[];
}

/** Runs one prefill + decode per entry of `lengths` (prompt tokens, decode tokens); EOS never stops it. */
export async function runLlamaPeer(ggufPath: string, threads: number, lengths: Array<{ prompt: number; decode: number }>, log: (m: string) => void): Promise<PeerResult> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp').catch((e: Error) => {
    throw new Error(`the llama.cpp peer needs node-llama-cpp (a dev dependency): run \`node scripts/bootstrap.mjs install\` (${e.message.split('\n')[0]})`);
  });
  const t0 = performance.now();
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  try {
    const model = await llama.loadModel({ modelPath: ggufPath });
    const loadMs = performance.now() - t0;
    const runs: PeerRun[] = [];
    for (const { prompt, decode } of lengths) {
      log(`llama.cpp peer: prefill ${prompt} tokens, decode ${decode}…`);
      const context = await model.createContext({ contextSize: prompt + decode + 16, threads, batchSize: 512, sequences: 1 });
      try {
        const seq = context.getSequence();
        // Ordinary token ids in a fixed spread: the length is what the comparison needs.
        const tokens = Array.from({ length: prompt }, (_, i) => 1000 + ((i * 7919) % 50000)) as never[];
        const p0 = performance.now();
        await seq.evaluateWithoutGeneratingNewTokens(tokens.slice(0, -1));
        // The last prompt token is evaluated by the generator together with the first sample.
        let first = 0;
        let n = 0;
        let d0 = 0;
        for await (const token of seq.evaluate(tokens.slice(-1), { temperature: 0 })) {
          void token;
          n += 1;
          if (n === 1) {
            first = performance.now() - p0;
            d0 = performance.now();
          }
          if (n > decode) break;
        }
        const decodeMs = performance.now() - d0;
        runs.push({ promptTokens: prompt, prefillMs: first, prefillTps: prompt / (first / 1000), decodeTokens: decode, decodeTps: decode / (decodeMs / 1000) });
      } finally {
        await context.dispose();
      }
    }
    await model.dispose();
    return { loadMs, threads, runs };
  } finally {
    await llama.dispose();
  }
}
