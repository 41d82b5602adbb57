import type { CDPSession, Page } from 'playwright-core';
import { pollOverlay, type ClosedOverlay } from './ui';

interface CdpNode {
  nodeId: number;
  nodeName: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: Array<CdpNode & { shadowRootType?: string }>;
  contentDocument?: CdpNode;
}

/**
 * Reaches into the region overlay's closed shadow root the way only a debugger can (CDP with
 * `pierce`), and drives it with trusted input (real mouse and keyboard events): what a user does,
 * and what the page itself cannot.
 */
export async function closedOverlay(page: Page): Promise<ClosedOverlay> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const find = async (selector: string): Promise<number> => {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const stack: CdpNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      for (const shadow of node.shadowRoots ?? []) {
        if (node.nodeName === 'LOUPE-UI' && shadow.shadowRootType === 'closed') {
          const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: shadow.nodeId, selector })) as { nodeId: number };
          if (nodeId) return nodeId;
        }
      }
      stack.push(...(node.children ?? []));
    }
    return 0;
  };
  const waitFor = (selector: string, timeoutMs?: number): Promise<number> => pollOverlay(() => find(selector), selector, timeoutMs);
  const center = async (selector: string) => {
    const { model } = (await cdp.send('DOM.getBoxModel', { nodeId: await waitFor(selector) })) as { model: { content: number[] } };
    const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
    return { x: (x1 + x3) / 2, y: (y1 + y3) / 2 };
  };
  const overlay: ClosedOverlay = {
    waitFor,
    has: async (selector: string) => (await find(selector)) !== 0,
    async text(selector: string): Promise<string> {
      const { object } = (await cdp.send('DOM.resolveNode', { nodeId: await waitFor(selector) })) as { object: { objectId: string } };
      const { result } = (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { return this.textContent; }', returnByValue: true })) as { result: { value: string } };
      return result.value;
    },
    async click(selector: string): Promise<void> {
      const { x, y } = await center(selector);
      await page.mouse.click(x, y);
    },
    async fill(selector: string, text: string): Promise<void> {
      await overlay.click(selector);
      await page.keyboard.type(text);
    },
    detach: () => cdp.detach().catch(() => undefined),
  };
  return overlay;
}
