/**
 * The companion names the stand-in model "… (test stand-in — output is noise)" and repeats it
 * in notes; the panel shows that label once per screen itself, so names and notes drop it.
 */
const STAND_IN = /\s*\(?test stand-in — output is noise\)?\.?/g;

export function withoutStandInLabel(text: string): string {
  return text.replace(STAND_IN, '').trim();
}
