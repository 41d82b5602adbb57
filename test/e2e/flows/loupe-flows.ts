import { describe } from 'vitest';
import type { BrowserUnderTest, LoupeBrowser } from '../support/browser-adapter';
import { flowIt, useHarness, type Harness, type HarnessOptions } from './harness';
import { imageFlows } from './image-flows';
import { captureFlows, languageAndReconnectFlows, pairingFlow } from './panel-flows';
import { turnsAndJsonFlows } from './turns-json-flows';
import { videoFlows } from './video-flows';

export interface LoupeFlowsOptions<B extends LoupeBrowser> extends Pick<HarnessOptions<B>, 'vlm'> {
  /** The devicePixelRatio the browser renders at (default 2; another one is named in the title and artifacts folder). */
  dpr?: number;
  /** Flow keys to run (default: all), e.g. ['pairing', 'region-ocr']. */
  only?: readonly string[];
  /** Browser-specific tests, run after history and before the language switch. */
  extra?: (h: Harness<B>) => void;
}

/**
 * The user flows, the same for every browser, in the order a user meets them: pairing, the
 * panel, right-click image, region select, a second image and Extract as JSON, right-click video,
 * capture → HTML, follow-up, history, zh-CN, reconnect.
 * Each browser's test file calls this with its browser (test/e2e/support/browser-adapter.ts).
 */
export function describeLoupeFlows<B extends LoupeBrowser>(browser: BrowserUnderTest<B>, o: LoupeFlowsOptions<B> = {}): void {
  const dpr = o.dpr ?? 2;
  const title = `Loupe extension in ${browser.name}${dpr === 2 ? '' : ` at devicePixelRatio ${dpr}`}`;
  describe(title, () => {
    const h = useHarness({ launch: browser.launch, dpr, artifacts: `${browser.artifacts}${dpr === 2 ? '' : `-dpr${dpr}`}`, ...(o.vlm === undefined ? {} : { vlm: o.vlm }) });
    const flow = flowIt(o.only);
    pairingFlow(h, flow);
    imageFlows(h, flow);
    turnsAndJsonFlows(h, flow);
    videoFlows(h, flow);
    captureFlows(h, flow);
    o.extra?.(h);
    languageAndReconnectFlows(h, flow);
  });
}
