/**
 * Where a node announces that a link changed (edited, disabled, deleted), so that every node
 * sharing the database drops it from its link cache at once instead of after the cache's TTL.
 * A link is named by its key's text (`keyText`).
 */
export interface LinkChangeFeed {
  announce(key: string): void;
  /** Answers a function that unsubscribes. */
  subscribe(listener: (key: string) => void): () => void;
}
