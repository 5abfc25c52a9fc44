/**
 * Small DOM helpers. Every text goes in through `textContent` or a text node, never as HTML.
 */

/** An element with a class and, optionally, its text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A button with a visible label and an optional tooltip. */
export function button(className: string, label: string, title?: string): HTMLButtonElement {
  const node = el('button', className, label);
  node.type = 'button';
  if (title !== undefined) {
    node.title = title;
  }
  return node;
}

/** Text that screen readers announce but that is not shown. */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', 'jp-attune-srOnly', text);
}

/** Is the event's target a field where keys type text (search box, note editor, select)? */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    return true;
  }
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio'].includes(target.type);
  }
  return target.isContentEditable;
}

/** "●●○" for a strength of 2 out of 3 ("" when none). */
export function strengthDots(strength: number | null, max: number): string {
  if (strength === null) {
    return '';
  }
  return '●'.repeat(strength) + '○'.repeat(Math.max(0, max - strength));
}

/** The first `length` characters of a note, with an ellipsis when cut. */
export function excerpt(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= length ? flat : `${chars.slice(0, length - 1).join('')}…`;
}
