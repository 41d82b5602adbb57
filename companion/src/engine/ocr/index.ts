// Importing the OCR engine module registers 'ppocr' with the engine registry.
import './ppocr-engine';

export { PpOcrEngine, PPOCR_MODEL } from './ppocr-engine';
export { OcrPipeline, type OcrOutput } from './pipeline';
