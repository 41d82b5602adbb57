import { createLogger } from '../../log/logger';
import { registerEngine } from '../registry';
import { OPENAI_REMOTE_ENGINE, OpenAiRemoteEngine } from './openai-remote-engine';

export { OpenAiRemoteEngine, OPENAI_REMOTE_ENGINE } from './openai-remote-engine';

registerEngine({
  name: OPENAI_REMOTE_ENGINE,
  kind: 'vlm',
  describe: 'remote OpenAI-compatible vision-language server (vLLM, SGLang, Ollama, LM Studio, another Loupe)',
  create: (options) => new OpenAiRemoteEngine(options, createLogger({ name: 'vlm-remote' })),
});
