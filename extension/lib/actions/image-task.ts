import type { Task } from '@loupe/shared';
import { imageFlow } from '../background/flows';
import type { MessageKey } from '../i18n/i18n';
import { defineAction } from './action';

/** The three fixed tasks on a right-clicked image (describe, OCR, code). */
function imageTask(task: Task, title: MessageKey) {
  return defineAction({
    id: `image-${task}`,
    title,
    contexts: ['image'],
    run: (ctx, tab, click) => imageFlow(ctx, task, tab, click.frameId, click.srcUrl),
  });
}

export const imageDescribe = imageTask('describe', 'menuImageDescribe');
export const imageOcr = imageTask('ocr', 'menuImageOcr');
export const imageCode = imageTask('code', 'menuImageCode');
