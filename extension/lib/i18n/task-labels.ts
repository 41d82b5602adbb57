import type { MessageKey } from './message-key';

/** Each task's name in the UI (Extract is an Ask for JSON, named on its own). */
const TASK_LABEL: Record<string, MessageKey> = { ocr: 'taskOcr', describe: 'taskDescribe', code: 'taskCode', ask: 'taskAsk', ground: 'taskGround', extract: 'taskExtract' };

/** The message key of a task's name; a task this UI does not know is shown as Ask. */
export const taskLabel = (task: string): MessageKey => TASK_LABEL[task] ?? 'taskAsk';
