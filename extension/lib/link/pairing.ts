import { z } from 'zod';
import { NATIVE_HOST_NAME } from '@loupe/shared';
import { browser } from 'wxt/browser';
import { loadSettings, saveSettings } from '../settings/settings';
import type { Credentials } from './companion-link';

const PairReply = z.object({ ok: z.literal(true), token: z.string().min(16).max(256), port: z.number().int().min(1).max(65535), running: z.boolean().optional() });
const PairRefusal = z.object({ ok: z.literal(false), error: z.object({ message: z.string(), hint: z.string().optional() }) });
const Pairing = z.object({ token: z.string(), port: z.number().int(), at: z.number() });
const KEY = 'pairing';

/**
 * Zero-configuration pairing: the companion registers a native-messaging host for this
 * extension's pinned id only (the browser enforces that allowlist), which hands out the
 * token and port. Returns an error string when native messaging is unavailable.
 */
export async function pairViaNativeHost(): Promise<{ ok: true } | { ok: false; error: string }> {
  let reply: unknown;
  try {
    // Firefox origins differ per install, so the host records ours; Chrome's id is pinned.
    const request = import.meta.env.BROWSER === 'firefox' ? { type: 'pair', origin: location.origin } : { type: 'pair' };
    reply = await browser.runtime.sendNativeMessage(NATIVE_HOST_NAME, request);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = PairReply.safeParse(reply);
  if (!parsed.success) {
    const refusal = PairRefusal.safeParse(reply);
    return { ok: false, error: refusal.success ? [refusal.data.error.message, refusal.data.error.hint].filter(Boolean).join(' ') : 'the native host answered without a token' };
  }
  await browser.storage.local.set({ [KEY]: { token: parsed.data.token, port: parsed.data.port, at: Date.now() } });
  // A companion that is not running has no port yet, only the host's guess: keep watching the
  // port we know (it may come back there) rather than switch to the guess.
  await saveSettings({ ...(parsed.data.running === false ? {} : { port: parsed.data.port }), manualToken: '' });
  return { ok: true };
}

export async function credentials(): Promise<Credentials> {
  const settings = await loadSettings();
  if (settings.manualToken.trim()) return { port: settings.port, token: settings.manualToken.trim() };
  const pairing = Pairing.safeParse((await browser.storage.local.get(KEY))[KEY]);
  return { port: settings.port, ...(pairing.success ? { token: pairing.data.token } : {}) };
}

/** True once pairing stored a token (a manual token does not count: it is the fallback). */
export async function isPaired(): Promise<boolean> {
  return Pairing.safeParse((await browser.storage.local.get(KEY))[KEY]).success;
}

/** True when something answers GET /health like a Loupe companion. */
export async function probeCompanion(port: number, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const res = await fetchImpl(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: unknown };
    return body.status === 'ok';
  } catch {
    return false;
  }
}
