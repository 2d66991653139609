/**
 * What a namespace handle tells about its record: the same in Node (`Namespace`) and in browsers
 * (`RemoteNamespace`), which extend this. Internal.
 */
import type { NamespaceInfo } from './collection-types.js';

export class NamespaceView {
  readonly #info: NamespaceInfo;

  protected constructor(info: NamespaceInfo) {
    this.#info = info;
  }

  get name(): string {
    return this.#info.name;
  }

  get displayName(): string {
    return this.#info.displayName;
  }

  get labels(): Record<string, string> {
    return { ...this.#info.labels };
  }

  /** The namespace's record as created. */
  get config(): NamespaceInfo {
    return { ...this.#info, labels: { ...this.#info.labels } };
  }
}
