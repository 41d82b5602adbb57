import { imageFlow } from '../background/flows';
import { defineAction } from './action';

/** The image under the cursor (a background, canvas, video frame…), with the task chosen in the options. */
export const pickImage = defineAction({
  id: 'pick-image',
  title: 'menuPickImage',
  contexts: ['page', 'frame', 'link', 'video'],
  run: (ctx, tab, click) => imageFlow(ctx, ctx.settings().imageAction, tab, click.frameId, click.srcUrl),
});
