export async function runGpuSetup(_argv: string[]): Promise<number> {
  process.stderr.write('loupe gpu-setup: not implemented yet\n');
  return 1;
}
