/**
 * Where a node announces that a link changed (edited, disabled, deleted), so that every node
 * sharing the database drops it from its link cache at once instead of after the cache's TTL.
 */
export interface LinkChangeFeed {
  announce(code: string): void;
  /** Answers a function that unsubscribes. */
  subscribe(listener: (code: string) => void): () => void;
}
