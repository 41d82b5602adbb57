import { Ajv } from 'ajv';
import { expect } from 'vitest';
import { EXTRACT_PRESETS } from '../../../extension/lib/extract/presets';
import type { FlowIt, Harness } from './harness';

/** A second image, made in the panel page and given to its file picker (as a user picking a file would). */
const PICK_SECOND_IMAGE = `(async () => {
  const canvas = new OffscreenCanvas(200, 120);
  const g = canvas.getContext('2d');
  g.fillStyle = '#cc3366'; g.fillRect(0, 0, 200, 120);
  g.fillStyle = '#ffffff'; g.fillRect(24, 30, 80, 40);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const files = new DataTransfer();
  files.items.add(new File([blob], 'second.png', { type: 'image/png' }));
  const input = document.querySelector('[data-testid=attach-file]');
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
})()`;

/** Images across turns (a follow-up brings a second image) and Extract as JSON. */
export function turnsAndJsonFlows(h: Harness, flow: FlowIt): void {
  const lastStats = () => h.b.background((l) => l.session.conversation.turns.at(-1)!.stats ?? {});

  flow('followup-image', 'a follow-up with a second image: the engine encodes both in the same conversation, the thread and history show both', async () => {
    const { panel } = h;
    const { page, tabId } = await h.openSite('/background.html');
    const first = await h.rightClickFlow(page, tabId, '#hero span', 'describe');
    expect(await first.getAttribute('data-status')).toBe('done');
    const conversationId = await panel.locator('[data-testid=conversation]').getAttribute('data-id');
    const one = await lastStats();
    expect(one.images).toBe(1);
    expect(one.visualTokens).toBeGreaterThan(0);

    await panel.evaluate(PICK_SECOND_IMAGE);
    await expect.poll(() => panel.locator('[data-testid=draft-image]').count(), { timeout: 10_000 }).toBe(1);
    await panel.locator('[data-testid=followup-input]').fill('and in this one, where did the button move?');
    await panel.locator('[data-testid=followup-send]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
    const second = await h.lastTurn();
    expect(await second.getAttribute('data-status')).toBe('done');
    expect(await panel.locator('[data-testid=conversation]').getAttribute('data-id')).toBe(conversationId);
    // At the engine input: two images encoded, more visual tokens than the first image alone.
    const two = await lastStats();
    expect(two.images).toBe(2);
    expect(two.visualTokens).toBeGreaterThan(one.visualTokens!);
    expect(await second.getAttribute('data-images')).toBe('2');
    // The thread shows the new image where it was sent; the draft is empty again.
    expect(await second.locator('[data-testid=turn-images]').getAttribute('data-count')).toBe('1');
    expect(await second.locator('[data-testid=image-size]').textContent()).toContain('200 × 120 px');
    expect(await panel.locator('[data-testid=draft-image]').count()).toBe(0);
    await h.shot(panel, '03d-panel-followup-second-image');

    // History keeps both images (thumbnails and the sent bytes), and reopening the entry shows them.
    await panel.locator('[data-testid=tab-history]').click();
    await panel.locator('[data-testid=history-search]').fill('where did the button move');
    const entries = panel.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().locator('button').first().click();
    const stored = entries.first().locator('[data-testid=history-image]');
    await expect.poll(() => stored.count()).toBe(2);
    expect(await stored.last().getAttribute('data-full')).toBe('true');
    await h.shot(panel, '03e-panel-history-two-images');
    await entries.first().locator('[data-testid=history-continue]').click();
    await expect.poll(() => panel.locator('[data-testid=sent-image]').count()).toBe(2);
    expect(await panel.locator('[data-testid=continued-note]').count()).toBe(0);

    // "Add a region": a part of the page joins the draft of the next follow-up (not a new conversation).
    await page.bringToFront();
    await panel.locator('[data-testid=attach-region]').click();
    const overlay = await h.b.overlay(page);
    await overlay.waitFor('.layer');
    await page.mouse.move(20, 20);
    await page.mouse.down();
    await page.mouse.move(220, 120, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => panel.locator('[data-testid=draft-image]').count(), { timeout: 15_000 }).toBe(1);
    // Back to the panel once the page is captured (Firefox throttles a window in the background: clicks there crawl).
    await panel.bringToFront();
    expect(await panel.locator('[data-testid=draft-image]').textContent()).toContain(`${200 * h.dpr} × ${100 * h.dpr}`);
    expect(await panel.locator('[data-testid=conversation]').getAttribute('data-id')).toBe(conversationId);
    await panel.locator('[data-testid=draft-remove]').click();
    await expect.poll(() => panel.locator('[data-testid=draft-image]').count()).toBe(0);
    await overlay.detach();
    await panel.locator('[data-testid=tab-history]').click();
    await panel.locator('[data-testid=history-search]').fill('');
    await panel.locator('[data-testid=tab-current]').click();
    await page.close();
  });

  flow('extract-json', 'Extract as JSON: the menu entry gives a JSON object, a preset gives JSON that validates against its schema, a bad field list is refused', async () => {
    const { panel } = h;
    const { page, tabId } = await h.openSite('/image.html');
    await page.locator('#img').click({ button: 'right' });
    await h.startsConversation(() => h.b.background((l, a) => l.runAction('image-extract', a.tabId, 0, a.srcUrl), { tabId, srcUrl: `${h.site.url}/text.png` }));
    const first = await h.lastTurn();
    expect(await first.getAttribute('data-status')).toBe('done');
    expect(await first.getAttribute('data-json')).toBe('true');
    const any = JSON.parse(await h.b.background((l) => l.session.conversation.turns.at(-1)!.text));
    expect(typeof any === 'object' && any !== null && !Array.isArray(any)).toBe(true);
    expect(await first.locator('[data-testid=json-standin]').textContent()).toContain('noise');

    // A preset: enough tokens for every required field of the receipt schema.
    await h.b.background((l) => void (l.session.maxTokens = 240));
    try {
      await panel.locator('[data-testid=extract] summary').click();
      await panel.locator('[data-testid=extract-shape]').selectOption('preset:receipt');
      await panel.locator('[data-testid=extract-run]').click();
      await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
      const second = await h.lastTurn();
      expect(await second.getAttribute('data-status')).toBe('done');
      const text = await h.b.background((l) => l.session.conversation.turns.at(-1)!.text);
      const value: unknown = JSON.parse(text);
      const validate = new Ajv({ strict: false }).compile(EXTRACT_PRESETS.find((p) => p.id === 'receipt')!.schema);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      expect(await second.locator('[data-testid=json-text]').textContent()).toBe(JSON.stringify(value, null, 2));
      expect(await second.locator('[data-testid=copy-json]').count()).toBe(1);
      await h.shot(panel, '03f-panel-extract-json-receipt');
    } finally {
      await h.b.background((l) => void (l.session.maxTokens = 40));
    }

    // A field list with an unknown type is refused in the panel, naming the fix; nothing is sent.
    await panel.locator('[data-testid=extract-shape]').selectOption('fields');
    await panel.locator('[data-testid=extract-fields]').fill('merchant, total: money');
    await panel.locator('[data-testid=extract-run]').click();
    await expect.poll(() => panel.locator('[data-testid=extract-problem]').textContent().catch(() => '')).toContain('unknown type');
    expect(await panel.locator('[data-testid=turn]').count()).toBe(2);
    await page.close();
  });
}
