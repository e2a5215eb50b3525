import { parseArgs } from 'node:util';
import { run } from './main.js';

// The runner starts the action with no arguments. Tests alone pass this one, to stand a
// directory in for a pod's service-account mount; a workflow cannot.
const { values } = parseArgs({ options: { 'test-service-account-dir': { type: 'string' } } });
await run({ serviceAccountDir: values['test-service-account-dir'] });
// A request aborted by the timeout can leave its socket connecting until undici's own connect
// timeout; the verdict is in, so flush the log and end now rather than wait for it.
process.stdout.write('', () => process.exit());
