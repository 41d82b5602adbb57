import { describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import { ACTIONS, actionForCommand, actionForMenu, manifestCommands } from '.';

describe('extension actions', () => {
  it('keep the context-menu ids and order the browser already knows', () => {
    expect(ACTIONS.map((a) => a.id)).toEqual(['image-describe', 'image-ocr', 'image-code', 'image-extract', 'video-describe', 'video-ask', 'pick-image', 'select-region', 'capture-tab']);
  });

  it('put Explain video and Ask about video on a right-clicked <video> (only there)', () => {
    expect(ACTIONS.filter((a) => a.id.startsWith('video-')).map((a) => [a.id, a.contexts])).toEqual([
      ['video-describe', ['video']],
      ['video-ask', ['video']],
    ]);
    expect(en.menuVideoExplain.message).toBe('Loupe: Explain video');
    expect(en.menuVideoAsk.message).toBe('Loupe: Ask about video');
  });

  it('name menu titles and shortcut descriptions that exist in English and Chinese', () => {
    const keys = ACTIONS.flatMap((a) => [a.title, ...(a.shortcut ? [a.shortcut.description] : [])]);
    for (const key of keys) {
      expect(en, key).toHaveProperty(key);
      expect(zh, key).toHaveProperty(key);
    }
  });

  it('give the manifest one command per shortcut, and find each action by menu id and command', () => {
    expect(manifestCommands()).toEqual({
      'select-region': { suggested_key: { default: 'Alt+Shift+S' }, description: '__MSG_cmdSelectRegion__' },
      'capture-tab-code': { suggested_key: { default: 'Alt+Shift+C' }, description: '__MSG_cmdCaptureCode__' },
    });
    expect(actionForCommand('capture-tab-code')?.id).toBe('capture-tab');
    expect(actionForMenu('image-ocr')?.id).toBe('image-ocr');
    expect(actionForMenu('no-such-menu')).toBeUndefined();
  });
});
