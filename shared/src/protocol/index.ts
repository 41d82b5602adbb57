export * from './constants';
export * from './shapes';
export * from './client-messages';
export * from './server-messages';
export * from './binary-frame';
export * from './errors';
export * from './parse';
export * from './builders';
