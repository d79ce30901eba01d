/**
 * TanStack Virtual's scroll-offset observer for two virtualizers (rows and columns) on one
 * scroll element, with one difference: each scroll event's scrollTop and scrollLeft are read
 * together, in a capture listener that runs before either virtualizer renders. With the default
 * observer the second virtualizer read its offset after the first had rendered new rows, which
 * forced Chromium to lay them out there and then, inside the event (a DevTools-protocol profile
 * of a scroll over 10,000 rows put most of the main thread's script time in that read). The
 * virtualizer still reads the element's maximum scroll offset while it renders, which forces
 * the same layout a little later (see docs/benchmarks.md).
 */
import { debounce } from '@tanstack/react-virtual';
import type { Virtualizer } from '@tanstack/react-virtual';

const latest = new WeakMap<Element, { top: number; left: number }>();

export function observeSharedOffset(instance: Virtualizer<HTMLDivElement, Element>, cb: (offset: number, isScrolling: boolean) => void): (() => void) | undefined {
  const el = instance.scrollElement;
  const win = instance.targetWindow;
  if (!el || !win) return undefined;
  const horizontal = instance.options.horizontal;
  const read = () => {
    const at = latest.get(el);
    return at ? (horizontal ? at.left : at.top) : horizontal ? el.scrollLeft : el.scrollTop;
  };
  const capture = () => latest.set(el, { top: el.scrollTop, left: el.scrollLeft });
  // isScrolling goes back to false a while after the last scroll event, as by default
  const settled = debounce(win, () => cb(horizontal ? el.scrollLeft : el.scrollTop, false), instance.options.isScrollingResetDelay);
  const onScroll = () => {
    settled();
    cb(read(), true);
  };
  el.addEventListener('scroll', capture, { capture: true, passive: true });
  el.addEventListener('scroll', onScroll, { passive: true });
  return () => {
    el.removeEventListener('scroll', capture, { capture: true });
    el.removeEventListener('scroll', onScroll);
    settled.cancel();
  };
}
