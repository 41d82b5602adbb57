import type { Locale, Task } from '@loupe/shared';
import type { Family } from '@loupe/models';

/**
 * The instruction sent with the image(s) for each task, in the request's locale.
 * A user prompt replaces the default for describe/ocr/code/ask and names the target for ground.
 */
const defaults: Record<Exclude<Task, 'ground'>, Record<Locale, string>> = {
  describe: {
    en: 'Describe this image in detail: the main subject, notable objects, any visible text, and the overall context. Answer in English.',
    'zh-CN': '请详细描述这张图片：主体、显著的物体、可见的文字以及整体场景。请用简体中文回答。',
  },
  ocr: {
    en:
      'Read all text in this image and reproduce it exactly, keeping the layout: paragraphs as Markdown paragraphs, ' +
      'headings as Markdown headings, tables as Markdown tables, and code as fenced code blocks. Output only the text, no commentary.',
    'zh-CN':
      '识别图片中的全部文字并原样输出，保留版式：段落用 Markdown 段落，标题用 Markdown 标题，表格用 Markdown 表格，代码用代码块。只输出文字内容，不要添加说明。',
  },
  code: {
    en:
      'Write one self-contained HTML file that reproduces this user interface as closely as possible. ' +
      'Use Tailwind CSS utility classes (load Tailwind from its CDN script tag), inline everything else, and output only the HTML in a single ```html code block.',
    'zh-CN':
      '编写一个独立完整的 HTML 文件，尽可能还原这张图片中的界面。使用 Tailwind CSS 工具类（通过 CDN script 标签引入 Tailwind），其余内容全部内联，只输出一个 ```html 代码块。',
  },
  ask: {
    en: 'What is in this image?',
    'zh-CN': '这张图片里有什么？',
  },
};

const compareDefault: Record<Locale, string> = {
  en: 'Compare these images: what is the same and what is different?',
  'zh-CN': '比较这几张图片：哪些相同，哪些不同？',
};

function groundPrompt(family: Family, target: string | undefined, locale: Locale): string {
  const zh = locale === 'zh-CN';
  if (family.grounding.format === 'qwen2-box-tokens') {
    // Qwen2-VL was trained on this phrasing with object-ref tokens.
    const what = target ?? (zh ? '图中的主要物体' : 'the main objects');
    return zh ? `找出<|object_ref_start|>${what}<|object_ref_end|>的位置` : `Find the location of <|object_ref_start|>${what}<|object_ref_end|>`;
  }
  const what = target ?? (zh ? '图中所有主要物体' : 'every main object in the image');
  return zh
    ? `定位${what}，以 JSON 格式输出边界框：[{"bbox_2d": [x1, y1, x2, y2], "label": "名称"}]。`
    : `Locate ${what} and output the bounding boxes in JSON format: [{"bbox_2d": [x1, y1, x2, y2], "label": "name"}].`;
}

export function taskPrompt(task: Task, options: { family: Family; locale: Locale; prompt?: string; imageCount: number }): string {
  const { family, locale, imageCount } = options;
  const prompt = options.prompt?.trim() || undefined;
  if (task === 'ground') return groundPrompt(family, prompt, locale);
  if (prompt) return prompt;
  if (task === 'ask' && imageCount > 1) return compareDefault[locale];
  return defaults[task][locale];
}

/** Largest answer per task, in tokens (job.maxTokens overrides). */
export const maxTokensFor: Record<Task, number> = {
  describe: 512,
  ocr: 2048,
  code: 4096,
  ask: 1024,
  ground: 1024,
};
