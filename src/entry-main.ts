import { run } from './main.js';

await run();
// A request aborted by the timeout can leave its socket connecting until undici's own connect
// timeout; the verdict is in, so flush the log and end now rather than wait for it.
process.stdout.write('', () => process.exit());
