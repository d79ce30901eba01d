/** Paged searches as async iterators: pages are fetched lazily, one at a time, as the loop asks. */
import type { Page } from './types.js';

export type PageFetcher<T> = (pageToken: string | undefined) => Promise<Page<T>>;

export class Paged<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: PageFetcher<T>) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** The pages themselves, for callers that want the tokens. */
  async *pages(): AsyncGenerator<Page<T>> {
    let token: string | undefined;
    do {
      const page = await this.fetchPage(token);
      yield page;
      token = page.nextPageToken === '' ? undefined : page.nextPageToken;
    } while (token !== undefined);
  }

  /** Collects up to `limit` items (all when omitted). */
  async toArray(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** A page from a response; an empty or null token (the /v1 API's) means the last page. */
export function page<T>(items: T[] | undefined, next: string | null | undefined): Page<T> {
  return { items: items ?? [], nextPageToken: next === '' || next === null ? undefined : next };
}
