/**
 * Remembers a pure function's answers for recent inputs. Bounded: when full it starts over, which
 * is cheap and keeps memory flat; request headers repeat so much that it refills at once.
 */
export function boundedMemo<V>(fn: (input: string) => V, maxEntries = 2000): (input: string) => V {
  const answers = new Map<string, V>();
  return (input) => {
    let answer = answers.get(input);
    if (answer === undefined && !answers.has(input)) {
      if (answers.size >= maxEntries) answers.clear();
      answer = fn(input);
      answers.set(input, answer);
    }
    return answer as V;
  };
}
