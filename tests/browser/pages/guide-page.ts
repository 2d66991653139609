/**
 * Runs one bundled guide sample (`/build/guide/<name>.js`) in this page and returns what it
 * printed: `console.log` is captured while it runs; it is done when its module has evaluated, it
 * opened a database, and no database call has been in flight for a moment (a sample may leave a
 * database open on purpose, or run an `async main()` it does not await).
 */
const state = globalThis as unknown as { sampleRun: { prefix: string; opened: number; inFlight: number } };
const QUIET_MS = 50;
const SAMPLE_TIMEOUT_MS = 10_000;

function show(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? String(value) : JSON.stringify(value);
}

async function runSample(name: string): Promise<{ stdout: string; error: string | null }> {
  const lines: string[] = [];
  const log = console.log;
  let failure: unknown = null;
  const onRejection = (event: PromiseRejectionEvent) => {
    failure ??= event.reason;
    event.preventDefault();
  };
  addEventListener('unhandledrejection', onRejection);
  state.sampleRun = { prefix: `${name}-${Date.now()}-`, opened: 0, inFlight: 0 };
  console.log = (...args: unknown[]) => lines.push(args.map(show).join(' '));
  try {
    await import(`/build/guide/${name}.js`);
    const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
    let quietSince = Date.now();
    while (failure === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const busy = state.sampleRun.opened === 0 || state.sampleRun.inFlight > 0;
      if (busy) quietSince = Date.now();
      else if (Date.now() - quietSince >= QUIET_MS) break;
    }
    if (Date.now() >= deadline) failure ??= new Error(`the sample was still running after ${SAMPLE_TIMEOUT_MS} ms`);
  } catch (e) {
    failure = e;
  } finally {
    console.log = log;
    removeEventListener('unhandledrejection', onRejection);
  }
  const error = failure === null ? null : failure instanceof Error ? `${failure.name}: ${failure.message}\n${failure.stack}` : String(failure);
  return { stdout: lines.join('\n'), error };
}

Object.assign(globalThis, { runSample, pageReady: true });
