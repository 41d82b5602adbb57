import type { QwenVlEngine } from '../qwen-vl-engine';

type Feeds = Record<string, { dims: readonly number[]; data: ArrayLike<bigint> }>;
type SessionName = keyof ReturnType<QwenVlEngine['internals']>['sessions'];

/** Tests: calls `fn` with the feeds of every run of one of the engine's ONNX sessions, then runs it. */
export function onSessionRun(engine: QwenVlEngine, name: SessionName, fn: (feeds: Feeds) => void): void {
  const session = engine.internals().sessions[name];
  const run = session.run.bind(session) as (...args: unknown[]) => ReturnType<typeof session.run>;
  session.run = ((feeds: never, ...rest: unknown[]) => {
    fn(feeds);
    return run(feeds, ...rest);
  }) as typeof session.run;
}
