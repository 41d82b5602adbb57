import { RemoteLoadError } from './remote-errors';

/**
 * Which served model answers. OpenAI's /v1/models says nothing about inputs, so: another
 * Loupe lists each model's kind; otherwise the name must look like a vision model, and an
 * embedding, speech or OCR model never is one. Nothing fits → refuse with the list.
 */
const VISION_NAME = /(^|[^a-z])(vl|vlm|vision|visual|llava|bakllava|pixtral|minicpm-?[o-v]|internvl|moondream|qvq|gpt-4o|gpt-4\.1|gpt-5|gemma-?3|llama-?4|llama-?3\.2-?(11|90)b|phi-?3\.5-?v|phi-?4-?multimodal|glm-?4\.?\d*v|cogvlm|smolvlm|idefics|molmo|ovis|deepseek-vl|kimi-vl|mistral-small-3|granite-?vision|loupe-standin)/i;
const NOT_VISION = /(embed|rerank|whisper|tts|speech|audio|ocr|bge-|e5-|clip|guard)/i;

export interface ServedModel {
  id: string;
  loupe?: { kind?: string };
}

export const looksLikeVision = (m: ServedModel): boolean => (m.loupe?.kind ? m.loupe.kind === 'vlm' : VISION_NAME.test(m.id) && !NOT_VISION.test(m.id));

const listed = (models: ServedModel[]): string => {
  const ids = models.map((m) => m.id);
  return ids.length ? `${ids.slice(0, 12).join(', ')}${ids.length > 12 ? `, … (${ids.length} in all)` : ''}` : 'none';
};

export function chooseVisionModel(models: ServedModel[], wanted: string | undefined, baseUrl: string): string {
  if (wanted) {
    if (models.length === 0 || models.some((m) => m.id === wanted)) return wanted;
    throw new RemoteLoadError(`the remote server at ${baseUrl} does not serve the model "${wanted}" (it serves: ${listed(models)})`, 'Pass one of those with --model, or load the model on the remote server.');
  }
  const vision = models.find(looksLikeVision);
  if (vision) return vision.id;
  if (models.length === 0) throw new RemoteLoadError(`the remote server at ${baseUrl} lists no model`, 'Load a vision model on it, or pass the served model name with --model.');
  throw new RemoteLoadError(`none of the models served at ${baseUrl} looks like a vision model (it serves: ${listed(models)})`, 'Pass the vision model to use with --model NAME.');
}

