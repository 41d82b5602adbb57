export async function runDoctor(_argv: string[]): Promise<number> {
  process.stderr.write('loupe doctor: not implemented yet\n');
  return 1;
}
