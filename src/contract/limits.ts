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
}

export const DEFAULT_LIMITS: Limits = {
  maxContentBytes: 256 * 1024,
  maxMetadataBytes: 64 * 1024,
  maxMessagesPerAppend: 100,
  maxPageSize: 1000,
};

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
