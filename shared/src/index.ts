export * from './protocol/index';
export * from './extension-identity';
export * from './version';
