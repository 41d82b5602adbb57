export { sniffImage, type ImageFormat } from './sniff';
export { inspectImage, type ImageInfo } from './inspect';
export { decodeToRgb, planDecode, clampRegion, type DecodeOptions, type DecodePlan, type DecodedImage } from './decode';
export { fitSize, type FitOptions } from './fit';
export { sharp } from './sharp';
