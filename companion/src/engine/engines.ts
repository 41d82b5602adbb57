/**
 * Every engine module, imported once inside the engine host so each registers itself
 * (registerEngine at import). The daemon never imports this file: engines and their native
 * libraries live only in the host process. One line per engine:
 *   import './ocr';      // 'ppocr'
 *   import './vlm';      // 'qwen-vl'
 *   import './remote';   // 'openai-remote'
 * Every host imports every module here, so keep their top level light: load native libraries
 * (onnxruntime, transformers) inside create()/load(), not at import.
 */
import './ocr';
import './vlm';

export {};
