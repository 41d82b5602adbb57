import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { scaleBox } from '../capture/crop-math';
import { t } from '../i18n/i18n';
import { createHost, type PageUi } from './ui-host';

/** The overlay on the page now: a new result replaces it. */
let shown: PageUi | undefined;

/**
 * Lays the OCR lines over the page where they were read, as real text the user can
 * select and copy (transparent glyphs over a light highlight). It scrolls with the page.
 */
export async function showOcrOverlay(
  ctx: ContentScriptContext,
  page: { x: number; y: number; width: number; height: number },
  image: { width: number; height: number },
  lines: Array<{ text: string; box: [number, number, number, number] }>,
): Promise<void> {
  const ui = await createHost(
    ctx,
    'absolute',
    `.wrap{position:absolute;outline:2px dashed #2563eb}
     .line{position:absolute;color:transparent;background:rgba(250,204,21,.28);white-space:pre;overflow:hidden;user-select:text;cursor:text;font-family:system-ui,sans-serif;line-height:1}
     .line::selection{background:rgba(37,99,235,.45);color:transparent}
     .close{position:absolute;top:-26px;right:0;font:12px/1 system-ui,sans-serif;border:1px solid #cbd5e1;background:#fff;border-radius:6px;padding:4px 8px;cursor:pointer}`,
  );
  shown?.remove();
  shown = ui;
  ui.host.setAttribute('data-loupe-ocr', '');
  const wrap = document.createElement('div');
  wrap.className = 'wrap';
  Object.assign(wrap.style, { left: `${page.x}px`, top: `${page.y}px`, width: `${page.width}px`, height: `${page.height}px` });
  for (const line of lines) {
    const r = scaleBox(line.box, image, page);
    const span = document.createElement('span');
    span.className = 'line';
    span.textContent = line.text;
    Object.assign(span.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px`, fontSize: `${Math.max(6, r.height * 0.85)}px` });
    wrap.append(span, document.createElement('br'));
  }
  const close = document.createElement('button');
  close.className = 'close';
  close.textContent = t('overlayClose');
  close.addEventListener('click', ui.remove);
  wrap.append(close);
  ui.root.append(wrap);
}
