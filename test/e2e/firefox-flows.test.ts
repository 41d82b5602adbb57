import { launchFirefox } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

/**
 * The same user flows in Debian's Firefox ESR (devicePixelRatio 2), driven over WebDriver BiDi,
 * against the real companion, paired through the native-messaging host in Firefox's own folder.
 * The panel is the sidebar's page opened in its own window: automation cannot open the sidebar.
 */
describeLoupeFlows('Loupe extension in Firefox', { launch: launchFirefox, dpr: 2, artifacts: 'e2e-firefox' });
