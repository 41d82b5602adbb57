import { browser } from 'wxt/browser';
import { t, type MessageKey } from '../i18n/i18n';

/** Context-menu entries: the three actions on images, and the page-level ones. */
export const MENU: Array<{ id: string; title: MessageKey; contexts: string[] }> = [
  { id: 'image-describe', title: 'menuImageDescribe', contexts: ['image'] },
  { id: 'image-ocr', title: 'menuImageOcr', contexts: ['image'] },
  { id: 'image-code', title: 'menuImageCode', contexts: ['image'] },
  { id: 'pick-image', title: 'menuPickImage', contexts: ['page', 'frame', 'link', 'video'] },
  { id: 'select-region', title: 'menuSelectRegion', contexts: ['page', 'frame', 'selection', 'link', 'image', 'video'] },
  { id: 'capture-tab', title: 'menuCaptureTab', contexts: ['page', 'frame'] },
];

export async function installMenus(): Promise<void> {
  await browser.contextMenus.removeAll();
  for (const item of MENU) {
    browser.contextMenus.create({ id: item.id, title: t(item.title), contexts: item.contexts as never }, () => void browser.runtime.lastError);
  }
}
