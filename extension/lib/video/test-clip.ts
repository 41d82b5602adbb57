import type { SentVideo } from '../jobs/conversation';

/** Tests: a two-frame clip as the panel keeps it (times, thumbnails, size), the same in every test that needs one. */
export function testClip(o: { width?: number; height?: number; bytes?: number; thumbs?: [string, string] } = {}): SentVideo {
  const [a, b] = o.thumbs ?? ['data:image/jpeg;base64,AAAA', 'data:image/jpeg;base64,AAAB'];
  return {
    clip: { frameTimes: [0.5, 1.5], range: [0, 2], duration: 2, source: 'element' },
    frames: [
      { time: 0.5, thumb: a },
      { time: 1.5, thumb: b },
    ],
    width: o.width ?? 320,
    height: o.height ?? 180,
    bytes: o.bytes ?? 9000,
  };
}
