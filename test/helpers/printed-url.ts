import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the URL a LinkPulse (or bench) server prints when it listens (`"url":"http://…"`),
 * and gives access to everything the process wrote. Used by the tests and by `npm run bench`.
 */
export function printedUrl(child: ChildProcess, timeoutMs: number): { url: Promise<string>; output: () => string } {
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { url, output: () => output };
}
