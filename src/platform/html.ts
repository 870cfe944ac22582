import escape from 'escape-html';

/** Escapes text for HTML element content and quoted attribute values: the one escaper of the app and the sandbox. */
export function escapeHtml(value: string | number): string {
  return escape(String(value));
}
