/**
 * Errors shown inline, where they happened: the error's class name, its SochDB `code` (stable,
 * what code should match on) and its message, which says what to do.
 */
import { h } from './dom.js';

export interface ShownError {
  name: string;
  code: string | null;
  message: string;
}

export function describeError(error: unknown): ShownError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name || 'Error', code: typeof code === 'string' ? code : null, message: error.message };
  }
  return { name: 'Error', code: null, message: String(error) };
}

/** An inline error box; `role="alert"` so screen readers announce it. */
export function errorView(error: unknown): HTMLElement {
  const { name, code, message } = describeError(error);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('div', { class: 'error-head' }, h('span', { class: 'error-name' }, name), code ? h('code', { class: 'error-code' }, code) : null),
    h('div', { class: 'error-message' }, message),
  );
}

/** A slot that shows one error or nothing. */
export class ErrorSlot {
  readonly element = h('div', { class: 'error-slot', 'aria-live': 'polite' });

  show(error: unknown): void {
    this.element.replaceChildren(errorView(error));
  }

  clear(): void {
    this.element.replaceChildren();
  }

  /** Runs `fn`, clearing the slot first and showing what it throws. Returns undefined on error. */
  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.clear();
    try {
      return await fn();
    } catch (e) {
      this.show(e);
      return undefined;
    }
  }
}
