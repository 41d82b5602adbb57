import { describe, expect, it } from 'vitest';
import { checkFromHost } from './messages';

const model = { id: 'stand-in', engine: 'qwen-vl', device: 'cpu', standIn: true };
const capabilities = { kind: 'vlm', tasks: ['describe'], maxPixels: 1_000_000, multiImage: false };

describe('host → daemon messages', () => {
  it('accept a loaded message with a model and capabilities', () => {
    expect(checkFromHost({ type: 'loaded', model, capabilities })).toBeUndefined();
  });

  it('refuse a loaded message missing what the daemon serves from', () => {
    expect(checkFromHost({ type: 'loaded', capabilities })).toMatch(/loaded\.model/);
    expect(checkFromHost({ type: 'loaded', model, capabilities: { ...capabilities, tasks: ['dance'] } })).toMatch(/loaded\.capabilities/);
  });
});
