import type { Locale } from '@loupe/shared';

/** mm:ss (minutes run past 59 for long videos: 85:30), the form answers are asked to cite. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const describeVideo: Record<Locale, string> = {
  en: 'Describe what happens in this video, in order. For a long video, summarise it by section.',
  'zh-CN': '按时间顺序描述这段视频中发生的事情。视频较长时，请分段概括。',
};

const citeTimes: Record<Locale, (from: string, to: string) => string> = {
  en: (from, to) => `The frames were sampled from ${from} to ${to} of the video. Cite the time of each event or section as mm:ss (for example ${from}). Answer in English.`,
  'zh-CN': (from, to) => `这些帧取自视频的 ${from} 至 ${to}。请用 mm:ss 格式（例如 ${from}）标注每个事件或段落的时间。请用简体中文回答。`,
};

/** The instruction sent with a clip: the user's question (or a describe-the-video default) and the time convention. */
export function videoPrompt(options: { locale: Locale; prompt?: string; times: readonly number[] }): string {
  const { locale, times } = options;
  const asked = options.prompt?.trim() || describeVideo[locale];
  return `${asked}\n${citeTimes[locale](clock(times[0] ?? 0), clock(times.at(-1) ?? 0))}`;
}
