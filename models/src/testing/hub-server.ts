// One fake service: splitting it would scatter one wire protocol across files.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

/**
 * A loopback stand-in for the Hugging Face hub, serving local directories as model repos the way
 * the hub does for @huggingface/hub: model info (/api/models/<repo>/revision/<rev>), tree listing
 * with Link pagination, and /<repo>/resolve/<rev>/<path> with ETag (sha256 for LFS files, git blob
 * oid otherwise), X-Repo-Commit, Content-Length and Range. Tests can cut a download mid-way or
 * serve corrupted bytes.
 */
export interface HubFile {
  path: string;
  abs: string;
  size: number;
  sha256: string;
  gitOid: string;
  lfs: boolean;
}

export interface HubRequest {
  method: string;
  url: string;
  range?: string;
}

export interface HubServer {
  url: string;
  commit(repo: string): string;
  files(repo: string): HubFile[];
  requests: HubRequest[];
  /** The next `times` body responses for `path` stop after `bytes` bytes and drop the connection. */
  cutAfter(path: string, bytes: number, times?: number): void;
  /**
   * A hostile hub: list `path` (any string — `..`, absolute, backslashes) with the bytes of `abs`,
   * and answer every resolve request that matches no real file with those bytes (URL
   * normalisation folds `..` before the request arrives).
   */
  listHostile(repo: string, path: string, abs: string): Promise<void>;
  /** Serve `path` with `extra` more bytes than listed, chunked (no Content-Length), until cleared. */
  oversize(path: string, extra: number): void;
  /** Serve `path` with one byte flipped (same size) until cleared. */
  corrupt(path: string, on?: boolean): void;
  close(): Promise<void>;
}

export interface HubServerOptions {
  /** repo name ("owner/name") → directory to serve. */
  repos: Record<string, string>;
  /** Entries per tree page (exercises Link pagination). */
  pageSize?: number;
}

const isLfsPath = (path: string, size: number) => size >= 1_000_000 || /\.onnx(_data(_\d+)?)?$/.test(path);

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(abs)));
    else if (entry.isFile()) out.push(abs);
  }
  return out;
}

async function indexRepo(dir: string): Promise<{ files: HubFile[]; commit: string }> {
  const files: HubFile[] = [];
  for (const abs of (await walk(dir)).sort()) {
    const data = await readFile(abs);
    const path = relative(dir, abs).split(sep).join('/');
    files.push({
      path,
      abs,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      gitOid: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex'),
      lfs: isLfsPath(path, data.length),
    });
  }
  const commit = createHash('sha1')
    .update(files.map((f) => `${f.path}:${f.sha256}`).join('\n'))
    .digest('hex');
  return { files, commit };
}

