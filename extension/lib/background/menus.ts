import { browser } from 'wxt/browser';
import { ACTIONS } from '../actions';
import { t } from '../i18n/i18n';

/** Context-menu entries: one per action (../actions), titled in the current UI language. */
export async function installMenus(): Promise<void> {
  await browser.contextMenus.removeAll();
  for (const action of ACTIONS) {
    browser.contextMenus.create({ id: action.id, title: t(action.title), contexts: action.contexts }, () => void browser.runtime.lastError);
  }
}
