import { readFileSync } from 'node:fs';
import { runTandemRoundCli } from '../src/matching/core/tandem-round-cli.util';

// npm run -s tandem-round -- <file.json>   (or "-" for stdin)
try {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run -s tandem-round -- <file.json>');
  process.stdout.write(`${runTandemRoundCli(readFileSync(file === '-' ? 0 : file, 'utf8'))}\n`);
} catch (err) {
  process.stderr.write(`tandem-round: ${(err as Error).message}\n`);
  process.exit(1);
}
