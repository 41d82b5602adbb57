#!/usr/bin/env node
// The Firefox e2e project drives Debian's Firefox ESR: installs it when missing.
import { ensureAptBrowser } from './apt-browser.mjs';

ensureAptBrowser({ binary: process.env.LOUPE_FIREFOX ?? '/usr/bin/firefox-esr', apt: 'firefox-esr', envVar: 'LOUPE_FIREFOX', what: 'a Firefox (≥ 128) binary' });
