#!/usr/bin/env node
// E2E tests drive Debian's Chromium: installs it when missing.
import { ensureAptBrowser } from './apt-browser.mjs';

ensureAptBrowser({ binary: process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium', apt: 'chromium', envVar: 'LOUPE_CHROMIUM', what: 'a Chromium binary' });
