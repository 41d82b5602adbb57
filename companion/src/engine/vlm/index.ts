import { createLogger } from '../../log/logger';
import { registerEngine } from '../registry';
import { QWEN_VL_ENGINE, QwenVlEngine } from './qwen-vl-engine';

export { QwenVlEngine, QWEN_VL_ENGINE } from './qwen-vl-engine';

registerEngine({
  name: QWEN_VL_ENGINE,
  kind: 'vlm',
  describe: 'Qwen-VL (Qwen2-VL, Qwen2.5-VL, Qwen3-VL) on onnxruntime-node (transformers.js processor), CUDA or CPU',
  create: (options) => new QwenVlEngine(options, createLogger({ name: 'vlm' })),
});
