export * from './families';
export * from './dtypes';
export { buildStandIn } from './standin/build';
export type { StandInOptions, StandInResult } from './standin/build';
export { STAND_IN_LABEL } from './standin/config-files';
