// Just over 300 lines: the one conversation session (submit, follow-up, resend, history) the panel and menus drive.
import { cancelMessage, isTerminal, MAX_IMAGES_PER_JOB, submitFrame, submitText, type SubmitFields } from '@loupe/shared';
import type { ResponseFormat, ServerMessage, ServerStatus, Task } from '@loupe/shared';
import type { Browser } from 'wxt/browser';
import type { Prepared } from '../capture/image-bytes';
import { dataUrlToBytes } from '../capture/image-bytes';
import { filled } from '../fields';
import { restoreConversation } from '../history/continue';
import { listHistory } from '../history/history-store';
import { t } from '../i18n/i18n';
import { applyServerMessage, conversationImages, failUnfinished, newId, type Conversation, type SentImage, type Turn } from '../jobs/conversation';
import type { CompanionLink, LinkState } from '../link/companion-link';
import type { Settings } from '../settings/settings';
import { HistoryWriter } from './history-writer';
import { PanelPorts } from './panel-ports';
import type { PreparedVideo } from './video-flow';

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
 * The background's one live conversation (what the side panel shows, PanelPorts), the images
 * attached for its next follow-up, and the jobs in flight. Finished turns are written to history.
 */
export class Session {
  conversation: Conversation | null = null;
  /** A line shown while an image is being prepared ("Capturing…"). */
  busy: string | undefined;
  private hooks = new Map<string, TurnHook>();
  private history = new HistoryWriter();
  /** Images attached in the panel for the next follow-up. */
  draft: SentImage[] = [];
  /** The conversation a region being selected will be attached to (the panel's "Add a region"). */
  attachingTo: string | undefined;
  /** The stills each video conversation sent (sent again after a reconnect). */
  private videoFrames = new Map<string, Uint8Array[]>();
  /** Conversations whose image the current connection has: the companion scopes them to it. */
  private known = new Set<string>();
  /** The companion's latest status (engines, model, device), refreshed while a panel is open. */
  private status: ServerStatus | undefined;
  /** Caps answers (set only by the end-to-end tests, whose stand-in model is slow on CPU). */
  maxTokens: number | undefined;
  private readonly panels: PanelPorts<PanelState>;

  constructor(
    private readonly link: CompanionLink,
    private readonly settings: () => Settings,
  ) {
    this.panels = new PanelPorts(link, () => this.snapshot());
  }

  addPort(port: Browser.runtime.Port): void {
    this.panels.add(port);
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

  changed(): void {
    this.panels.changed();
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
    this.history.noteImage(prepared.image);
    const turn = this.addTurn(conversation, task, prompt, format);
    if (hook) this.hooks.set(turn.id, hook);
    this.known.add(conversation.id);
    await this.send(turn, () => submitFrame(this.job(conversation, turn), [prepared.bytes]));
  }

  /** A video's first job: its stills in time order, with their times (the clip). */
  async submitVideo(conversation: Conversation, task: Task, prepared: PreparedVideo, prompt?: string): Promise<void> {
    this.holdVideo(conversation, prepared);
    const turn = this.addTurn(conversation, task, prompt);
    this.known.add(conversation.id);
    await this.send(turn, () => submitFrame({ ...this.job(conversation, turn), video: prepared.video.clip }, prepared.frames));
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
  }

  /**
   * Room left for attached images: the companion keeps at most MAX_IMAGES_PER_JOB per
   * conversation, and a video conversation is about its clip (it takes no images).
   */
  attachRoom(): number {
    const conversation = this.conversation;
    return conversation && !conversation.video ? MAX_IMAGES_PER_JOB - conversationImages(conversation).length - this.draft.length : 0;
  }

  /** An image for the next follow-up (pasted, dropped, picked, or a region of the page). */
  attach(image: SentImage): boolean {
    if (this.attachRoom() <= 0) return false;
    this.draft = [...this.draft, image];
    this.history.noteImage(image);
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
   * companion adds them to the conversation's. When the companion does not hold the conversation
   * yet (Ask about video) or any more (a reconnect), its pictures are sent again: every image in
   * order, or the video's stills with their clip.
   */
  async followup(prompt: string, task: Task = 'ask', format?: ResponseFormat): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    const attached = this.draft;
    this.draft = [];
    const fresh = !this.known.has(conversation.id);
    const earlier = fresh ? conversationImages(conversation) : [];
    const frames = fresh && conversation.video ? this.videoFrames.get(conversation.id) : undefined;
    const turn = this.addTurn(conversation, task, prompt, format, attached);
    const job = this.job(conversation, turn);
    const images = [...earlier, ...attached];
    this.known.add(conversation.id);
    await this.send(turn, () =>
      frames && conversation.video
        ? submitFrame({ ...job, video: conversation.video.clip }, frames)
        : images.length
          ? submitFrame(job, images.map((i) => dataUrlToBytes(i.dataUrl)))
          : submitText(job),
    );
  }

  /** "Continue this conversation" from history: it becomes the live one, ready for a follow-up. */
  async continueFrom(entryId: string): Promise<void> {
    const entry = (await listHistory()).find((e) => e.id === entryId);
    if (!entry) return;
    this.conversation = await restoreConversation(entry);
    this.draft = [];
    for (const image of conversationImages(this.conversation)) this.history.noteImage(image);
    // History keeps only the filmstrip's thumbnails: they are what a follow-up can send again.
    if (this.conversation.video) this.videoFrames.set(entry.id, this.conversation.video.frames.map((f) => dataUrlToBytes(f.thumb)));
    this.changed();
  }

  /**
   * A restored conversation the companion no longer knows (it restarted, or the entry was
   * imported): the follow-up is sent again with the stored pictures (images, or the filmstrip as the video's frames).
   */
  private resendRestored(conversation: Conversation, turn: Turn): boolean {
    const frames = conversation.video ? this.videoFrames.get(conversation.id) : undefined;
    if (conversation.restored !== 'history' || !(frames || conversation.image) || turn.error?.code !== 'not_found' || !turn.prompt) return false;
    conversation.restored = 'resent';
    conversation.turns.splice(conversation.turns.indexOf(turn), 1);
    // Every stored picture goes again (this turn's own images last, as they were sent).
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
      void this.history.save(conversation);
    }
  }

  onDisconnect(): void {
    this.known.clear();
    if (this.conversation && failUnfinished(this.conversation, t('errLinkLost'), t('hintStart'))) {
      void this.history.save(this.conversation);
    }
    this.changed();
  }


  private locale(): 'en' | 'zh-CN' {
    const language = this.settings().language;
    return language === 'auto' ? localeFromUi() : language;
  }

  /** The submit header for a turn (submitFrame lists the images). */
  private job(conversation: Conversation, turn: Turn): SubmitFields {
    return {
      id: turn.id,
      task: turn.task,
      locale: this.locale(),
      conversationId: conversation.id,
      ...filled({ prompt: turn.prompt, format: turn.format, maxTokens: this.maxTokens }),
    };
  }

  private addTurn(conversation: Conversation, task: Task, prompt?: string, format?: ResponseFormat, images?: SentImage[]): Turn {
    const turn: Turn = { id: newId('j'), task, status: 'sending', text: '', createdAt: Date.now(), ...(prompt ? { prompt } : {}), ...(format ? { format } : {}), ...(images?.length ? { images } : {}) };
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
      if (this.conversation) void this.history.save(this.conversation);
    }
  }
}

function localeFromUi(): 'en' | 'zh-CN' {
  return (globalThis.navigator?.language ?? 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