export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const repos = new Map<string, { files: HubFile[]; commit: string }>();
  for (const [name, dir] of Object.entries(options.repos)) repos.set(name, await indexRepo(dir));
  const pageSize = options.pageSize ?? 1000;
  const requests: HubRequest[] = [];
  const cuts = new Map<string, { bytes: number; times: number }>();
  const corrupted = new Set<string>();
  const hostileFallback = new Map<string, HubFile>();
  const oversized = new Map<string, number>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, code: string, message: string) => {
    json(res, 404, { error: message }, { 'X-Error-Code': code });
  };
  const lookup = (owner: string, name: string, rev: string) => {
    const repo = repos.get(`${owner}/${name}`);
    if (!repo) return undefined;
    if (!['main', 'HEAD', repo.commit].includes(rev)) return 'bad-revision' as const;
    return repo;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://hub.local');
    requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search, range: req.headers.range });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

    if (parts[0] === 'api' && parts[1] === 'models' && parts.length >= 5) {
      const [, , owner, name, kind, rev = 'main', ...rest] = parts;
      const repo = lookup(owner!, name!, rev);
      if (!repo) return notFound(res, 'RepoNotFound', 'Repository not found');
      if (repo === 'bad-revision') return notFound(res, 'RevisionNotFound', 'Invalid rev id');
      if (kind === 'revision') {
        return json(res, 200, {
          _id: `loopback-${owner}-${name}`,
          id: `${owner}/${name}`,
          sha: repo.commit,
          private: false,
          gated: false,
          downloads: 0,
          likes: 0,
          lastModified: new Date(0).toISOString(),
          pipeline_tag: 'image-text-to-text',
          siblings: repo.files.map((f) => ({ rfilename: f.path })),
        });
      }
      if (kind === 'tree') {
        const prefix = rest.join('/');
        const recursive = url.searchParams.get('recursive') === 'true';
        const entries = treeEntries(repo.files, prefix, recursive);
        const cursor = Number(url.searchParams.get('cursor') ?? 0);
        const page = entries.slice(cursor, cursor + pageSize);
        const headers: Record<string, string> = {};
        if (cursor + pageSize < entries.length) {
          const next = new URL(url.toString());
          next.searchParams.set('cursor', String(cursor + pageSize));
          headers.Link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
        }
        return json(res, 200, page, headers);
      }
      return notFound(res, 'NotFound', 'Not found');
    }

    if (parts.length >= 4 && parts[2] === 'resolve') {
      const [owner, name, , rev, ...rest] = parts;
      const repo = lookup(owner!, name!, rev!);
      if (!repo) return notFound(res, 'RepoNotFound', 'Repository not found');
      if (repo === 'bad-revision') return notFound(res, 'RevisionNotFound', 'Invalid rev id');
      const file = repo.files.find((f) => f.path === rest.join('/')) ?? hostileFallback.get(`${owner}/${name}`);
      if (!file) return notFound(res, 'EntryNotFound', 'Entry not found');
      return serveFile(req, res, file, repo.commit);
    }
    return notFound(res, 'NotFound', 'Not found');
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse, file: HubFile, commit: string) => {
    const etag = `"${file.lfs ? file.sha256 : file.gitOid}"`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'X-Repo-Commit': commit,
    };
    if (file.lfs) {
      headers['X-Linked-ETag'] = etag;
      headers['X-Linked-Size'] = String(file.size);
    }
    let start = 0;
    let end = file.size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range);
      if (!m || (m[1] === '' && m[2] === '')) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.size}` });
        return res.end();
      }
      if (m[1] === '') {
        start = Math.max(0, file.size - Number(m[2]));
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(end, Number(m[2]));
      }
      if (start >= file.size || start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.size}` });
        return res.end();
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
    }
    const length = file.size === 0 ? 0 : end - start + 1;
    const extra = oversized.get(file.path);
    if (extra === undefined || req.method === 'HEAD') headers['Content-Length'] = String(length);
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || length === 0) return res.end();
    if (extra !== undefined) {
      const flood = Buffer.alloc(64 * 1024, 0x41);
      let left = extra;
      const more = (): void => {
        while (left > 0) {
          const n = Math.min(left, flood.length);
          left -= n;
          if (!res.write(flood.subarray(0, n))) return void res.once('drain', more);
        }
        res.end();
      };
      const head = createReadStream(file.abs, { start, end });
      head.on('data', (c) => res.write(c));
      head.on('end', more);
      res.on('close', () => head.destroy());
      return;
    }

    const cut = length > 1 ? cuts.get(file.path) : undefined;
    let budget = Infinity;
    if (cut && cut.times > 0) {
      budget = cut.bytes;
      cut.times -= 1;
    }
    const flip = corrupted.has(file.path) ? Math.floor(file.size / 2) : -1;
    let offset = start;
    const stream = createReadStream(file.abs, { start, end });
    stream.on('data', (chunk) => {
      const buf = Buffer.from(chunk as Buffer);
      if (flip >= offset && flip < offset + buf.length) buf[flip - offset] = buf[flip - offset]! ^ 0xff;
      offset += buf.length;
      if (budget <= buf.length) {
        stream.destroy();
        res.write(buf.subarray(0, budget), () => res.destroy());
        budget = 0;
        return;
      }
      budget -= buf.length;
      if (!res.write(buf)) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => res.end());
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    commit: (repo) => repos.get(repo)!.commit,
    files: (repo) => repos.get(repo)!.files,
    requests,
    cutAfter(path, bytes, times = 1) {
      cuts.set(path, { bytes, times });
    },
    async listHostile(repo, path, abs) {
      const data = await readFile(abs);
      const file: HubFile = {
        path,
        abs,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        gitOid: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex'),
        lfs: true,
      };
      repos.get(repo)!.files.push(file);
      hostileFallback.set(repo, file);
    },
    oversize(path, extra) {
      oversized.set(path, extra);
    },
    corrupt(path, on = true) {
      if (on) corrupted.add(path);
      else corrupted.delete(path);
    },
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}

function treeEntries(files: HubFile[], prefix: string, recursive: boolean) {
  const under = files.filter((f) => (prefix ? f.path.startsWith(`${prefix}/`) : true));
  const dirs = new Set<string>();
  const out: Array<Record<string, unknown>> = [];
  for (const f of under) {
    const rest = prefix ? f.path.slice(prefix.length + 1) : f.path;
    const segments = rest.split('/');
    for (let i = 1; i < segments.length; i++) {
      const d = [prefix, ...segments.slice(0, i)].filter(Boolean).join('/');
      if (!dirs.has(d) && (recursive || i === 1)) {
        dirs.add(d);
        out.push({ type: 'directory', path: d, size: 0, oid: createHash('sha1').update(d).digest('hex') });
      }
    }
    if (!recursive && segments.length > 1) continue;
    // For LFS files the hub's `oid` is the git oid of the pointer file, not of the content.
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${f.sha256}\nsize ${f.size}\n`;
    const entry: Record<string, unknown> = {
      type: 'file',
      path: f.path,
      size: f.size,
      oid: f.lfs ? createHash('sha1').update(`blob ${pointer.length}\0${pointer}`).digest('hex') : f.gitOid,
    };
    if (f.lfs) entry.lfs = { oid: f.sha256, size: f.size, pointerSize: pointer.length };
    out.push(entry);
  }
  return out;
}
