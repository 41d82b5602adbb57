/** The GGUF tokenizer arrays (llama.cpp `gpt2` BPE) from a Hugging Face tokenizer.json. */
export interface GgufTokenizer {
  tokens: string[];
  /** llama.cpp token types: 1 normal, 3 control, 4 user-defined. */
  types: number[];
  merges: string[];
  eos: number;
  pad: number;
}

interface TokenizerJson {
  model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
  added_tokens: Array<{ id: number; content: string; special: boolean }>;
}

/** Ids the tokenizer does not name (the vocabulary is padded to the embedding rows) become [PAD<id>]. */
export function ggufTokenizer(json: string, vocabSize: number): GgufTokenizer {
  const t = JSON.parse(json) as TokenizerJson;
  const tokens: string[] = Array.from({ length: vocabSize }, (_, i) => `[PAD${i}]`);
  const types: number[] = new Array<number>(vocabSize).fill(4);
  for (const [token, id] of Object.entries(t.model.vocab)) {
    if (id < vocabSize) {
      tokens[id] = token;
      types[id] = 1;
    }
  }
  for (const added of t.added_tokens) {
    if (added.id >= vocabSize) continue;
    tokens[added.id] = added.content;
    types[added.id] = added.special ? 3 : 4;
  }
  const merges = t.model.merges.map((m) => (typeof m === 'string' ? m : `${m[0]} ${m[1]}`));
  const id = (content: string) => t.added_tokens.find((a) => a.content === content)?.id ?? 0;
  return { tokens, types, merges, eos: id('<|im_end|>'), pad: id('<|endoftext|>') };
}
