import { AutoTokenizer } from '@huggingface/transformers';

/**
 * The prompt length of a bench job when the engine does not report `promptTokens`: visual tokens
 * from Qwen's smart_resize at the pixel budget, plus the user text and the chat template's
 * fixed tokens. An estimate, labelled as one wherever it is used.
 */
const TEMPLATE_TOKENS = 22; // system turn, role markers, vision start/end, assistant header

export function visualTokens(width: number, height: number, maxPixels: number, factor: number): number {
  let h = Math.max(factor, Math.round(height / factor) * factor);
  let w = Math.max(factor, Math.round(width / factor) * factor);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.floor(height / beta / factor) * factor;
    w = Math.floor(width / beta / factor) * factor;
  }
  return (h / factor) * (w / factor);
}

export async function estimatePromptTokens(modelDir: string, userText: string, visual: number): Promise<number> {
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true });
  return visual + tokenizer.encode(userText, { add_special_tokens: false }).length + TEMPLATE_TOKENS;
}
