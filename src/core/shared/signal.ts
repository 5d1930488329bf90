/** Listeners told of something the core did (metrics listen; the core does not know them). */
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener; answers the function that removes it. */
  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}
