interface ImportMetaEnv {
  /** True only in the e2e build (scripts/build-e2e.mjs): installs `globalThis.__loupe` in the background. */
  readonly LOUPE_TEST_HOOKS: boolean;
}
