import type { Message } from '../types.js';

/** Messages kept on the page at once: a 10,000-message session is read a window at a time. */
export const WINDOW = 300;

/** The messages on the page, consecutive by seq, and whether there are more either side. */
export interface MessageWindow {
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** Older messages above; past WINDOW the newest are let go (and can be asked for again). */
export function prependOlder(view: MessageWindow, older: Message[], more: boolean): MessageWindow {
  const messages = [...older, ...view.messages];
  const dropped = messages.length > WINDOW;
  return {
    messages: dropped ? messages.slice(0, WINDOW) : messages,
    hasOlder: more,
    hasNewer: view.hasNewer || dropped,
  };
}

/** Newer messages below (each once); past WINDOW the oldest are let go. */
export function appendNewer(view: MessageWindow, newer: Message[], more: boolean): MessageWindow {
  const known = new Set(view.messages.map((message) => message.seq));
  const messages = [...view.messages, ...newer.filter((message) => !known.has(message.seq))];
  const dropped = messages.length > WINDOW;
  return {
    messages: dropped ? messages.slice(-WINDOW) : messages,
    hasOlder: view.hasOlder || dropped,
    hasNewer: more,
  };
}
