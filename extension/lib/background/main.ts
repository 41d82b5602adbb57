import { DEFAULT_PORT } from '@loupe/shared';
import { browser, type Browser } from 'wxt/browser';
import { setLocale } from '../i18n/i18n';
import { CompanionLink } from '../link/companion-link';
import { credentials, pairViaNativeHost, probeCompanion } from '../link/pairing';
import { ContentToBackground, PanelCommand } from '../messages';
import { defaultSettings, loadSettings, onSettingsChanged, saveSettings, type Settings } from '../settings/settings';
import { actionForCommand, actionForMenu } from '../actions';
import { attachFile, regionFlow, selectionFlow, tabFlow, type FlowContext } from './flows';
import { installMenus } from './menus';
import { Session } from './session';
import { installTestHooks } from './test-hooks';
import { resampleVideo, seekVideo } from './video-flow';

/** Wires the service worker: link to the companion, menus, commands, panel ports. */
export function startBackground(): void {
  let settings: Settings = defaultSettings();
  const getSettings = () => settings;

  const link = new CompanionLink({
    WebSocketImpl: WebSocket,
    credentials,
    probe: (port) => probeCompanion(port),
    defaultPort: DEFAULT_PORT,
    usePort: async (port) => {
      await saveSettings({ port });
    },
    pair: async () => (await pairViaNativeHost()).ok,
    onMessage: (m) => session.onServerMessage(m),
    onState: () => session.changed(),
    onDisconnect: () => session.onDisconnect(),
    onInvalid: (e) => console.warn('loupe: ignored an invalid message from the companion:', e instanceof Error ? e.message : e),
    clientVersion: browser.runtime.getManifest().version,
  });
  const session = new Session(link, getSettings);
  const ready = loadSettings().then((s) => {
    settings = s;
    setLocale(s.language);
    link.connect();
  });
  const ctx: FlowContext = { session, settings: getSettings, ready };
  onSettingsChanged((s) => {
    // A port the link itself found (pairing, discovery) is already in use: no restart for it.
    const relink = (s.port !== settings.port && s.port !== link.current.port) || s.manualToken !== settings.manualToken;
    const relabel = s.language !== settings.language;
    settings = s;
    setLocale(s.language);
    if (relabel) void installMenus();
    if (relink) link.restart();
  });

  browser.runtime.onInstalled.addListener(() => void ready.then(installMenus));
  browser.runtime.onStartup?.addListener(() => void ready.then(installMenus));
  if (import.meta.env.BROWSER !== 'firefox') {
    void browser.sidePanel?.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
  } else {
    browser.action.onClicked.addListener(() => openPanel());
  }

  browser.contextMenus.onClicked.addListener((info, tab) => {
    const action = actionForMenu(info.menuItemId);
    if (!tab || !action) return;
    openPanel(tab.windowId); // needs the user gesture: before any await
    void ready.then(() => action.run(ctx, tab, { frameId: info.frameId ?? 0, ...(info.srcUrl ? { srcUrl: info.srcUrl } : {}) }));
  });

  browser.commands.onCommand.addListener((command, tab) => {
    const action = actionForCommand(command);
    const run = async () => {
      const target = tab ?? (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0];
      if (!target || !action) return;
      await ready;
      await action.run(ctx, target, { frameId: 0 });
    };
    openPanel(tab?.windowId);
    void run();
  });

  browser.runtime.onMessage.addListener((raw, sender) => {
    const parsed = ContentToBackground.safeParse(raw);
    if (!parsed.success || !sender.tab) return undefined;
    if (parsed.data.type === 'region-cancelled') {
      session.attachingTo = undefined;
      session.setBusy(undefined);
      return undefined;
    }
    void regionFlow(ctx, parsed.data, sender.tab);
    return undefined;
  });

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== 'panel') return;
    session.addPort(port);
    link.connect();
    port.onMessage.addListener((raw) => {
      const parsed = PanelCommand.safeParse(raw);
      if (!parsed.success) return;
      const cmd = parsed.data;
      switch (cmd.type) {
        case 'followup':
          return void session.followup(cmd.prompt, cmd.task, cmd.format);
        case 'attach':
          return void attachFile(ctx, cmd.dataUrl);
        case 'detach':
          return session.detach(cmd.index);
        case 'cancel':
          return session.cancel(cmd.id);
        case 'retry':
          return link.restart();
        case 'continue':
          return void session.continueFrom(cmd.id);
        case 'pair':
          return void pairViaNativeHost().then(() => link.restart());
        case 'seek-video':
          return void seekVideo(session.conversation, cmd.time);
        case 'video-resample':
          return void resampleVideo(ctx, cmd.fromNow ? { kind: 'from-now' } : cmd.range ? { kind: 'range', range: cmd.range } : { kind: 'default' });
        case 'capture-tab':
        case 'select-region':
          return void activeTabOfPanel(port).then((tab) => {
            if (!tab) return;
            if (cmd.type === 'capture-tab') return void tabFlow(ctx, cmd.task ?? settings.captureAction, tab);
            // Adding a region to the conversation: any fixed action ends the overlay at once (the follow-up says what to ask).
            session.attachingTo = cmd.attach ? session.conversation?.id : undefined;
            void selectionFlow(ctx, tab, cmd.attach ? 'describe' : undefined);
          });
      }
    });
  });

  // Only the e2e build (scripts/build-e2e.mjs) has the test hooks; the shipped build drops this branch.
  if (import.meta.env.LOUPE_TEST_HOOKS) installTestHooks({ ctx, link });
}

function openPanel(windowId?: number): void {
  try {
    if (import.meta.env.BROWSER === 'firefox') {
      void (browser as unknown as { sidebarAction?: { open(): Promise<void> } }).sidebarAction?.open().catch(() => undefined);
    } else if (windowId !== undefined) {
      void browser.sidePanel?.open({ windowId }).catch(() => undefined);
    }
  } catch {
    /* not in a user gesture: the panel can still be opened from the toolbar */
  }
}

async function activeTabOfPanel(port: Browser.runtime.Port): Promise<Browser.tabs.Tab | undefined> {
  const windowId = port.sender?.tab?.windowId;
  const tabs = await browser.tabs.query(windowId !== undefined ? { active: true, windowId } : { active: true, lastFocusedWindow: true });
  // When the panel itself is open as a tab, the page to capture is the last other tab.
  const own = port.sender?.tab?.id;
  const tab = tabs.find((x) => x.id !== own);
  if (tab) return tab;
  // Its own window may hold only the panel (a pop-out): then look in every window.
  const inWindow = await browser.tabs.query({ lastFocusedWindow: true });
  const all = inWindow.some((x) => x.id !== own && !isExtensionPage(x.url)) ? inWindow : await browser.tabs.query({});
  return all.filter((x) => x.id !== own && !isExtensionPage(x.url)).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}

const isExtensionPage = (url: string | undefined): boolean => /^(chrome|moz)-extension:/.test(url ?? '');
