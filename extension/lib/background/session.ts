import { cancelMessage, encodeSubmitFrame, isTerminal, MAX_IMAGES_PER_JOB } from '@loupe/shared';
import type { ResponseFormat, ServerMessage, ServerStatus, SubmitJobInput, Task } from '@loupe/shared';
import type { Browser } from 'wxt/browser';
import type { Prepared } from '../capture/image-bytes';
import { dataUrlToBytes, thumbnail } from '../capture/image-bytes';
import { restoreConversation } from '../history/continue';
import { listHistory, saveEntry, shouldKeep, toEntry } from '../history/history-store';
import { t } from '../i18n/i18n';
import { applyServerMessage, conversationImages, failUnfinished, newId, type Conversation, type SentImage, type Turn } from '../jobs/conversation';
import type { CompanionLink, LinkState } from '../link/companion-link';
import type { Settings } from '../settings/settings';

/** `draft`: images attached for the next follow-up, not sent yet. */
export type PanelState = { type: 'state'; conversation: Conversation | null; link: LinkState; status?: ServerStatus; busy?: string; draft: SentImage[] };

/** Options of a first job beyond its task: the user's prompt, Extract as JSON's format, a hook when it ends. */
export interface JobOptions {
  prompt?: string;
  format?: ResponseFormat;
  hook?: TurnHook;
}

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
  /** Each sent image's thumbnail, made once when it is attached or sent (history stores them). */
  private imageThumbs = new WeakMap<SentImage, string>();
  /** Images attached in the panel for the next follow-up. */
  draft: SentImage[] = [];
  /** The conversation a region being selected will be attached to (the panel's "Add a region"). */
  attachingTo: string | undefined;
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
        this.link.send(JSON.stringify({ type: 'status' }));
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
      draft: this.draft,
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
    this.draft = [];
    this.attachingTo = undefined;
    this.changed();
    return this.conversation;
  }

  /** Sends the first job of a conversation: one binary frame with the image bytes. */
  async submitImage(conversation: Conversation, task: Task, prepared: Prepared, options: JobOptions = {}): Promise<void> {
    const { prompt, format, hook } = options;
    conversation.image = prepared.image;
    this.makeThumbnail(prepared.image);
    const turn = this.addTurn(conversation, task, prompt, format);
    if (hook) this.hooks.set(turn.id, hook);
    this.known.add(conversation.id);
    await this.send(turn, () => encodeSubmitFrame(this.job(conversation, turn), [prepared.bytes]));
  }

  /** Room left for attached images: the companion keeps at most MAX_IMAGES_PER_JOB per conversation. */
  attachRoom(): number {
    return this.conversation ? MAX_IMAGES_PER_JOB - conversationImages(this.conversation).length - this.draft.length : 0;
  }

  /** An image for the next follow-up (pasted, dropped, picked, or a region of the page). */
  attach(image: SentImage): boolean {
    if (this.attachRoom() <= 0) return false;
    this.draft = [...this.draft, image];
    this.makeThumbnail(image);
    this.changed();
    return true;
  }

  detach(index: number): void {
    this.draft = this.draft.filter((_, i) => i !== index);
    this.changed();
  }

  /**
   * A follow-up in the same conversation. With no new image and a companion that holds the
   * conversation: JSON text. New images (attached in the panel) go in a binary frame, and the
   * companion adds them to the conversation's; after a reconnect every image is sent again.
   */
  async followup(prompt: string, task: Task = 'ask', format?: ResponseFormat): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    const attached = this.draft;
    this.draft = [];
    const known = this.known.has(conversation.id);
    const earlier = known ? [] : conversationImages(conversation);
    const turn = this.addTurn(conversation, task, prompt, format, attached);
    const job = this.job(conversation, turn);
    const images = [...earlier, ...attached];
    this.known.add(conversation.id);
    await this.send(turn, () => (images.length ? encodeSubmitFrame(job, images.map((i) => dataUrlToBytes(i.dataUrl))) : JSON.stringify(job)));
  }

  /** "Continue this conversation" from history: it becomes the live one, ready for a follow-up. */
  async continueFrom(entryId: string): Promise<void> {
    const entry = (await listHistory()).find((e) => e.id === entryId);
    if (!entry) return;
    this.conversation = await restoreConversation(entry);
    this.draft = [];
    for (const image of conversationImages(this.conversation)) this.makeThumbnail(image);
    this.changed();
  }

  /**
   * A restored conversation the companion no longer knows (it restarted, or the entry was
   * imported): the follow-up is sent again with the stored thumbnail as the image.
   */
  private resendRestored(conversation: Conversation, turn: Turn): boolean {
    if (conversation.restored !== 'history' || !conversation.image || turn.error?.code !== 'not_found' || !turn.prompt) return false;
    conversation.restored = 'resent';
    conversation.turns.splice(conversation.turns.indexOf(turn), 1);
    // Every stored image goes again (this turn's own ones last, as they were sent).
    this.draft = turn.images ?? [];
    this.known.delete(conversation.id);
    void this.followup(turn.prompt, turn.task, turn.format);
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

  /** The submit header for a turn (images are listed by encodeSubmitFrame). */
  private job(conversation: Conversation, turn: Turn): Omit<SubmitJobInput, 'images'> {
    return {
      type: 'submit',
      id: turn.id,
      task: turn.task,
      locale: this.locale(),
      conversationId: conversation.id,
      ...(turn.prompt ? { prompt: turn.prompt } : {}),
      ...(turn.format ? { format: turn.format } : {}),
      ...this.limits(),
    };
  }

  private makeThumbnail(image: SentImage): void {
    if (this.imageThumbs.has(image)) return;
    void thumbnail(image.dataUrl).then((th) => {
      if (th) this.imageThumbs.set(image, th);
    });
  }

  private addTurn(conversation: Conversation, task: Task, prompt?: string, format?: ResponseFormat, images?: SentImage[]): Turn {
    const turn: Turn = {
      id: newId('j'),
      task,
      status: 'sending',
      text: '',
      createdAt: Date.now(),
      ...(prompt ? { prompt } : {}),
      ...(format ? { format } : {}),
      ...(images?.length ? { images } : {}),
    };
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
      const thumb = (image: SentImage) => this.imageThumbs.get(image);
      await saveEntry(toEntry(conversation, conversation.image && thumb(conversation.image), thumb));
    } catch {
      /* storage full or unavailable: history is best effort */
    }
  }
}

function localeFromUi(): 'en' | 'zh-CN' {
  return (globalThis.navigator?.language ?? 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
