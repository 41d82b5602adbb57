import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { dragToRect, type Rect } from '../capture/crop-math';
import { t } from '../i18n/i18n';
import type { RegionAction } from '../settings/settings';
import { createHost } from './ui-host';

export type RegionResult = { rect: Rect; action: Exclude<RegionAction, 'choose'>; prompt?: string };

const CSS = `
.layer{position:fixed;inset:0;cursor:crosshair;background:rgba(15,23,42,.25);user-select:none}
.sel{position:fixed;border:2px solid #3b82f6;background:rgba(59,130,246,.08);box-shadow:0 0 0 99999px rgba(15,23,42,.35);pointer-events:none}
.size{position:fixed;font:12px/1 ui-monospace,monospace;color:#fff;background:#1e3a8a;padding:3px 6px;border-radius:4px;pointer-events:none;white-space:nowrap}
.hint{position:fixed;top:12px;left:50%;transform:translateX(-50%);font:13px/1.4 system-ui,sans-serif;color:#fff;background:#111827e6;padding:6px 12px;border-radius:8px;pointer-events:none}
.bar{position:fixed;display:flex;gap:6px;align-items:center;background:#fff;border:1px solid #cbd5e1;border-radius:8px;padding:6px;box-shadow:0 6px 24px #0003;font:13px/1 system-ui,sans-serif;cursor:default}
.bar button{font:inherit;border:1px solid #cbd5e1;background:#f8fafc;color:#0f172a;border-radius:6px;padding:6px 10px;cursor:pointer}
.bar button.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff}
.bar input{font:inherit;border:1px solid #cbd5e1;border-radius:6px;padding:6px 8px;width:220px;color:#0f172a;background:#fff}
`;

/**
 * Lets the user drag a rectangle over the viewport (crosshair, live size in device
 * pixels, Esc cancels), then pick OCR / Explain / To code / JSON / Ask unless `preset` fixes
 * the action. Resolves with the rectangle in viewport CSS pixels, after the overlay has
 * been removed and repainted away (so it is not in the capture), or null when cancelled.
 */
export async function selectRegion(ctx: ContentScriptContext, preset: RegionAction): Promise<RegionResult | null> {
  // Closed, and only trusted (user) input counts: a page can neither read the typed question nor
  // drive the overlay with synthetic events.
  const ui = await createHost(ctx, 'fixed', CSS, 'closed');
  const root = ui.root;
  return new Promise((resolve) => {
    const layer = el('div', 'layer');
    const hint = el('div', 'hint');
    hint.textContent = t('overlayHint');
    root.append(layer, hint);
    let start: { x: number; y: number } | null = null;
    let sel: HTMLElement | null = null;
    let size: HTMLElement | null = null;
    let done = false;

    const finish = async (result: RegionResult | null) => {
      if (done) return;
      done = true;
      removeEventListener('keydown', onKey, true);
      ui.remove();
      // Two frames so the overlay is gone from the screen before the background captures it.
      await new Promise<void>((r) => ctx.requestAnimationFrame(() => ctx.requestAnimationFrame(() => ctx.setTimeout(r, 30))));
      resolve(result);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.isTrusted && e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        void finish(null);
      }
    };
    ctx.addEventListener(window, 'keydown', onKey, { capture: true });

    layer.addEventListener('mousedown', (e) => {
      if (!e.isTrusted || e.button !== 0) return;
      e.preventDefault();
      root.querySelector('.bar')?.remove();
      start = { x: e.clientX, y: e.clientY };
      layer.style.background = 'transparent'; // the selection's shadow dims the rest
      sel?.remove();
      size?.remove();
      sel = el('div', 'sel');
      size = el('div', 'size');
      root.append(sel, size);
      hint.remove();
      draw(start);
    });
    layer.addEventListener('mousemove', (e) => {
      if (e.isTrusted && start) draw({ x: e.clientX, y: e.clientY });
    });
    layer.addEventListener('mouseup', (e) => {
      if (!e.isTrusted || !start) return;
      const rect = dragToRect(start, { x: e.clientX, y: e.clientY });
      start = null;
      if (rect.width < 4 || rect.height < 4) {
        sel?.remove();
        size?.remove();
        return;
      }
      if (preset !== 'choose') void finish({ rect, action: preset });
      else showBar(rect);
    });

    function draw(to: { x: number; y: number }) {
      if (!start || !sel || !size) return;
      const r = dragToRect(start, to);
      Object.assign(sel.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px` });
      const dpr = devicePixelRatio || 1;
      size.textContent = `${Math.round(r.width * dpr)} × ${Math.round(r.height * dpr)}`;
      Object.assign(size.style, { left: `${r.x}px`, top: `${Math.max(0, r.y - 22)}px` });
    }

    function showBar(rect: Rect) {
      const bar = el('div', 'bar');
      bar.setAttribute('role', 'toolbar');
      const actions: Array<[Exclude<RegionAction, 'choose' | 'ask'>, string]> = [
        ['ocr', t('actionOcr')],
        ['describe', t('actionDescribe')],
        ['code', t('actionCode')],
        ['extract', t('actionExtract')],
      ];
      for (const [action, label] of actions) {
        const b = el('button', action === 'ocr' ? 'primary' : '');
        b.textContent = label;
        b.dataset.action = action;
        b.addEventListener('click', (e) => {
          if (e.isTrusted) void finish({ rect, action });
        });
        bar.append(b);
      }
      const input = el('input', '') as HTMLInputElement;
      input.placeholder = t('askPlaceholder');
      input.dataset.action = 'ask-input';
      const ask = el('button', '');
      ask.textContent = t('actionAsk');
      ask.dataset.action = 'ask';
      const submitAsk = () => {
        const prompt = input.value.trim();
        if (prompt) void finish({ rect, action: 'ask', prompt });
        else input.focus();
      };
      ask.addEventListener('click', (e) => {
        if (e.isTrusted) submitAsk();
      });
      input.addEventListener('keydown', (e) => {
        if (e.isTrusted && e.key === 'Enter') submitAsk();
      });
      const cancel = el('button', '');
      cancel.textContent = '✕';
      cancel.title = t('cancel');
      cancel.addEventListener('click', (e) => {
        if (e.isTrusted) void finish(null);
      });
      bar.append(input, ask, cancel);
      for (const stop of ['mousedown', 'mouseup', 'mousemove'] as const) bar.addEventListener(stop, (e) => e.stopPropagation());
      root.append(bar);
      const below = rect.y + rect.height + 8;
      const top = below + 48 > innerHeight ? Math.max(8, rect.y - 48) : below;
      Object.assign(bar.style, { left: `${Math.min(Math.max(8, rect.x), Math.max(8, innerWidth - 520))}px`, top: `${top}px` });
    }
  });
}

function el(tag: string, cls: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}
