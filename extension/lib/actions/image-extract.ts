import { extractOptions, imageFlow } from '../background/flows';
import { defineAction } from './action';

/** A right-clicked image as JSON (any object); the panel then offers presets, a field list or a schema. */
export const imageExtract = defineAction({
  id: 'image-extract',
  title: 'menuImageExtract',
  contexts: ['image'],
  run: (ctx, tab, click) => {
    const { task, ...options } = extractOptions();
    return imageFlow(ctx, task, tab, click.frameId, click.srcUrl, options);
  },
});
