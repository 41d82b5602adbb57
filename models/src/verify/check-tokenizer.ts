import { QWEN_VL_TOKENS } from '../families';
import type { ProblemList } from './problems';

type Json = Record<string, unknown>;

/** tokenizer.json must carry the vision tokens at the ids config.json uses. */
export function checkTokenizer(tokenizer: Json, config: Json, p: ProblemList): void {
  const F = 'tokenizer.json';
  const added = Array.isArray(tokenizer.added_tokens) ? (tokenizer.added_tokens as Json[]) : [];
  const byContent = new Map(added.map((t) => [t.content, t.id]));
  const expect: Array<[string, unknown]> = [
    ['<|image_pad|>', config.image_token_id ?? QWEN_VL_TOKENS.imagePad],
    ['<|vision_start|>', config.vision_start_token_id ?? QWEN_VL_TOKENS.visionStart],
    ['<|vision_end|>', config.vision_end_token_id ?? QWEN_VL_TOKENS.visionEnd],
    ['<|im_end|>', QWEN_VL_TOKENS.imEnd],
  ];
  for (const [content, id] of expect) {
    const got = byContent.get(content);
    if (got === undefined) p.error(F, `added token ${content} is missing`, 'use the tokenizer.json of the Qwen-VL export');
    else if (got !== id) p.error(F, `${content} has id ${got}, config.json expects ${id}`, 'use the tokenizer.json that belongs to this config.json');
  }
  const videoPad = byContent.get('<|video_pad|>');
  const videoId = config.video_token_id ?? QWEN_VL_TOKENS.videoPad;
  if (videoPad !== videoId) {
    p.warn(F, videoPad === undefined ? 'added token <|video_pad|> is missing: video jobs will fail' : `<|video_pad|> has id ${videoPad}, config.json expects ${videoId}: video jobs will fail`, 'use the tokenizer.json that belongs to this config.json');
  }
  const model = tokenizer.model as Json | undefined;
  if (!model || model.type !== 'BPE') p.error(F, 'model is not a BPE tokenizer', 'use the tokenizer.json of the Qwen-VL export');
}

/** The chat template must live in tokenizer_config.json (transformers.js does not read chat_template.json). */
export function checkTokenizerConfig(tc: Json, hasChatTemplateJson: boolean, p: ProblemList): void {
  const F = 'tokenizer_config.json';
  const template = chatTemplateText(tc.chat_template);
  if (template === undefined) {
    p.error(
      F,
      hasChatTemplateJson ? 'has no chat_template (it is only in chat_template.json, which transformers.js does not read)' : 'has no chat_template',
      hasChatTemplateJson ? 'copy "chat_template" from chat_template.json into tokenizer_config.json' : 'add the Qwen-VL chat template as "chat_template"',
    );
    return;
  }
  if (!template.includes('<|image_pad|>') && !template.includes('<|vision_start|>')) {
    p.error(F, 'chat_template has no image placeholder (<|vision_start|><|image_pad|><|vision_end|>): it is a text-only template', 'use the Qwen-VL chat template');
  }
  if (!template.includes('add_generation_prompt')) {
    p.warn(F, 'chat_template ignores add_generation_prompt', 'use the Qwen-VL chat template');
  }
}

function chatTemplateText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const entry = value.find((v) => (v as Json)?.name === 'default') ?? value[0];
    const t = (entry as Json | undefined)?.template;
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}
