import type { Task } from '@loupe/shared';

export async function runImageCommand(task: Task, _argv: string[]): Promise<number> {
  process.stderr.write(`loupe ${task}: not implemented yet\n`);
  return 1;
}
