import { describe, expect, it } from 'vitest';
import {
  appendNewer,
  prependOlder,
  WINDOW,
  type MessageWindow,
} from '../../console/src/sessions/message-window.js';
import type { Message } from '../../console/src/types.js';

const messages = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i }) as Message);
const seqs = (view: MessageWindow) => view.messages.map((message) => message.seq);

describe("the console's window of a long conversation", () => {
  it('keeps at most WINDOW messages, letting go of the far end, which says there is more', () => {
    let view: MessageWindow = { messages: messages(951, 1000), hasOlder: true, hasNewer: false };
    for (let first = 901; first > 650; first -= 50) {
      view = prependOlder(view, messages(first, first + 49), true);
    }
    expect(view.messages).toHaveLength(WINDOW);
    expect(seqs(view)[0]).toBe(651);
    expect(seqs(view).at(-1)).toBe(950);
    expect(view.hasNewer).toBe(true);
    view = appendNewer(view, messages(951, 1000), false);
    expect(seqs(view)[0]).toBe(701);
    expect(seqs(view).at(-1)).toBe(1000);
    expect(view).toMatchObject({ hasOlder: true, hasNewer: false });
  });

  it('adds a newer message once, however often it is read', () => {
    const view = { messages: messages(1, 3), hasOlder: false, hasNewer: false };
    expect(seqs(appendNewer(view, messages(3, 5), false))).toEqual([1, 2, 3, 4, 5]);
    expect(prependOlder(view, [], false)).toMatchObject({ hasOlder: false, hasNewer: false });
  });
});
