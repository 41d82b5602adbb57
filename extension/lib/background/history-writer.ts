import { thumbnail } from '../capture/image-bytes';
import { saveEntry, shouldKeep, toEntry } from '../history/history-store';
import type { Conversation, SentImage } from '../jobs/conversation';

/**
 * Writes the live conversation to history: each sent image's thumbnail is made once, when it is
 * attached or sent, and stored with it; the list's picture is the first image's, or a video's middle frame.
 */
export class HistoryWriter {
  private thumbs = new WeakMap<SentImage, string>();

  noteImage(image: SentImage): void {
    if (this.thumbs.has(image)) return;
    void thumbnail(image.dataUrl).then((th) => {
      if (th) this.thumbs.set(image, th);
    });
  }

  async save(conversation: Conversation): Promise<void> {
    if (!shouldKeep(conversation)) return;
    const thumb = (image: SentImage) => this.thumbs.get(image);
    const frames = conversation.video?.frames;
    const listPicture = frames ? frames[Math.floor(frames.length / 2)]?.thumb : conversation.image && thumb(conversation.image);
    try {
      await saveEntry(toEntry(conversation, listPicture, thumb));
    } catch {
      /* storage full or unavailable: history is best effort */
    }
  }
}
