/** Size limits enforced on every input before anything is written. All are configurable. */
export interface Limits {
  /** UTF-8 bytes of one message's content. */
  maxContentBytes: number;
  /** UTF-8 bytes of one metadata object serialised as JSON. */
  maxMetadataBytes: number;
  /** Messages in one append call. */
  maxMessagesPerAppend: number;
  /** Messages or sessions returned by one read. */
  maxPageSize: number;
  /** UTF-8 bytes of one message's `data` (the framework's JSON: file parts can be MiBs). */
  maxDataBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxContentBytes: 256 * 1024,
  maxMetadataBytes: 64 * 1024,
  maxMessagesPerAppend: 100,
  maxPageSize: 1000,
  maxDataBytes: 4 * 1024 * 1024,
};

/** Tool call ids: what providers generate (`call_...`, `toolu_...`), at most this long. */
export const MAX_CALL_ID_CHARS = 256;
export const MAX_CALL_IDS = 128;
/** `format`: a shape's name such as `ai-sdk/ui-message`. */
export const FORMAT_PATTERN = /^[A-Za-z0-9._/:@-]{1,64}$/;
/** How long a draft stays leased without a checkpoint, unless the caller says. */
export const DEFAULT_LEASE_MS = 60_000;
export const MAX_LEASE_MS = 3_600_000;

/** Page size when a read names neither `last` nor `limit`. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Ids (user, session, agent, message) are 1-128 characters from this set: letters, digits and
 * `. _ : @ -`. That covers UUIDs, ULIDs, e-mail addresses and `namespace:id` forms, and keeps ids
 * safe inside Redis keys (no braces, so hash tags stay intact) and URLs.
 */
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const ID_RULE = '1-128 characters from A-Z a-z 0-9 . _ : @ -';

export const MAX_TITLE_CHARS = 500;
