import { describe, expect, it } from 'vitest';
import { ContentToBackground, PanelCommand, ResolvedImage } from './messages';

const region = {
  type: 'region-selected',
  rect: { x: 1, y: 2, width: 30, height: 40 },
  viewport: { width: 1280, height: 720 },
  scroll: { x: 0, y: 900 },
  dpr: 2,
  action: 'ocr',
};

describe('messages from content scripts and panels are validated', () => {
  it('accepts a well-formed region selection', () => {
    expect(ContentToBackground.safeParse(region).success).toBe(true);
    expect(ContentToBackground.safeParse({ ...region, action: 'ask', prompt: 'what is this?' }).success).toBe(true);
  });

  it('rejects bad geometry, unknown actions and unknown types', () => {
    expect(ContentToBackground.safeParse({ ...region, rect: { ...region.rect, width: -1 } }).success).toBe(false);
    expect(ContentToBackground.safeParse({ ...region, dpr: 0 }).success).toBe(false);
    expect(ContentToBackground.safeParse({ ...region, rect: { ...region.rect, x: Number.NaN } }).success).toBe(false);
    expect(ContentToBackground.safeParse({ ...region, action: 'choose' }).success).toBe(false);
    expect(ContentToBackground.safeParse({ ...region, action: 'rm -rf' }).success).toBe(false);
    expect(ContentToBackground.safeParse({ type: 'submit', id: 'x' }).success).toBe(false);
    expect(ContentToBackground.safeParse(null).success).toBe(false);
  });

  it('validates what the page side says is under the cursor', () => {
    expect(ResolvedImage.safeParse({ kind: 'img', url: 'https://a.test/x.png', viewport: { width: 1, height: 1 }, dpr: 1, topFrame: true }).success).toBe(true);
    expect(ResolvedImage.safeParse({ kind: 'file', viewport: { width: 1, height: 1 }, dpr: 1, topFrame: true }).success).toBe(false);
  });

  it('accepts panel commands and rejects empty or oversized follow-ups', () => {
    expect(PanelCommand.safeParse({ type: 'followup', prompt: 'make the header sticky', task: 'code' }).success).toBe(true);
    expect(PanelCommand.safeParse({ type: 'followup', prompt: '' }).success).toBe(false);
    expect(PanelCommand.safeParse({ type: 'followup', prompt: 'x'.repeat(4001) }).success).toBe(false);
    expect(PanelCommand.safeParse({ type: 'followup', prompt: 'x', task: 'paint' }).success).toBe(false);
    expect(PanelCommand.safeParse({ type: 'cancel', id: 'j-1' }).success).toBe(true);
    expect(PanelCommand.safeParse({ type: 'shutdown' }).success).toBe(false);
  });
});
