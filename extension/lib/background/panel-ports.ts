import { statusMessage } from '@loupe/shared';
import type { Browser } from 'wxt/browser';
import type { CompanionLink } from '../link/companion-link';

/**
 * The side panels watching the session: each hears the state when it connects and after every
 * change (coalesced), and while one is open the companion's status is polled.
 */
export class PanelPorts<State> {
  private ports = new Set<Browser.runtime.Port>();
  private pending: ReturnType<typeof setTimeout> | null = null;
  private statusTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly link: CompanionLink,
    private readonly state: () => State,
  ) {}

  add(port: Browser.runtime.Port): void {
    this.ports.add(port);
    port.onDisconnect.addListener(() => {
      this.ports.delete(port);
      if (this.ports.size === 0 && this.statusTimer) {
        clearInterval(this.statusTimer);
        this.statusTimer = null;
      }
    });
    port.postMessage(this.state());
    // Engines load in the background (a model can take minutes): keep the panel's view fresh.
    this.statusTimer ??= setInterval(() => {
      if (this.link.current.kind !== 'connected') return;
      try {
        this.link.send(statusMessage());
      } catch {
        /* reconnecting */
      }
    }, 3_000);
  }

  /** Coalesces updates (deltas arrive every ~30 ms) into at most one post per 40 ms. */
  changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      const state = this.state();
      for (const port of this.ports) {
        try {
          port.postMessage(state);
        } catch {
          this.ports.delete(port);
        }
      }
    }, 40);
  }
}
