import { selectionFlow } from '../background/flows';
import { defineAction } from './action';

/** Drag a rectangle on the page; the content script reports it back (regionFlow). */
export const selectRegion = defineAction({
  id: 'select-region',
  title: 'menuSelectRegion',
  contexts: ['page', 'frame', 'selection', 'link', 'image', 'video'],
  shortcut: { command: 'select-region', key: 'Alt+Shift+S', description: 'cmdSelectRegion' },
  run: (ctx, tab) => selectionFlow(ctx, tab),
});
