import { describe, expect, it } from 'vitest';
import type { ServerStatus } from '@loupe/shared';
import { parseChatRequest } from './chat-request';
import { HttpError } from './http-io';
import { parseOllamaChat, parseOllamaGenerate } from './ollama/ollama-request';
import { openAiSampling } from './openai-params';

const status = (vlmId = 'standin (test stand-in — output is noise)'): ServerStatus => ({
  version: 't',
  clients: 0,
  queue: 0,
  memory: { rssMb: 1, freeRamMb: 1 },
  engines: [
    { name: 'ppocr', kind: 'ocr', state: 'ready', tasks: ['ocr'], model: { id: 'PP-OCRv4', engine: 'ppocr', device: 'cpu', standIn: false }, queue: 0 },
    { name: 'qwen-vl', kind: 'vlm', state: 'ready', tasks: ['describe', 'ask'], model: { id: vlmId, engine: 'qwen-vl', device: 'cpu', standIn: vlmId.includes('stand-in') }, queue: 0 },
  ],
});
const png = Buffer.from('iVBORw0KGgo=', 'base64').toString('base64');

describe('OpenAI parameters → job.sampling / maxTokens', () => {
  it('maps every honoured parameter', () => {
    expect(openAiSampling({ temperature: 0.7, top_p: 0.9, top_k: 40, seed: -1, stop: '###', max_tokens: 20000 })).toEqual({
      sampling: { temperature: 0.7, topP: 0.9, topK: 40, seed: 2 ** 32 - 1, stop: ['###'] },
      maxTokens: 8192,
    });
    expect(openAiSampling({ top_p: 0 })).toEqual({ sampling: { temperature: 0 } });
    expect(openAiSampling({ top_p: 1, top_k: -1, n: 1, response_format: { type: 'text' }, tool_choice: 'none', presence_penalty: 0 })).toEqual({});
    expect(openAiSampling({ max_tokens: 9, max_completion_tokens: 2 })).toEqual({ maxTokens: 2 });
  });

  it('refuses what it would otherwise ignore, naming the parameter', () => {
    for (const [param, body] of [
      ['n', { n: 3 }],
      ['tools', { tools: [{}] }],
      ['functions', { functions: [{}] }],
      ['top_logprobs', { top_logprobs: 2 }],
      ['stop', { stop: [''] }],
      ['seed', { seed: '1' }],
    ] as const) {
      let error: unknown;
      try {
        openAiSampling(body);
      } catch (e) {
        error = e;
      }
      expect(error, param).toBeInstanceOf(HttpError);
      expect((error as HttpError).param).toBe(param);
    }
  });
});

describe('chat requests → conversation', () => {
  it('keeps history as turns, the system text apart, images from any user message', () => {
    const chat = parseChatRequest(
      {
        model: 'loupe-standin',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'text', text: 'What?' }] },
          { role: 'assistant', content: 'A chart.' },
          { role: 'user', content: 'Colour?' },
          { role: 'user', content: 'And size?' },
        ],
      },
      status(),
    );
    expect(chat).toMatchObject({ model: 'loupe-standin', task: 'ask', prompt: 'Colour?\n\nAnd size?', system: 'Be brief.', history: [{ role: 'user', text: 'What?' }, { role: 'assistant', text: 'A chart.' }] });
    expect(chat.images).toHaveLength(1);
  });

  it('the display id, the alias `loupe` and a catalog id resolve; others are model_not_found', () => {
    expect(parseChatRequest({ model: 'loupe', messages: [{ role: 'user', content: 'hi' }] }, status()).model).toBe('loupe-standin');
    expect(parseChatRequest({ model: 'qwen2.5-vl-3b', messages: [{ role: 'user', content: 'hi' }] }, status('qwen2.5-vl-3b')).model).toBe('qwen2.5-vl-3b');
    expect(() => parseChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, status())).toThrow(expect.objectContaining({ status: 404, code: 'model_not_found' }));
  });
});

describe('Ollama requests', () => {
  it('maps options and images; num_predict -1 keeps the task limit; name:latest resolves', () => {
    const chat = parseOllamaChat({ model: 'loupe-standin:latest', messages: [{ role: 'user', content: 'hi', images: [png] }], options: { temperature: 0, num_predict: -1, seed: 3, repeat_penalty: 1.1 } }, status());
    expect(chat).toMatchObject({ model: 'loupe-standin', stream: true, task: 'ask', sampling: { temperature: 0, seed: 3 } });
    expect(chat.maxTokens).toBeUndefined();
    expect(chat.images).toHaveLength(1);
    expect(parseOllamaGenerate({ model: 'loupe-standin', prompt: '' }, status()).loadOnly).toBe(true);
    expect(() => parseOllamaGenerate({ model: 'loupe-standin', prompt: 'x', format: 'json' }, status())).toThrow(expect.objectContaining({ param: 'format' }));
    expect(() => parseOllamaChat({ model: 'llava', messages: [{ role: 'user', content: 'x' }] }, status())).toThrow(expect.objectContaining({ status: 404 }));
  });
});
