import { main } from './main.js';

// The process entry of `linkpulse`; main() itself stays importable for tests.
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
