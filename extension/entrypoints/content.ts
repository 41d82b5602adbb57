import { startContent } from '@/lib/content/main';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  runAt: 'document_idle',
  main(ctx) {
    startContent(ctx);
  },
});
