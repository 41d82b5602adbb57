import { tabFlow } from '../background/flows';
import { defineAction } from './action';

/** The visible tab, with the task chosen in the options (HTML from a mockup by default). */
export const captureTab = defineAction({
  id: 'capture-tab',
  title: 'menuCaptureTab',
  contexts: ['page', 'frame'],
  shortcut: { command: 'capture-tab-code', key: 'Alt+Shift+C', description: 'cmdCaptureCode' },
  run: (ctx, tab) => tabFlow(ctx, ctx.settings().captureAction, tab),
});
