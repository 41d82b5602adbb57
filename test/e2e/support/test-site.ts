import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/daemon';
import type { AddressInfo } from 'node:net';

/** Local test pages served on an ephemeral loopback port. */
export interface TestSite {
  url: string;
  files: Map<string, { type: string; body: Buffer | string }>;
  /** Every requested path with its query, in order (to prove that something was never fetched). */
  requests: string[];
  close(): Promise<void>;
}

export async function startTestSite(): Promise<TestSite> {
  const files = new Map<string, { type: string; body: Buffer | string }>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files.get(path);
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    // Byte ranges, as media servers answer them: a <video> seeks by asking for a range.
    const body = typeof file.body === 'string' ? Buffer.from(file.body) : file.body;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const headers = { 'content-type': file.type, 'cache-control': 'no-store', 'accept-ranges': 'bytes' };
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, body.length - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start > end || start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` }).end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const page = (title: string, body: string, style = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:'DejaVu Sans',sans-serif;margin:24px;color:#111}${style}</style></head><body>${body}</body></html>`;

/** The text drawn into text.png (the <img> page) — what OCR must read back. */
export const IMAGE_TEXT = ['Invoice 2048', 'Total due 315 EUR'];
/** Drawn on a <canvas>: no URL to fetch, its pixels are read from the page. */
export const CANVAS_TEXT = 'Canvas chart 77';
/** Drawn into the frames of a <video>: its current frame is read from the page. */
export const VIDEO_TEXT = 'Video frame 42';
/** Inside an <iframe>: a region selected on its parent page covers it. */
export const FRAMED_TEXT = 'Framed receipt 19';
/** The paragraph far down the article page, selected as a region after scrolling. */
export const REGION_TEXT = ['Quarterly report', 'Revenue grew by 12 percent'];

/**
 * A 12 s, 320 × 180 VP8 clip of ffmpeg's test pattern (a running counter, ten frames a second, a
 * keyframe each second), made once with Debian's ffmpeg:
 * `ffmpeg -f lavfi -i testsrc=size=320x180:rate=10:duration=12 -c:v libvpx -b:v 150k -g 10 -an clip-12s.webm`
 */
export const CLIP = { path: '/clip.webm', seconds: 12, width: 320, height: 180 };
const clipBytes = () => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'clip-12s.webm'));

/** A page with the clip in a <video>, from this origin or (`crossOrigin`) from another one without CORS: its pixels cannot be read. */
const videoPage = (src: string) =>
  page('A video clip', `<h1>Clip</h1><video id="clip" src="${src}" muted playsinline controls preload="auto" width="320" height="180" style="border:1px solid #ccc"></video>`);

export function addPages(site: TestSite): void {
  site.files.set(CLIP.path, { type: 'video/webm', body: clipBytes() });
  site.files.set('/video-clip.html', { type: 'text/html', body: videoPage(CLIP.path) });
  // localhost and 127.0.0.1 are two origins (same server): the page cannot read the other's video pixels.
  site.files.set('/video-cross.html', { type: 'text/html', body: videoPage(`${site.url.replace('127.0.0.1', 'localhost')}${CLIP.path}`) });
  site.files.set(
    '/text-source.html',
    {
      type: 'text/html',
      body: page('source', `<div id="card" style="display:inline-block;padding:24px 32px;background:#fff">${IMAGE_TEXT.map((l) => `<p style="font-size:40px;margin:8px 0">${l}</p>`).join('')}</div>`, 'body{background:#fff;margin:0}'),
    },
  );
  site.files.set('/image.html', { type: 'text/html', body: page('An image', `<h1>Photo page</h1><img id="img" src="/text.png" alt="scanned invoice" style="border:1px solid #ccc;width:480px">`) });
  site.files.set(
    '/background.html',
    {
      type: 'text/html',
      body: page('A CSS background', `<h1>Hero</h1><div id="hero" style="width:400px;height:250px;background-image:url('/photo.png');background-size:cover"><span style="color:#fff">overlaid caption</span></div>`),
    },
  );
  site.files.set(
    '/canvas.html',
    {
      type: 'text/html',
      body: page(
        'A canvas',
        `<h1>Chart</h1><canvas id="cv" width="520" height="140" style="border:1px solid #ccc"></canvas>
         <script>const c=document.getElementById('cv').getContext('2d');c.fillStyle='#fff';c.fillRect(0,0,520,140);c.fillStyle='#111';c.font='44px DejaVu Sans, sans-serif';c.fillText('${CANVAS_TEXT}',20,85);</script>`,
      ),
    },
  );
  site.files.set(
    '/video.html',
    {
      type: 'text/html',
      // A real <video> playing a stream of frames (a canvas's capture stream: no codec files needed).
      body: page(
        'A video',
        `<h1>Clip</h1><video id="vid" autoplay muted playsinline width="560" height="140" style="border:1px solid #ccc"></video>
         <script>const cv=document.createElement('canvas');cv.width=560;cv.height=140;const c=cv.getContext('2d');let n=0;
         (function draw(){c.fillStyle='#fff';c.fillRect(0,0,560,140);c.fillStyle='#111';c.font='44px DejaVu Sans, sans-serif';c.fillText('${VIDEO_TEXT}',20,85);c.fillStyle=n++%2?'#fff':'#fefefe';c.fillRect(550,130,4,4);requestAnimationFrame(draw);})();
         const v=document.getElementById('vid');v.srcObject=cv.captureStream(30);v.play();</script>`,
      ),
    },
  );
  site.files.set(
    '/framed.html',
    {
      type: 'text/html',
      body: page(
        'A page with an iframe',
        `<h1>Embedded</h1><iframe id="fr" style="width:560px;height:130px;border:1px solid #ccc"
           srcdoc="<body style='margin:0;background:#fff'><p style='font:40px DejaVu Sans, sans-serif;margin:36px 20px'>${FRAMED_TEXT}</p></body>"></iframe>`,
      ),
    },
  );
  site.files.set(
    '/article.html',
    {
      type: 'text/html',
      body: page(
        'A long article',
        `<h1>Article</h1><div style="height:1400px;background:linear-gradient(#eef,#fff)">filler</div>
         <div id="region" style="display:inline-block;padding:16px 24px;border:1px solid #ddd;background:#fff">${REGION_TEXT.map((l) => `<p style="font-size:28px;margin:6px 0">${l}</p>`).join('')}</div>
         <div style="height:800px"></div>`,
      ),
    },
  );
  site.files.set(
    '/mockup.html',
    {
      type: 'text/html',
      body: page(
        'A mockup',
        `<header style="display:flex;justify-content:space-between;align-items:center;background:#1e3a8a;color:#fff;padding:16px 24px;border-radius:8px"><b style="font-size:22px">Acme</b><nav>Home · Pricing · Contact</nav></header>
         <main style="display:grid;grid-template-columns:repeat(3,1fr);gap:16px;margin-top:24px">${['Starter', 'Pro', 'Team']
           .map((n, i) => `<section style="border:1px solid #ddd;border-radius:8px;padding:16px"><h2>${n}</h2><p style="font-size:28px">$${(i + 1) * 9}</p><button style="background:#2563eb;color:#fff;border:0;border-radius:6px;padding:8px 16px">Choose</button></section>`)
           .join('')}</main>`,
      ),
    },
  );
}
