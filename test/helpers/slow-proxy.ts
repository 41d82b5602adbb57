import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy to `targetPort` that passes server→client bytes at about `bytesPerSecond`,
 * so a download is reliably still running when a test interrupts it.
 */
export async function startSlowProxy(targetPort: number, bytesPerSecond: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    const tick = 50;
    const perTick = Math.max(1, Math.floor((bytesPerSecond * tick) / 1000));
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const timer = setInterval(() => {
      let budget = perTick;
      while (budget > 0 && pending.length) {
        const head = pending[0]!;
        const take = head.subarray(0, budget);
        if (client.writable) client.write(take);
        budget -= take.length;
        pendingBytes -= take.length;
        if (take.length === head.length) pending.shift();
        else pending[0] = head.subarray(take.length);
      }
      if (pendingBytes < perTick * 20) upstream.resume();
    }, tick);
    upstream.on('data', (c: Buffer) => {
      pending.push(c);
      pendingBytes += c.length;
      if (pendingBytes > perTick * 40) upstream.pause();
    });
    const end = () => {
      clearInterval(timer);
      pending = [];
      client.destroy();
      upstream.destroy();
    };
    upstream.on('end', () => {
      // Flush what is left at the same pace, then close.
      const drain = setInterval(() => {
        if (pending.length === 0) {
          clearInterval(drain);
          end();
        }
      }, tick);
    });
    upstream.on('error', end);
    client.on('error', end);
    client.on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
