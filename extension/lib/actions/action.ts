import type { Browser } from 'wxt/browser';
import type { MessageKey } from '../i18n/i18n';
import type { FlowContext } from '../background/flows';

/** Where a context-menu entry appears (the browser's `contextMenus` contexts Loupe uses). */
export type MenuContext = 'page' | 'frame' | 'selection' | 'link' | 'image' | 'video';

/** What the click told us: the frame it was in and, on an image, its source. */
export interface ActionClick {
  frameId: number;
  srcUrl?: string;
}

/**
 * One user action of the extension: its context-menu entry, its keyboard shortcut (a manifest
 * command) if it has one, and the flow it runs. The background and the manifest loop over
 * `ACTIONS` (./index.ts), so adding an action is one file plus its locale strings.
 */
export interface ExtensionAction {
  /** The context-menu id. */
  id: string;
  /** Menu title, from `_locales`. */
  title: MessageKey;
  contexts: [MenuContext, ...MenuContext[]];
  /** A manifest command: its name, suggested key and the `_locales` key that describes it. */
  shortcut?: { command: string; key: string; description: MessageKey };
  run(ctx: FlowContext, tab: Browser.tabs.Tab, click: ActionClick): Promise<unknown>;
}

export function defineAction(action: ExtensionAction): ExtensionAction {
  return action;
}
