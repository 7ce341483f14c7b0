/**
 * The store names fields in camelCase (`messages.0.messageId`); the API in snake_case
 * (`messages.0.message_id`). Error messages name the field the client sent.
 */
export function toApiField(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`))
    .join('.');
}

/** Ajv's `/messages/0/role` (plus the missing or unknown property) as `messages.0.role`. */
export function fromJsonPointer(pointer: string, property?: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (property) parts.push(property);
  return parts.join('.') || 'body';
}
