/**
 * The keyboard shortcuts, as data (one list drives the help sheet), and the sheet itself: a
 * dialog listing every key, the codebook's keys included.
 */
import type { ICodeRecord } from '../../src/api-types';

import { button, el } from './dom';

export interface IShortcut {
  keys: string[];
  action: string;
  /** False when the shortcut changes annotations (not listed in read-only mode). */
  readOnly: boolean;
}

export const SHORTCUTS: readonly IShortcut[] = [
  { keys: ['j', '↓'], action: 'Next turn', readOnly: true },
  { keys: ['k', '↑'], action: 'Previous turn', readOnly: true },
  { keys: ['Home', 'End'], action: 'First / last turn', readOnly: true },
  { keys: ['Space'], action: 'Select the whole turn (clears a span or pair)', readOnly: true },
  {
    keys: ['Shift+→', 'Shift+←'],
    action: 'Extend / shrink the span by one word (from the start of the turn)',
    readOnly: true
  },
  {
    keys: ['Ctrl+Shift+→', 'Ctrl+Shift+←'],
    action: 'Move the start of the span by one word',
    readOnly: true
  },
  { keys: ['v'], action: 'Pair a therapist turn with the client turn before it', readOnly: false },
  { keys: ['→', '←'], action: 'Next / previous code on the turn', readOnly: true },
  {
    keys: ['Alt+1', 'Alt+2', 'Alt+3'],
    action: 'Set the strength of the code in focus',
    readOnly: false
  },
  { keys: ['Alt+0'], action: 'Clear the strength of the code in focus', readOnly: false },
  {
    keys: ['n'],
    action: 'Write a note on the code in focus (Enter saves, Esc cancels)',
    readOnly: false
  },
  { keys: ['Delete'], action: 'Delete the code in focus', readOnly: false },
  { keys: ['u', 'Ctrl+Z'], action: 'Undo', readOnly: false },
  { keys: ['z', 'Ctrl+Shift+Z', 'Ctrl+Y'], action: 'Redo', readOnly: false },
  {
    keys: ['/'],
    action: 'Search the transcript (Enter: next match, Shift+Enter: previous)',
    readOnly: true
  },
  { keys: ['?'], action: 'Show this list', readOnly: true },
  {
    keys: ['Esc'],
    action: 'Cancel: close, clear the span or pair, leave the search box',
    readOnly: true
  }
];

/** The help dialog. Esc, `?` or the Close button closes it; focus returns where it was. */
export class ShortcutSheet {
  readonly node: HTMLElement;

  constructor(private readonly onClose: () => void) {
    this.node = el('div', 'jp-attune-ShortcutSheet');
    this.node.setAttribute('role', 'dialog');
    this.node.setAttribute('aria-modal', 'true');
    this.node.hidden = true;
    this.node.addEventListener('keydown', this.onKeydown);
  }

  get isOpen(): boolean {
    return !this.node.hidden;
  }

  open(codes: readonly ICodeRecord[], readOnly: boolean, compare: boolean): void {
    const id = `jp-attune-sheet-${Math.random().toString(36).slice(2, 10)}`;
    const title = el('h2', 'jp-attune-ShortcutSheet-title', 'Keyboard shortcuts');
    title.id = id;
    this.node.setAttribute('aria-labelledby', id);
    const close = button('jp-attune-Button', 'Close');
    close.addEventListener('click', () => this.close());
    const table = (caption: string, rows: [string[], string][]): HTMLTableElement => {
      const node = el('table', 'jp-attune-ShortcutSheet-table');
      node.append(el('caption', '', caption));
      const body = el('tbody', '');
      for (const [keys, action] of rows) {
        const row = el('tr', '');
        const keyCell = el('th', '');
        keyCell.scope = 'row';
        keys.forEach((key, i) => {
          if (i > 0) {
            keyCell.append(' ');
          }
          keyCell.append(el('kbd', '', key));
        });
        row.append(keyCell, el('td', '', action));
        body.append(row);
      }
      node.append(body);
      return node;
    };
    const general = SHORTCUTS.filter(s => !readOnly || s.readOnly).map(
      s => [s.keys, s.action] as [string[], string]
    );
    const verb = readOnly ? 'Code' : compare ? 'Record as agreed:' : 'Apply or remove:';
    const codeRows = codes.map(
      code => [[code.key], `${verb} ${'  '.repeat(code.depth)}${code.label}`] as [string[], string]
    );
    const children: HTMLElement[] = [title, table('Moving, selecting, editing', general)];
    children.push(table(readOnly ? 'Codes (read-only)' : 'Codes', codeRows));
    children.push(close);
    this.node.replaceChildren(...children);
    this.node.hidden = false;
    close.focus();
  }

  close(): void {
    if (this.node.hidden) {
      return;
    }
    this.node.hidden = true;
    this.onClose();
  }

  dispose(): void {
    this.node.removeEventListener('keydown', this.onKeydown);
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' || event.key === '?') {
      this.close();
    } else if (event.key === 'Tab') {
      // Keep focus inside the dialog: its only control is the Close button.
      const close = this.node.querySelector<HTMLElement>('button');
      close?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      return; // let the Close button take it
    }
    event.preventDefault();
    event.stopPropagation();
  };
}
