/**
 * Long loops over contacts (preview, rescoring) hand the event loop back every `budgetMs` of work,
 * so a card request or /healthz waits for one slice, not for a whole batch of long values.
 */
export function createYielder(budgetMs = 20): () => Promise<void> {
  let sliceStarted = performance.now();
  return async () => {
    if (performance.now() - sliceStarted < budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStarted = performance.now();
  };
}
