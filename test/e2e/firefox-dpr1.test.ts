import { launchFirefox } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

/** Region select → OCR in Firefox at devicePixelRatio 1 (the main Firefox run is at 2), OCR engine only. */
describeLoupeFlows('Loupe extension in Firefox at devicePixelRatio 1', {
  launch: launchFirefox,
  dpr: 1,
  artifacts: 'e2e-firefox-dpr1',
  vlm: false,
  only: ['region-ocr'],
});
