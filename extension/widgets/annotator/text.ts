/**
 * Turn text: offsets, words and highlighted rendering.
 *
 * The browser counts string positions in UTF-16 units; Python (and so the store) counts Unicode
 * code points. An emoji is two UTF-16 units and one code point, so every offset that crosses the
 * boundary to Python is converted here. Inside the view, offsets are UTF-16 units.
 */

/** Offsets and word boundaries of one turn's text, computed on first use. */
export class TurnText {
  constructor(readonly text: string) {}

  /** UTF-16 offset of a code-point offset (clamped to the text). */
  toUtf16(codePoint: number): number {
    const table = this.table();
    if (table === null) {
      return Math.max(0, Math.min(codePoint, this.text.length));
    }
    return table[Math.max(0, Math.min(codePoint, table.length - 1))];
  }

  /** Code-point offset of a UTF-16 offset (one inside a surrogate pair counts as its start). */
  toCodePoint(utf16: number): number {
    const table = this.table();
    if (table === null) {
      return Math.max(0, Math.min(utf16, this.text.length));
    }
    let low = 0;
    let high = table.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (table[mid] <= utf16) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /** Words as [start, end) in UTF-16 units: runs of characters other than white space. */
  words(): ReadonlyArray<readonly [number, number]> {
    if (this._words === null) {
      this._words = Array.from(this.text.matchAll(/\S+/gu), m => [m.index, m.index + m[0].length]);
    }
    return this._words;
  }

  /** Move a UTF-16 offset off the middle of a surrogate pair (forwards). */
  snap(utf16: number): number {
    const code = this.text.charCodeAt(utf16 - 1);
    return code >= 0xd800 && code <= 0xdbff && utf16 < this.text.length ? utf16 + 1 : utf16;
  }

  private table(): number[] | null {
    if (this._table === undefined) {
      if (!/[\uD800-\uDFFF]/.test(this.text)) {
        this._table = null;
      } else {
        // table[i] is the UTF-16 offset of code point i; the last entry is the text's length.
        const table: number[] = [];
        let offset = 0;
        for (const char of this.text) {
          table.push(offset);
          offset += char.length;
        }
        table.push(offset);
        this._table = table;
      }
    }
    return this._table;
  }

  private _table: number[] | null | undefined = undefined;
  private _words: [number, number][] | null = null;
}

/** Part of a turn's text to draw as a <mark>. Offsets in UTF-16 units, end exclusive. */
export interface IHighlight {
  start: number;
  end: number;
  /** Class(es) added to the mark. */
  className: string;
  /** A CSS colour for the mark (a code's colour), or null. */
  colour: string | null;
  /** Tooltip text, or null. */
  title: string | null;
}

/**
 * Fill `container` with `text`, wrapping the highlighted parts in <mark> elements. Overlapping
 * highlights are cut at every boundary, so each piece of text is one text node or one mark that
 * carries the classes of every highlight over it. Text goes in as text nodes only.
 */
export function renderHighlighted(
  container: HTMLElement,
  text: string,
  highlights: readonly IHighlight[]
): void {
  if (highlights.length === 0) {
    container.textContent = text;
    return;
  }
  const points = new Set<number>([0, text.length]);
  for (const h of highlights) {
    points.add(Math.max(0, Math.min(h.start, text.length)));
    points.add(Math.max(0, Math.min(h.end, text.length)));
  }
  const cuts = [...points].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < cuts.length - 1; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const piece = text.slice(start, end);
    const over = highlights.filter(h => h.start <= start && h.end >= end && h.end > h.start);
    if (over.length === 0) {
      fragment.append(document.createTextNode(piece));
      continue;
    }
    const mark = document.createElement('mark');
    mark.className = [...new Set(over.flatMap(h => h.className.split(' ')))].join(' ');
    const colour = over.find(h => h.colour !== null)?.colour;
    if (colour) {
      mark.style.setProperty('--jp-attune-code-colour', colour);
    }
    const titles = over.map(h => h.title).filter((t): t is string => t !== null);
    if (titles.length > 0) {
      mark.title = titles.join('\n');
    }
    mark.append(document.createTextNode(piece));
    fragment.append(mark);
  }
  container.replaceChildren(fragment);
}

/**
 * UTF-16 offset, inside `container`'s text, of a DOM position (as a Selection gives it), or null
 * when the position is outside the container.
 */
export function offsetIn(container: HTMLElement, node: Node, offset: number): number | null {
  if (!container.contains(node)) {
    return null;
  }
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

/** Escape a search query for a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
