import { cancelMessage, isTerminal, statusMessage, submitFrame, submitText, type SubmitFields } from '@loupe/shared';
import type { ServerMessage, ServerStatus, Task } from '@loupe/shared';
import type { Browser } from 'wxt/browser';
import type { Prepared } from '../capture/image-bytes';
import { dataUrlToBytes, thumbnail } from '../capture/image-bytes';
import { restoreConversation } from '../history/continue';
import { listHistory, saveEntry, shouldKeep, toEntry } from '../history/history-store';
import { t } from '../i18n/i18n';
import { applyServerMessage, failUnfinished, newId, type Conversation, type Turn } from '../jobs/conversation';
import type { CompanionLink, LinkState } from '../link/companion-link';
import type { Settings } from '../settings/settings';
import type { PreparedVideo } from './video-flow';

export type PanelState = { type: 'state'; conversation: Conversation | null; link: LinkState; status?: ServerStatus; busy?: string };

type TurnHook = (turn: Turn, conversation: Conversation) => void;

/**
 * The background's one live conversation (what the side panel shows), the panels that
 * watch it, and the jobs in flight. Finished turns are written to history.
 */
export class Session {
  conversation: Conversation | null = null;
  /** A line shown while an image is being prepared ("Capturing…"). */
  busy: string | undefined;
  private ports = new Set<Browser.runtime.Port>();
  private pending: ReturnType<typeof setTimeout> | null = null;
  private hooks = new Map<string, TurnHook>();
  private thumbs = new Map<string, string>();
  /** The stills each video conversation sent (sent again after a reconnect). */
  private videoFrames = new Map<string, Uint8Array[]>();
  /** Conversations whose image the current connection has: the companion scopes them to it. */
  private known = new Set<string>();
  /** The companion's latest status (engines, model, device), refreshed while a panel is open. */
  private status: ServerStatus | undefined;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  /** Caps answers (set only by the end-to-end tests, whose stand-in model is slow on CPU). */
  maxTokens: number | undefined;

  constructor(
    private readonly link: CompanionLink,
    private readonly settings: () => Settings,
  ) {}

  addPort(port: Browser.runtime.Port): void {
    this.ports.add(port);
    port.onDisconnect.addListener(() => {
      this.ports.delete(port);
      if (this.ports.size === 0 && this.statusTimer) {
        clearInterval(this.statusTimer);
        this.statusTimer = null;
      }
    });
    port.postMessage(this.snapshot());
    // Engines load in the background (a model can take minutes): keep the panel's view fresh.
    this.statusTimer ??= setInterval(() => {
      if (this.link.current.kind !== 'connected') return;
      try {
        this.link.send(statusMessage());
      } catch {
        /* reconnecting */
      }
    }, 3_000);
  }

  snapshot(): PanelState {
    return {
      type: 'state',
      conversation: this.conversation,
      link: this.link.current,
      ...(this.status ? { status: this.status } : {}),
      ...(this.busy ? { busy: this.busy } : {}),
    };
  }

