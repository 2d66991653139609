/**
 * Injected by the browser build (tsup `inject`) wherever the shared code names `Buffer`, which
 * browsers lack: the `buffer` package's implementation, bundled, without touching globalThis.
 */
export { Buffer } from 'buffer';
