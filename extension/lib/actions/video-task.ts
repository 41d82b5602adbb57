import { videoFlow, type VideoTask } from '../background/video-flow';
import type { MessageKey } from '../i18n/i18n';
import { defineAction } from './action';

/** On a right-clicked <video>: Explain it (frames sampled, sent at once) or Ask about it (the question is typed in the panel). */
function videoTask(task: VideoTask, title: MessageKey) {
  return defineAction({
    id: `video-${task}`,
    title,
    contexts: ['video'],
    run: (ctx, tab, click) => videoFlow(ctx, tab, { frameId: click.frameId, ...(click.srcUrl ? { srcUrl: click.srcUrl } : {}) }, task),
  });
}

export const videoExplain = videoTask('describe', 'menuVideoExplain');
export const videoAsk = videoTask('ask', 'menuVideoAsk');
