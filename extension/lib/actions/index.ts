import type { ExtensionAction } from './action';
import { captureTab } from './capture-tab';
import { imageExtract } from './image-extract';
import { imageCode, imageDescribe, imageOcr } from './image-task';
import { pickImage } from './pick-image';
import { selectRegion } from './select-region';
import { videoAsk, videoExplain } from './video-task';

/** Every action, in context-menu order. Adding one: a file next to this, listed here, plus locale strings. */
export const ACTIONS: readonly ExtensionAction[] = [imageDescribe, imageOcr, imageCode, imageExtract, videoExplain, videoAsk, pickImage, selectRegion, captureTab];

export function actionForMenu(id: string | number): ExtensionAction | undefined {
  return ACTIONS.find((a) => a.id === id);
}

export function actionForCommand(command: string): ExtensionAction | undefined {
  return ACTIONS.find((a) => a.shortcut?.command === command);
}

/** The manifest's `commands`, from the actions that have a shortcut. */
export function manifestCommands(): Record<string, { suggested_key: { default: string }; description: string }> {
  return Object.fromEntries(
    ACTIONS.flatMap((a) => (a.shortcut ? [[a.shortcut.command, { suggested_key: { default: a.shortcut.key }, description: `__MSG_${a.shortcut.description}__` }]] : [])),
  );
}
