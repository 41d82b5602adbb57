import type { Task } from '@loupe/shared';
import { browser } from 'wxt/browser';
import { actionForMenu } from '../actions';
import type { CompanionLink } from '../link/companion-link';
import type { RegionAction } from '../settings/settings';
import { imageFlow, selectionFlow, tabFlow, type FlowContext } from './flows';
import { videoFlow, type VideoTask } from './video-flow';

/**
 * Entry points for the end-to-end tests (context menus and commands cannot be clicked from a
 * test driver), as `globalThis.__loupe` in the service worker. Installed only by the e2e build.
 */
export function installTestHooks({ ctx, link }: { ctx: FlowContext; link: CompanionLink }): void {
  Object.assign(globalThis, {
    __loupe: {
      session: ctx.session,
      link,
      ready: ctx.ready,
      imageFlow: async (task: Task, tabId: number, frameId = 0, srcUrl?: string) => imageFlow(ctx, task, await browser.tabs.get(tabId), frameId, srcUrl),
      tabFlow: async (task: Task, tabId: number) => tabFlow(ctx, task, await browser.tabs.get(tabId)),
      /** What a context-menu entry runs (by its id), as if clicked on the tab. */
      runAction: async (id: string, tabId: number, frameId = 0, srcUrl?: string) =>
        actionForMenu(id)?.run(ctx, await browser.tabs.get(tabId), { frameId, ...(srcUrl ? { srcUrl } : {}) }),
      videoFlow: async (task: VideoTask, tabId: number, frameId = 0) => videoFlow(ctx, await browser.tabs.get(tabId), { frameId }, task),
      startSelection: async (tabId: number, action?: RegionAction) => selectionFlow(ctx, await browser.tabs.get(tabId), action),
    },
  });
}
