/**
 * The error a cancelled job ends with. (This file once held the push → iterate queue between
 * transformers.js' streamer and the engine; the engine's own loop is pulled and needs none.
 * The name stays so importers outside vlm/ need no change.)
 */
export function abortError(): Error {
  const error = new Error('the job was cancelled');
  error.name = 'AbortError';
  return error;
}