  /** Coalesces updates (deltas arrive every ~30 ms) into at most one post per 40 ms. */
  changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      const state = this.snapshot();
      for (const port of this.ports) {
        try {
          port.postMessage(state);
        } catch {
          this.ports.delete(port);
        }
      }
    }, 40);
  }

  setBusy(text: string | undefined): void {
    this.busy = text;
    this.changed();
  }

  start(source: Conversation['source'], tab?: Browser.tabs.Tab): Conversation {
    this.conversation = {
      id: newId('c'),
      createdAt: Date.now(),
      source,
      ...(tab?.url ? { pageUrl: tab.url } : {}),
      ...(tab?.title ? { pageTitle: tab.title } : {}),
      turns: [],
    };
    this.changed();
    return this.conversation;
  }

  /** Sends the first job of a conversation: one binary frame with the image bytes. */
  async submitImage(conversation: Conversation, task: Task, prepared: Prepared, prompt?: string, hook?: TurnHook): Promise<void> {
    conversation.image = prepared.image;
    void thumbnail(prepared.image.dataUrl).then((th) => {
      if (th) this.thumbs.set(conversation.id, th);
    });
    const turn = this.addTurn(conversation, task, prompt);
    if (hook) this.hooks.set(turn.id, hook);
    this.known.add(conversation.id);
    await this.send(turn, () => submitFrame({ id: turn.id, task, locale: this.locale(), conversationId: conversation.id, ...(prompt ? { prompt } : {}), ...this.limits() }, [prepared.bytes]));
  }

  /** A video's first job: its stills in time order, with their times (the clip). */
  async submitVideo(conversation: Conversation, task: Task, prepared: PreparedVideo, prompt?: string): Promise<void> {
    this.holdVideo(conversation, prepared);
    const turn = this.addTurn(conversation, task, prompt);
    this.known.add(conversation.id);
    await this.send(turn, () =>
      submitFrame(
        { id: turn.id, task, locale: this.locale(), conversationId: conversation.id, video: prepared.video.clip, ...(prompt ? { prompt } : {}), ...this.limits() },
        prepared.frames,
      ),
    );
  }

  /** Ask about a video: the filmstrip is shown and the frames are sent with the user's first question. */
  readyVideo(conversation: Conversation, prepared: PreparedVideo): void {
    this.holdVideo(conversation, prepared);
    this.busy = undefined;
    this.changed();
  }

  private holdVideo(conversation: Conversation, prepared: PreparedVideo): void {
    conversation.video = prepared.video;
    this.videoFrames.set(conversation.id, prepared.frames);
    const middle = prepared.video.frames[Math.floor(prepared.video.frames.length / 2)]?.thumb;
    if (middle) this.thumbs.set(conversation.id, middle);
  }

  /** A follow-up on the same image(s): JSON text with the conversation id and no image. */
  async followup(prompt: string, task: Task = 'ask'): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    const turn = this.addTurn(conversation, task, prompt);
    const job: SubmitFields = { id: turn.id, task, prompt, locale: this.locale(), conversationId: conversation.id, ...this.limits() };
    // The companion does not hold this conversation yet (Ask about video) or any more (a reconnect): send its pictures again.
    const fresh = !this.known.has(conversation.id);
    this.known.add(conversation.id);
    const frames = fresh && conversation.video ? this.videoFrames.get(conversation.id) : undefined;
    const image = fresh ? conversation.image : undefined;
    await this.send(turn, () =>
      frames && conversation.video
        ? submitFrame({ ...job, video: conversation.video.clip }, frames)
        : image
          ? submitFrame(job, [dataUrlToBytes(image.dataUrl)])
          : submitText(job),
    );
  }

  /** "Continue this conversation" from history: it becomes the live one, ready for a follow-up. */
  async continueFrom(entryId: string): Promise<void> {
    const entry = (await listHistory()).find((e) => e.id === entryId);
    if (!entry) return;
    this.conversation = await restoreConversation(entry);
    if (entry.thumbnail) this.thumbs.set(entry.id, entry.thumbnail);
    // History keeps only the filmstrip's thumbnails: they are what a follow-up can send again.
    if (this.conversation.video) this.videoFrames.set(entry.id, this.conversation.video.frames.map((f) => dataUrlToBytes(f.thumb)));
    this.changed();
  }

  /**
   * A restored conversation the companion no longer knows (it restarted, or the entry was
   * imported): the follow-up is sent again with the stored thumbnail as the image.
   */
  private resendRestored(conversation: Conversation, turn: Turn): boolean {
    const frames = conversation.video ? this.videoFrames.get(conversation.id) : undefined;
    const image = conversation.image;
    if (conversation.restored !== 'history' || !(frames || image) || turn.error?.code !== 'not_found' || !turn.prompt) return false;
    conversation.restored = 'resent';
    conversation.turns.splice(conversation.turns.indexOf(turn), 1);
    if (conversation.video && frames) void this.submitVideo(conversation, turn.task, { frames, video: conversation.video }, turn.prompt);
    else if (image) void this.submitImage(conversation, turn.task, { bytes: dataUrlToBytes(image.dataUrl), image }, turn.prompt);
    return true;
  }

  cancel(id: string): void {
    try {
      this.link.send(cancelMessage(id));
    } catch {
      const turn = this.conversation?.turns.find((x) => x.id === id);
      if (turn && turn.status !== 'done') {
        turn.status = 'cancelled';
        this.changed();
      }
    }
  }

  /** Fails a conversation before anything was sent (e.g. the page could not be captured). */
  fail(conversation: Conversation, task: Task, message: string, hint?: string): void {
    const turn = this.addTurn(conversation, task);
    turn.status = 'error';
    turn.error = { code: 'bad_request', message, ...(hint ? { hint } : {}) };
    this.busy = undefined;
    this.changed();
  }

  onServerMessage(message: ServerMessage): void {
    if (message.type === 'hello' || message.type === 'status') {
      this.status = message.status;
      this.changed();
      return;
    }
    const conversation = this.conversation;
    if (!conversation || !applyServerMessage(conversation, message)) return;
    this.changed();
    if (isTerminal(message) && message.id) {
      const turn = conversation.turns.find((x) => x.id === message.id);
      if (turn && this.resendRestored(conversation, turn)) return;
      const hook = this.hooks.get(message.id);
      this.hooks.delete(message.id);
      if (turn && hook) hook(turn, conversation);
      void this.persist(conversation);
    }
  }

  onDisconnect(): void {
    this.known.clear();
    if (this.conversation && failUnfinished(this.conversation, t('errLinkLost'), t('hintStart'))) {
      void this.persist(this.conversation);
    }
    this.changed();
  }

  private limits(): { maxTokens?: number } {
    return this.maxTokens ? { maxTokens: this.maxTokens } : {};
  }

  private locale(): 'en' | 'zh-CN' {
    const language = this.settings().language;
    return language === 'auto' ? localeFromUi() : language;
  }

  private addTurn(conversation: Conversation, task: Task, prompt?: string): Turn {
    const turn: Turn = { id: newId('j'), task, status: 'sending', text: '', createdAt: Date.now(), ...(prompt ? { prompt } : {}) };
    conversation.turns.push(turn);
    this.busy = undefined;
    this.changed();
    return turn;
  }

  private async send(turn: Turn, frame: () => string | Uint8Array): Promise<void> {
    try {
      await this.link.ready();
      this.link.send(frame());
    } catch {
      const state = this.link.current;
      turn.status = 'error';
      turn.error =
        state.kind === 'unpaired'
          ? { code: 'disconnected', message: t('errUnpaired'), hint: t('hintPair') }
          : { code: 'disconnected', message: t('errOffline', state.port), hint: t('hintStart') };
      turn.finishedAt = Date.now();
      this.changed();
      if (this.conversation) void this.persist(this.conversation);
    }
  }

  private async persist(conversation: Conversation): Promise<void> {
    if (!shouldKeep(conversation)) return;
    try {
      await saveEntry(toEntry(conversation, this.thumbs.get(conversation.id)));
    } catch {
      /* storage full or unavailable: history is best effort */
    }
  }
}

function localeFromUi(): 'en' | 'zh-CN' {
  return (globalThis.navigator?.language ?? 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
